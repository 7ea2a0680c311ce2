// tenant erase, verify-report (REQ DATA-4, AUTH-7; lending/erase.h).

#include <iostream>

#include "admin/commands.h"
#include "lending/erase.h"
#include "lending/files.h"

namespace hondana::admin {

namespace {

struct EraseArgs {
    std::string report, root;
    std::vector<std::string> backups, logs, keys;
};

std::vector<std::filesystem::path> paths(const std::vector<std::string>& texts)
{
    return { texts.begin(), texts.end() };
}

lending::Result<int> erase(AdminContext& context, const EraseArgs& args)
{
    auto slug = TRY(context.tenant_slug());
    std::string what
        = "ERASE tenant " + slug + " irrecoverably: its keys, the database and content in " + context.data.string();
    for (const auto& folder : args.backups)
        what += ", every backup in " + folder;
    for (const auto& log : args.logs)
        what += ", the logs in " + log;
    if (!context.confirm(what + " (stop hondana-lending first)"))
        return static_cast<int>(ExitCode::declined);
    lending::EraseOptions options { slug, paths(args.backups), paths(args.logs), paths(args.keys), args.report,
        context.actor() };
    lending::SystemClock clock;
    auto report = TRY(lending::erase_tenant({ context.data }, options, clock));
    std::cout << "tenant " << slug << " erased; signed report: " << args.report << "\n"
              << "  administrators deleted: " << report["special_accounts"]["administrators"].size()
              << ", keys destroyed: " << report["keys"].size()
              << ", content files: " << report["content"]["files"].get<size_t>() << "\n"
              << "  check it: hondana-admin verify-report " << args.report << " --root <the tenant's root.crt>\n"
              << "  still yours to do: " << report["operator_duties"][0].get<std::string>() << "; "
              << report["operator_duties"][1].get<std::string>() << "\n";
    return ExitCode::ok;
}

lending::Result<int> verify_report(const EraseArgs& args)
{
    auto report = nlohmann::json::parse(TRY(lending::read_text_file(args.report, 64 * 1024 * 1024)), nullptr, false);
    auto root = drm::Certificate::from_pem(TRY(lending::read_text_file(args.root, 64 * 1024)));
    if (!root)
        return lending::fail(lending::ErrorKind::InvalidArgument, args.root + " is not a certificate");
    auto check = TRY(lending::verify_erasure_report(report, *root));
    std::cout << "erasure report of tenant " << check.tenant << " (finished " << check.finished
              << ") is authentic: signed by " << check.signer << " under the given root\n";
    return ExitCode::ok;
}

}

void add_erase_commands(CLI::App& cli, AdminContext& context, Action& action)
{
    auto args = std::make_shared<EraseArgs>();
    auto* tenant = cli.get_subcommand("tenant");
    auto* erase_command = tenant->add_subcommand("erase",
        "End of service: destroy the tenant's keys, then database, content, backups and logs; write a signed report");
    erase_command->add_option("--report", args->report, "Where the signed report goes (outside what is erased)")
        ->required();
    erase_command->add_option("--backups", args->backups, "A backup folder to erase (repeatable)");
    erase_command->add_option("--logs", args->logs, "A log file or folder to erase (repeatable)");
    erase_command->add_option(
        "--key-file", args->keys, "Another key file to destroy first, e.g. the database key credential (repeatable)");
    erase_command->callback([&action, &context, args] {
        action = [&context, args] { return run(context, [&] { return erase(context, *args); }); };
    });
    auto* verify = cli.add_subcommand("verify-report", "Check an erasure report's signature against the tenant root");
    verify->add_option("report", args->report)->required();
    verify->add_option("--root", args->root, "The tenant root certificate (root.crt) kept by the operator")->required();
    verify->callback([&action, &context, args] {
        action = [&context, args] { return run(context, [&] { return verify_report(*args); }); };
    });
}

}
