// Restoring a backup generation into a fresh data directory (lending/backup.h).

#include <algorithm>
#include <cstdlib>

#include "hondana/drm/keys.h"
#include "lending/backup.h"
#include "lending/backup_keys.h"
#include "lending/files.h"
#include "storage/key_file.h"
#include "storage/snapshot.h"

namespace hondana::lending {

namespace {

Error damaged(const std::string& what)
{
    return Error { ErrorKind::InvalidArgument, "the backup is damaged or altered: " + what };
}

// A path inside the generation: relative, no "..", no hidden first part.
bool safe_relative(const std::string& path)
{
    if (path.empty() || path.front() == '/' || path.front() == '.')
        return false;
    std::filesystem::path p(path);
    return std::none_of(p.begin(), p.end(), [](const auto& part) { return part == ".." || part == "."; });
}

Result<void> check_target(const DataDir& target)
{
    std::error_code ec;
    if (std::filesystem::exists(target.root, ec) && !std::filesystem::is_empty(target.root, ec))
        return fail(ErrorKind::Conflict,
            target.root.string() + " is not empty: restore into a new data directory (move the old one aside first)");
    return {};
}

Result<drm::PrivateKey> read_operator_key(const std::filesystem::path& path)
{
    auto pem = TRY(read_text_file(path, 64 * 1024));
    auto key = drm::PrivateKey::from_pem(pem);
    if (!key)
        return fail(ErrorKind::InvalidArgument, path.string() + " is not a private key: " + key.error().message);
    return std::move(*key);
}

// The manifest, authenticated by its HMAC, and every file it lists as it was.
Result<BackupManifest> verified_manifest(const std::filesystem::path& generation, drm::ByteView key)
{
    auto text = TRY(read_text_file(generation / "manifest.json", 64 * 1024 * 1024));
    auto recorded = TRY(read_text_file(generation / "manifest.hmac", 1024));
    while (!recorded.empty() && (recorded.back() == '\n' || recorded.back() == '\r'))
        recorded.pop_back();
    auto mac = drm::hmac(drm::HmacHash::Sha256, key, drm::as_bytes(text));
    auto expected = drm::hex_decode(recorded);
    if (!mac || !expected || !drm::constant_time_equal(*mac, *expected))
        return tl::make_unexpected(damaged("manifest.json does not match manifest.hmac"));
    auto manifest = TRY(parse_manifest(text));
    for (const auto& entry : manifest.content) {
        auto file = manifest.files.find("content/" + entry.file);
        if (file == manifest.files.end() || file->second.sha256 != entry.sha256)
            return tl::make_unexpected(damaged("the content of title " + entry.title_id + " is not in the backup"));
    }
    for (const auto& [path, digest] : manifest.files) {
        if (!safe_relative(path))
            return tl::make_unexpected(damaged("the manifest names the unsafe path " + path));
        auto actual = digest_file(generation / path);
        if (!actual)
            return tl::make_unexpected(damaged(path + " is missing"));
        if (actual->sha256 != digest.sha256 || actual->length != digest.length)
            return tl::make_unexpected(damaged(path + " does not match its SHA-256 in the manifest"));
    }
    return manifest;
}

// The database key of the restored directory: the systemd credential when
// the restore runs with it, else a new key file.
Result<std::pair<drm::SecretBytes, bool>> target_database_key(const DataDir& target)
{
    if (const char* credentials = std::getenv("CREDENTIALS_DIRECTORY")) {
        auto credential = std::filesystem::path(credentials) / storage::database_key_credential;
        std::error_code ec;
        if (std::filesystem::exists(credential, ec))
            return std::make_pair(TRY_DB(storage::read_key_file(credential)), false);
    }
    return std::make_pair(TRY_DB(storage::create_key_file(target.database_key())), true);
}

mode_t folder_mode(const std::filesystem::path& folder)
{
    return folder.filename() == "offline" ? 0700 : 0755;
}

Result<void> restore_files(const DataDir& target, const std::filesystem::path& generation,
    const BackupManifest& manifest, OpenedBackupKeys& keys, size_t& content_files)
{
    for (const auto& [path, digest] : manifest.files) {
        if (path.rfind("pki/", 0) != 0 && path.rfind("content/", 0) != 0)
            continue;
        bool content = path.rfind("content/", 0) == 0;
        auto to = target.root / path;
        TRY(make_directory(to.parent_path(), folder_mode(to.parent_path())));
        auto copied = TRY(copy_file_hashed(generation / path, to, 0644)); // public files, as pki init makes them
        if (copied.sha256 != digest.sha256)
            return tl::make_unexpected(damaged(path + " changed while it was restored"));
        content_files += content ? 1 : 0;
    }
    for (auto& [path, pem] : keys.secrets) {
        if (path.rfind("pki/", 0) != 0 || !safe_relative(path))
            return tl::make_unexpected(damaged("keys.json names the unsafe path " + path));
        auto to = target.root / path;
        TRY(make_directory(to.parent_path(), folder_mode(to.parent_path())));
        TRY(write_file(to, pem.view(), 0600));
    }
    return {};
}

Result<void> restore_database(const DataDir& target, const std::filesystem::path& generation, drm::ByteView backup_key,
    drm::ByteView database_key)
{
    // The snapshot is copied first: opening a database may write to it.
    auto scratch = target.root / ".restore-snapshot.db";
    TRY(copy_file_hashed(generation / "lending.db", scratch, 0600));
    auto exported = [&]() -> Result<void> {
        auto snapshot = TRY_DB(storage::Database::open(scratch, backup_key));
        TRY_DB(storage::check_integrity(snapshot));
        TRY_DB(storage::export_snapshot(snapshot, target.database(), database_key));
        return {};
    }();
    for (auto suffix : { "", "-wal", "-shm", "-journal" })
        (void)shred_file(scratch.string() + suffix);
    return exported;
}

Result<void> verify_restored(const DataDir& target, const BackupManifest& manifest, RestoreReport& report,
    base::Timestamp now, const std::string& actor)
{
    SystemClock clock;
    auto service = TRY(LendingService::open(target, clock));
    report.tables = TRY(
        service->store().read([](storage::Database& db) { return storage::count_rows(db).map_error(from_storage); }));
    for (const auto& [table, count] : manifest.tables) {
        auto found = report.tables.find(table);
        if (found == report.tables.end() || found->second != count)
            return tl::make_unexpected(damaged("table " + table + " has "
                + (found == report.tables.end() ? std::string("no rows table") : std::to_string(found->second))
                + " rows, the manifest says " + std::to_string(count)));
    }
    std::optional<AuditHead> head;
    if (manifest.audit_head.seq > 0)
        head = manifest.audit_head;
    report.audit = TRY(service->store().read([&](storage::Database& db) { return verify_audit(db, head); }));
    if (!report.audit.intact() && manifest.audit_intact)
        return tl::make_unexpected(
            damaged("the audit chain is broken at entry " + std::to_string(report.audit.problems.front().seq)));
    if (report.audit.head.seq != manifest.audit_head.seq)
        return tl::make_unexpected(damaged("the audit log ends at another entry than the manifest's head"));
    return service->store().write([&](storage::Database& db) -> Result<void> {
        TRY(append_audit(db, now,
            { .actor = actor,
                .action = "admin.backup.restore",
                .target = manifest.generation,
                .detail = "verified: audit head " + format_audit_head(manifest.audit_head) + ", "
                    + std::to_string(manifest.content.size()) + " content files" }));
        return {};
    });
}

}

Result<RestoreReport> restore_backup(const DataDir& target, const RestoreOptions& options, base::Timestamp now)
{
    TRY(check_target(target));
    auto generation = options.generation.lexically_normal();
    if (generation.filename().empty())
        generation = generation.parent_path();
    auto name = generation.filename().string();
    auto operator_key = TRY(read_operator_key(options.operator_key));
    auto keys = TRY(open_backup_keys(generation, name, operator_key));
    RestoreReport report;
    report.manifest = TRY(verified_manifest(generation, keys.key.view()));
    if (report.manifest.generation != name)
        return tl::make_unexpected(damaged("the manifest is of another generation"));
    auto restored = [&]() -> Result<void> {
        TRY(make_directory(target.root, 0750));
        TRY(make_directory(target.keys(), 0700));
        TRY(make_directory(target.content(), 0755));
        auto [database_key, made] = TRY(target_database_key(target));
        report.new_database_key = made;
        TRY(restore_database(target, generation, keys.key.view(), database_key.view()));
        TRY(restore_files(target, generation, report.manifest, keys, report.content_files));
        return verify_restored(target, report.manifest, report, now, options.actor);
    }();
    if (!restored) {
        // Nothing half-restored stays behind to be served by mistake.
        (void)shred_tree(target.root, KeepRoot::Yes);
        return tl::make_unexpected(restored.error());
    }
    return report;
}

}
