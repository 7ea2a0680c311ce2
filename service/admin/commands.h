#pragma once

// The hondana-admin subcommands, one registration function per area. Each
// adds its CLI11 subcommands and sets `action` to what runs when one of them
// is chosen.

#include <functional>

#include <CLI/CLI.hpp>

#include "admin/admin_context.h"

namespace hondana::admin {

using Action = std::function<int()>;

void add_setup_commands(CLI::App& cli, AdminContext& context, Action& action);   // pki, tenant, school, class
void add_user_commands(CLI::App& cli, AdminContext& context, Action& action);    // user …
void add_device_commands(CLI::App& cli, AdminContext& context, Action& action);  // device …
void add_catalog_commands(CLI::App& cli, AdminContext& context, Action& action); // title, licence
void add_audit_commands(CLI::App& cli, AdminContext& context, Action& action);   // audit …
void add_backup_commands(CLI::App& cli, AdminContext& context, Action& action);  // backup, restore
void add_export_commands(CLI::App& cli, AdminContext& context, Action& action);  // export …
// tenant erase, verify-report; after add_setup_commands (it adds to `tenant`).
void add_erase_commands(CLI::App& cli, AdminContext& context, Action& action);

}
