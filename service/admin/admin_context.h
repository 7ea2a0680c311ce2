#pragma once

// What every hondana-admin command shares: the data directory, the tenant
// (--tenant, or the only one), the actor recorded in the audit log, and the
// confirmation that destructive commands ask for (REQ OPS-1).

#include <filesystem>
#include <iosfwd>
#include <memory>
#include <string>

#include "lending/lending_service.h"

namespace hondana::admin {

enum ExitCode { ok = 0, failed = 1, usage = 2, declined = 3 };

class AdminContext {
public:
    std::filesystem::path data;
    std::string tenant;
    bool yes { false };

    // "admin-cli:<unix user>".
    [[nodiscard]] std::string actor() const;
    [[nodiscard]] lending::Result<lending::LendingService*> service();
    // --tenant, else the only tenant; InvalidArgument when there are several.
    [[nodiscard]] lending::Result<std::string> tenant_slug();
    // Asks "This will <what>. Type yes to continue" unless --yes. Refuses
    // without asking when stdin is not a terminal.
    [[nodiscard]] bool confirm(const std::string& what);
    // Prints an error and returns ExitCode::failed.
    int report(const lending::Error& error);
    [[nodiscard]] const lending::Clock& clock() const { return m_clock; }

private:
    lending::SystemClock m_clock;
    std::unique_ptr<lending::LendingService> m_service;
};

// Runs `body`: its exit code, or `failed` after printing its error.
int run(AdminContext& context, const std::function<lending::Result<int>()>& body);

}
