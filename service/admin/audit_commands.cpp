// audit export / verify / anomalies.

#include <fstream>
#include <iostream>

#include "admin/commands.h"
#include "lending/anomalies.h"
#include "lending/audit.h"

namespace hondana::admin {

namespace {

struct AuditArgs {
    std::string output, head;
    std::string since, until, hours, days, offset, closed;
    bool json { false };
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

lending::Result<lending::AnomalyRules> anomaly_rules(const AuditArgs& args)
{
    lending::AnomalyRules rules;
    if (args.hours.empty() && args.days.empty() && args.offset.empty() && args.closed.empty())
        return rules; // each tenant by its policy's timetable
    lending::SchoolHours hours;
    if (!args.hours.empty())
        TRY(lending::parse_school_hours(args.hours, hours));
    if (!args.days.empty())
        TRY(lending::parse_school_days(args.days, hours));
    if (!args.offset.empty())
        TRY(lending::parse_utc_offset(args.offset, hours));
    if (!args.closed.empty())
        TRY(lending::parse_closed_dates(args.closed, hours));
    rules.hours = hours;
    return rules;
}

lending::Result<base::Timestamp> time_argument(const std::string& text, base::Timestamp fallback)
{
    if (text.empty())
        return fallback;
    auto parsed = base::parse_rfc3339(text);
    if (!parsed)
        return lending::fail(lending::ErrorKind::InvalidArgument, text + " is not an RFC 3339 time");
    return *parsed;
}

lending::Result<int> anomalies(AdminContext& context, const AuditArgs& args)
{
    auto* service = TRY(context.service());
    auto rules = TRY(anomaly_rules(args));
    auto until = TRY(time_argument(args.until, context.clock().now() + std::chrono::seconds(1))); // now included
    auto since = TRY(time_argument(args.since, until - std::chrono::days(7)));
    auto found = TRY(
        service->store().read([&](storage::Database& db) { return lending::find_anomalies(db, rules, since, until); }));
    for (const auto& anomaly : found) {
        if (args.json) {
            std::cout << nlohmann::json {
                { "kind", anomaly.kind }, { "time", anomaly.time }, { "tenant", anomaly.tenant },
                { "subject", anomaly.subject }, { "detail", anomaly.detail }, { "audit_seq", anomaly.seq }
            }.dump() << "\n";
        } else {
            std::cout << anomaly.time << "  " << anomaly.kind << "  " << anomaly.tenant << "  " << anomaly.subject
                      << "  " << anomaly.detail << " (audit entry " << anomaly.seq << ")\n";
        }
    }
    std::cerr << found.size() << " anomalies from " << base::format_rfc3339(since) << " to "
              << base::format_rfc3339(until) << "\n";
    TRY(record(context, *service, "admin.audit.anomalies",
        std::to_string(found.size()) + " found from " + base::format_rfc3339(since) + " to "
            + base::format_rfc3339(until)));
    return ExitCode::ok;
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
    auto* anomalies_command = audit->add_subcommand("anomalies",
        "Sign-ins outside school hours, lockout bursts, one account on many devices, unusual licence rates (LOG-3)");
    anomalies_command->add_option("--since", args->since, "RFC 3339 start (default: a week before --until)");
    anomalies_command->add_option("--until", args->until, "RFC 3339 end (default: now)");
    // Without these, each tenant is judged by the timetable in its policy (`tenant policy set school_hours …`).
    anomalies_command->add_option("--school-hours", args->hours,
        "Judge every tenant by these local school hours instead of its policy's (e.g. 08:00-17:00; default "
        "07:00-18:00)");
    anomalies_command->add_option("--school-days", args->days, "… these school days (default mon-fri)");
    anomalies_command->add_option("--utc-offset", args->offset, "… this UTC offset of local time (default +09:00)");
    anomalies_command->add_option(
        "--closed-dates", args->closed, "… these closed dates (e.g. 2026-12-26..2027-01-07,2027-02-11; default none)");
    anomalies_command->add_flag("--json", args->json, "One JSON object per line");
    anomalies_command->callback([&action, &context, args] {
        action = [&context, args] { return run(context, [&] { return anomalies(context, *args); }); };
    });
}

}
