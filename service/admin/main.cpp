// hondana-admin: the operator's command line (docs/service.md).
//
//   hondana-admin --data DIR [--tenant SLUG] [--yes] <command> …

#include <iostream>

#include "admin/commands.h"

using namespace hondana::admin;

int main(int argc, char** argv)
{
    CLI::App cli { "Hondana lending service administration" };
    cli.require_subcommand(1);
    cli.fallthrough(); // --data, --tenant and --yes may also come after the command
    AdminContext context;
    std::string data;
    cli.add_option("--data", data, "Data directory (every command but verify-report)");
    cli.add_option("--tenant", context.tenant, "Tenant slug (default: the only tenant)");
    cli.add_flag("--yes", context.yes, "Do not ask for confirmation (for scripts)");
    Action action;
    add_setup_commands(cli, context, action);
    add_user_commands(cli, context, action);
    add_device_commands(cli, context, action);
    add_catalog_commands(cli, context, action);
    add_audit_commands(cli, context, action);
    add_backup_commands(cli, context, action);
    add_export_commands(cli, context, action);
    add_erase_commands(cli, context, action);
    CLI11_PARSE(cli, argc, argv);
    context.data = data;
    if (data.empty() && !cli.got_subcommand("verify-report")) {
        std::cerr << "--data is required\n" << cli.help();
        return ExitCode::usage;
    }
    if (!action) {
        std::cerr << cli.help();
        return ExitCode::usage;
    }
    return action();
}
