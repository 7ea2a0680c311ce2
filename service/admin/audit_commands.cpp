// audit export / verify.

#include <fstream>
#include <iostream>

#include "admin/commands.h"
#include "lending/audit.h"

namespace hondana::admin {

namespace {

struct AuditArgs {
    std::string output, head;
};

lending::Result<void> record(
    AdminContext& context, lending::LendingService& service, std::string action, std::string detail)
{
    auto now = context.clock().now();
    return service.store().write([&](storage::Database& db) -> lending::Result<void> {
        TRY(lending::append_audit(
            db, now, { .actor = context.actor(), .action = std::move(action), .detail = std::move(detail) }));
        return {};
    });
}

lending::Result<int> export_log(AdminContext& context, const AuditArgs& args)
{
    auto* service = TRY(context.service());
    lending::AuditHead head;
    if (args.output.empty()) {
        head = TRY(service->store().read([&](storage::Database& db) { return lending::export_audit(db, std::cout); }));
    } else {
        std::ofstream out(args.output, std::ios::binary | std::ios::trunc);
        if (!out)
            return lending::fail(lending::ErrorKind::InvalidArgument, "cannot write " + args.output);
        head = TRY(service->store().read([&](storage::Database& db) { return lending::export_audit(db, out); }));
    }
    std::cerr << "audit head " << lending::format_audit_head(head)
              << " (keep it: audit verify --head checks nothing was cut off)\n";
    TRY(record(context, *service, "admin.audit.export", "through " + lending::format_audit_head(head)));
    return ExitCode::ok;
}

lending::Result<int> verify(AdminContext& context, const AuditArgs& args)
{
    auto* service = TRY(context.service());
    std::optional<lending::AuditHead> expected;
    if (!args.head.empty())
        expected = TRY(lending::parse_audit_head(args.head));
    auto report
        = TRY(service->store().read([&](storage::Database& db) { return lending::verify_audit(db, expected); }));
    if (report.intact()) {
        std::cout << "audit chain intact: " << report.entries << " entries, head "
                  << lending::format_audit_head(report.head) << "\n";
        TRY(record(
            context, *service, "admin.audit.verify", "intact through " + lending::format_audit_head(report.head)));
        return ExitCode::ok;
    }
    std::cout << "audit chain BROKEN (" << report.problems.size() << " problem(s)):\n";
    for (const auto& problem : report.problems)
        std::cout << "  entry " << problem.seq << ": " << problem.what << "\n";
    return static_cast<int>(ExitCode::failed);
}

}

void add_audit_commands(CLI::App& cli, AdminContext& context, Action& action)
{
    auto args = std::make_shared<AuditArgs>();
    auto* audit = cli.add_subcommand("audit", "The hash-chained audit log")->require_subcommand(1);
    auto* export_command = audit->add_subcommand("export", "Write every entry as JSON Lines");
    export_command->add_option("--output", args->output, "File to write (default: standard output)");
    export_command->callback([&action, &context, args] {
        action = [&context, args] { return run(context, [&] { return export_log(context, *args); }); };
    });
    auto* verify_command = audit->add_subcommand(
        "verify", "Recompute the chain; exit 1 on any edited, deleted, inserted or reordered entry");
    verify_command->add_option(
        "--head", args->head, "SEQ:HASH recorded earlier (audit export prints it): detects a cut-off tail");
    verify_command->callback([&action, &context, args] {
        action = [&context, args] { return run(context, [&] { return verify(context, *args); }); };
    });
}

}
