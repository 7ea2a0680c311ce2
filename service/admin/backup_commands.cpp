// backup, restore (REQ DATA-2, DATA-3; docs/operations.md "Backups" and
// "Restore runbook").

#include <chrono>
#include <iostream>

#include "admin/commands.h"
#include "lending/backup.h"
#include "storage/key_file.h"

namespace hondana::admin {

namespace {

struct BackupArgs {
    std::string to;
    int keep { 7 };
    std::string from, operator_key;
};

double seconds_since(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

uint64_t generation_bytes(const lending::BackupManifest& manifest)
{
    uint64_t total = 0;
    for (const auto& [path, digest] : manifest.files)
        total += digest.length;
    return total;
}

lending::Result<int> backup(AdminContext& context, const BackupArgs& args)
{
    auto started = std::chrono::steady_clock::now();
    lending::DataDir dir { context.data };
    auto key = TRY(storage::load_database_key(dir.database_key()).map_error([](const storage::Error& e) {
        return lending::Error { lending::ErrorKind::InvalidArgument, "the database key: " + e.message };
    }));
    auto summary = TRY(lending::create_backup(dir, key.view(), { args.to, args.keep }, context.clock().now()));
    auto* service = TRY(context.service());
    const auto& manifest = summary.manifest;
    lending::AuditEntry entry { .actor = context.actor(),
        .action = "admin.backup.create",
        .target = manifest.generation,
        .detail = "to " + args.to + ", audit head " + lending::format_audit_head(manifest.audit_head) + ", "
            + std::to_string(summary.pruned.size()) + " old generation(s) removed" };
    auto recorded = service->store().write([&](storage::Database& db) -> lending::Result<void> {
        return lending::append_audit(db, context.clock().now(), entry).map([](const auto&) {});
    });
    if (!recorded)
        return tl::make_unexpected(recorded.error());
    std::cout << "backup " << summary.generation.string() << "\n"
              << "  operator key " << manifest.operator_key_pin << "\n"
              << "  audit head " << lending::format_audit_head(manifest.audit_head) << "\n"
              << "  " << manifest.tables.size() << " tables, " << manifest.content.size() << " content files, "
              << generation_bytes(manifest) << " bytes, " << seconds_since(started) << " s\n";
    for (const auto& pruned : summary.pruned)
        std::cout << "  removed old generation " << pruned.filename().string() << "\n";
    return ExitCode::ok;
}

lending::Result<int> restore(AdminContext& context, const BackupArgs& args)
{
    auto started = std::chrono::steady_clock::now();
    lending::DataDir target { context.data };
    auto report = TRY(
        lending::restore_backup(target, { args.from, args.operator_key, context.actor() }, context.clock().now()));
    int64_t rows = 0;
    for (const auto& [table, count] : report.tables)
        rows += count;
    std::cout << "restored " << report.manifest.generation << " (made " << report.manifest.created << ") into "
              << target.root.string() << "\n"
              << "  verified: manifest HMAC and SHA-256 of " << report.manifest.files.size() << " files, "
              << "database integrity, row counts of " << report.tables.size() << " tables (" << rows << " rows), "
              << "audit chain of " << report.audit.entries << " entries through "
              << lending::format_audit_head(report.manifest.audit_head) << ", " << report.content_files
              << " content files\n"
              << "  " << seconds_since(started) << " s\n";
    if (report.new_database_key)
        std::cout << "  new database key: " << target.database_key().string()
                  << " (move it to the systemd credential as in \"First start\", step 2)\n";
    return ExitCode::ok;
}

}

void add_backup_commands(CLI::App& cli, AdminContext& context, Action& action)
{
    auto args = std::make_shared<BackupArgs>();
    auto* backup_command = cli.add_subcommand(
        "backup", "Online, consistent, encrypted backup of the data directory (wrapped to the operator backup key)");
    backup_command->add_option("--to", args->to, "Folder of the backup generations (made 0700)")->required();
    backup_command
        ->add_option("--keep", args->keep, "Generations to keep (at least 3, REQ DATA-2); older ones are shredded")
        ->capture_default_str();
    backup_command->callback([&action, &context, args] {
        action = [&context, args] { return run(context, [&] { return backup(context, *args); }); };
    });
    auto* restore_command = cli.add_subcommand(
        "restore", "Bring a backup generation up in a new, empty data directory (--data) and verify it");
    restore_command->add_option("--from", args->from, "The generation folder (hondana-backup-…)")->required();
    restore_command->add_option("--operator-key", args->operator_key, "PEM file of the operator's private backup key")
        ->required();
    restore_command->callback([&action, &context, args] {
        action = [&context, args] { return run(context, [&] { return restore(context, *args); }); };
    });
}

}
