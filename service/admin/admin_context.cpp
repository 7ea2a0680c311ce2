#include "admin/admin_context.h"

#include <pwd.h>
#include <unistd.h>

#include <iostream>

namespace hondana::admin {

std::string AdminContext::actor() const
{
    std::string name;
    if (const passwd* entry = ::getpwuid(::getuid()))
        name = entry->pw_name;
    else
        name = "uid" + std::to_string(::getuid());
    return "admin-cli:" + name;
}

lending::Result<lending::LendingService*> AdminContext::service()
{
    if (!m_service)
        m_service = TRY(lending::LendingService::open({ data }, m_clock));
    return m_service.get();
}

lending::Result<std::string> AdminContext::tenant_slug()
{
    if (!tenant.empty())
        return tenant;
    auto* opened = TRY(service());
    auto all = TRY(opened->directory().tenants());
    if (all.size() == 1)
        return all.front().slug;
    if (all.empty())
        return lending::fail(
            lending::ErrorKind::InvalidArgument, "no tenant yet: run hondana-admin tenant add SLUG --name NAME");
    return lending::fail(lending::ErrorKind::InvalidArgument, "several tenants: say which with --tenant SLUG");
}

bool AdminContext::confirm(const std::string& what)
{
    if (yes)
        return true;
    if (!::isatty(STDIN_FILENO)) {
        std::cerr << "hondana-admin: this will " << what
                  << ".\nRefusing without confirmation: add --yes to run it from a script.\n";
        return false;
    }
    std::cerr << "This will " << what << ".\nType yes to continue: " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    return answer == "yes";
}

int AdminContext::report(const lending::Error& error)
{
    std::cerr << "hondana-admin: " << error.message << " (" << lending::error_code(error.kind) << ")\n";
    if (error.details.contains("reasons"))
        for (const auto& reason : error.details["reasons"])
            std::cerr << "  - " << reason.get<std::string>() << "\n";
    return ExitCode::failed;
}

int run(AdminContext& context, const std::function<lending::Result<int>()>& body)
{
    auto done = body();
    if (!done)
        return context.report(done.error());
    if (*done == ExitCode::declined)
        std::cerr << "hondana-admin: nothing was changed\n";
    return *done;
}

}
