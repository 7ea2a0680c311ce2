// export users|classes|devices|loans|reservations|catalog|audit, export all
// (REQ DATA-5, LOG-4; lending/export.h).

#include <iostream>
#include <sstream>

#include "admin/commands.h"
#include "lending/audit.h"
#include "lending/directory.h"
#include "lending/export.h"
#include "lending/files.h"

namespace hondana::admin {

namespace {

struct ExportArgs {
    std::string what, output, to;
    bool bom { false };
};

const std::vector<std::string>& export_names()
{
    static const std::vector<std::string> names
        = { "users", "classes", "devices", "loans", "reservations", "catalog", "audit" };
    return names;
}

std::string file_name(const std::string& what)
{
    if (what == "catalog")
        return "catalog.opds.json";
    if (what == "audit")
        return "audit.jsonl";
    return what + ".csv";
}

// One export into `out`; returns a summary for the audit entry ("users: 12 rows").
lending::Result<std::string> write_export(
    AdminContext& context, const std::string& what, const lending::Tenant& tenant, std::ostream& out, bool bom)
{
    auto* service = TRY(context.service());
    auto now = base::format_rfc3339(context.clock().now());
    return service->store().read([&](storage::Database& db) -> lending::Result<std::string> {
        if (what == "catalog") {
            auto feed = TRY(lending::export_catalog(db, tenant, now));
            out << feed.dump(2) << "\n";
            return what + ": " + std::to_string(feed["publications"].size()) + " publications";
        }
        if (what == "audit") {
            auto head = TRY(lending::export_audit(db, out));
            return what + ": through " + lending::format_audit_head(head);
        }
        auto table = lending::parse_export_table(what);
        if (!table)
            return lending::fail(lending::ErrorKind::InvalidArgument, "nothing to export called " + what);
        auto rows = TRY(lending::export_csv(
            db, tenant.id, *table, out, bom ? lending::ByteOrderMark::Yes : lending::ByteOrderMark::No));
        return what + ": " + std::to_string(rows) + " rows";
    });
}

lending::Result<void> record(AdminContext& context, const std::string& tenant, const std::string& detail)
{
    auto* service = TRY(context.service());
    lending::AuditEntry entry {
        .tenant = tenant, .actor = context.actor(), .action = "admin.export", .detail = detail
    };
    return service->store().write([&](storage::Database& db) -> lending::Result<void> {
        return lending::append_audit(db, context.clock().now(), entry).map([](const auto&) {});
    });
}

// Exports are personal data: written 0600, atomically.
lending::Result<std::string> export_to_file(AdminContext& context, const std::string& what,
    const lending::Tenant& tenant, const std::filesystem::path& path, bool bom)
{
    std::ostringstream out;
    auto summary = TRY(write_export(context, what, tenant, out, bom));
    TRY(lending::write_file(path, drm::as_bytes(out.str()), 0600, lending::Overwrite::Yes));
    return summary;
}

lending::Result<int> export_one(AdminContext& context, const ExportArgs& args)
{
    auto* service = TRY(context.service());
    auto slug = TRY(context.tenant_slug());
    auto tenant = TRY(service->directory().tenant(slug));
    std::string summary;
    if (args.output.empty()) {
        summary = TRY(write_export(context, args.what, tenant, std::cout, args.bom));
        std::cout.flush();
    } else {
        summary = TRY(export_to_file(context, args.what, tenant, args.output, args.bom));
    }
    std::cerr << summary << "\n";
    TRY(record(context, tenant.slug, summary + (args.output.empty() ? "" : " to " + args.output)));
    return ExitCode::ok;
}

lending::Result<int> export_all(AdminContext& context, const ExportArgs& args)
{
    auto* service = TRY(context.service());
    auto slug = TRY(context.tenant_slug());
    auto tenant = TRY(service->directory().tenant(slug));
    std::filesystem::path to(args.to);
    TRY(lending::make_directory(to, 0700));
    std::string summary;
    for (const auto& what : export_names()) {
        auto line = TRY(export_to_file(context, what, tenant, to / file_name(what), args.bom));
        std::cout << (to / file_name(what)).string() << "  " << line << "\n";
        summary += (summary.empty() ? "" : "; ") + line;
    }
    TRY(record(context, tenant.slug, summary + " to " + args.to));
    return ExitCode::ok;
}

}

void add_export_commands(CLI::App& cli, AdminContext& context, Action& action)
{
    auto args = std::make_shared<ExportArgs>();
    auto* command = cli.add_subcommand("export",
        "Export a tenant's data: users, classes, devices, loans, reservations (CSV), catalog (OPDS 2.0), audit "
        "(JSON Lines), or all of them");
    command->add_option("what", args->what, "users|classes|devices|loans|reservations|catalog|audit|all")
        ->required()
        ->check(CLI::IsMember([] {
            auto names = export_names();
            names.emplace_back("all");
            return names;
        }()));
    command->add_option("--output", args->output, "File to write, mode 0600 (default: standard output)");
    command->add_option("--to", args->to, "With all: the folder to write every export to (made 0700)");
    command->add_flag("--bom", args->bom, "Start CSV files with a UTF-8 byte order mark (for Excel)");
    command->callback([&action, &context, args] {
        action = [&context, args] {
            return run(context, [&]() -> lending::Result<int> {
                if (args->what != "all")
                    return export_one(context, *args);
                if (args->to.empty())
                    return lending::fail(lending::ErrorKind::InvalidArgument, "export all needs --to DIR");
                return export_all(context, *args);
            });
        };
    });
}

}
