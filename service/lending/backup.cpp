#include "lending/backup.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "hondana/drm/key_wrap.h"
#include "hondana/drm/keys.h"
#include "lending/backup_keys.h"
#include "lending/files.h"
#include "storage/snapshot.h"

namespace hondana::lending {

namespace {

std::string generation_name(base::Timestamp now)
{
    auto text = base::format_rfc3339(now); // 2026-11-22T04:31:12Z
    std::string compact;
    for (char c : text)
        if (c != '-' && c != ':')
            compact += c;
    return std::string(backup_prefix) + compact;
}

// What the snapshot holds, read back from the snapshot itself.
Result<void> describe_snapshot(const std::filesystem::path& snapshot, drm::ByteView key, BackupManifest& manifest)
{
    auto db = TRY_DB(storage::Database::open(snapshot, key));
    TRY_DB(storage::check_integrity(db));
    manifest.schema_version = TRY_DB(db.query_integer("PRAGMA user_version"));
    manifest.tables = TRY_DB(storage::count_rows(db));
    auto audit = TRY(verify_audit(db));
    manifest.audit_head = audit.head;
    manifest.audit_intact = audit.intact();
    auto titles = TRY_DB(
        db.prepare("SELECT id, content_file, content_length, content_sha256 FROM titles ORDER BY content_file"));
    while (TRY_DB(titles.step()))
        manifest.content.push_back(
            { titles.text(0), titles.text(1), static_cast<uint64_t>(titles.integer(2)), titles.text(3) });
    return {};
}

// The previous generation's content file when it has the same digest (a hard
// link then saves the copy), else nothing.
std::optional<std::filesystem::path> unchanged_in(const std::optional<BackupManifest>& previous,
    const std::filesystem::path& previous_dir, const ContentIndexEntry& entry)
{
    if (!previous)
        return std::nullopt;
    auto found = previous->files.find("content/" + entry.file);
    if (found == previous->files.end() || found->second.sha256 != entry.sha256 || found->second.length != entry.length)
        return std::nullopt;
    return previous_dir / "content" / entry.file;
}

Result<void> copy_content(const DataDir& dir, const std::filesystem::path& partial, BackupManifest& manifest,
    const std::optional<std::pair<std::filesystem::path, BackupManifest>>& previous)
{
    TRY(make_directory(partial / "content", 0700));
    for (const auto& entry : manifest.content) {
        if (entry.file.find('/') != std::string::npos || entry.file.empty() || entry.file[0] == '.')
            return fail(ErrorKind::Internal, "title " + entry.title_id + " names an unsafe content file");
        auto to = partial / "content" / entry.file;
        std::optional<std::filesystem::path> link_from;
        if (previous)
            link_from = unchanged_in(previous->second, previous->first, entry);
        if (link_from && ::link(link_from->c_str(), to.c_str()) == 0) {
            auto digest = TRY(digest_file(to)); // the link's bytes, checked as a copy's would be
            if (digest.sha256 != entry.sha256)
                return fail(ErrorKind::Internal, "the previous backup's copy of " + entry.file + " has changed");
            manifest.files["content/" + entry.file] = digest;
            continue;
        }
        auto digest = TRY(copy_file_hashed(dir.content() / entry.file, to, 0600));
        if (digest.sha256 != entry.sha256 || digest.length != entry.length)
            return fail(ErrorKind::Internal, "content/" + entry.file + " does not match the database (SHA-256)");
        manifest.files["content/" + entry.file] = digest;
    }
    return {};
}

Result<std::optional<std::pair<std::filesystem::path, BackupManifest>>> newest_generation(
    const std::filesystem::path& destination)
{
    auto all = TRY(list_backups(destination));
    if (all.empty())
        return std::nullopt;
    auto text = read_text_file(all.back() / "manifest.json");
    if (!text)
        return std::nullopt;
    auto manifest = parse_manifest(*text);
    if (!manifest)
        return std::nullopt; // a damaged older generation is simply not linked from
    return std::make_optional(std::make_pair(all.back(), std::move(*manifest)));
}

Result<void> write_generation(const DataDir& dir, drm::ByteView database_key, const std::filesystem::path& partial,
    const drm::PublicKey& recipient, BackupManifest& manifest, const std::filesystem::path& destination)
{
    auto key = drm::random_secret(32);
    if (!key)
        return fail(ErrorKind::Internal, "no random key: " + key.error().message);
    {
        auto source = TRY_DB(storage::Database::open(dir.database(), database_key));
        TRY_DB(storage::export_snapshot(source, partial / "lending.db", key->view()));
    }
    TRY(describe_snapshot(partial / "lending.db", key->view(), manifest));
    manifest.files["lending.db"] = TRY(digest_file(partial / "lending.db"));
    auto previous = TRY(newest_generation(destination));
    TRY(copy_content(dir, partial, manifest, previous));
    auto keys = TRY(seal_backup_keys(dir.pki(), partial, manifest.generation, key->view(), recipient));
    for (auto& [path, digest] : keys)
        manifest.files[path] = digest;
    auto text = manifest_to_json(manifest);
    TRY(write_file(partial / "manifest.json", drm::as_bytes(text), 0600));
    auto mac = drm::hmac(drm::HmacHash::Sha256, key->view(), drm::as_bytes(text));
    if (!mac)
        return fail(ErrorKind::Internal, "cannot authenticate the manifest: " + mac.error().message);
    TRY(write_file(partial / "manifest.hmac", drm::as_bytes(drm::hex_encode(*mac) + "\n"), 0600));
    return {};
}

Result<std::vector<std::filesystem::path>> prune(const std::filesystem::path& destination, int keep)
{
    std::vector<std::filesystem::path> removed;
    auto all = TRY(list_backups(destination));
    while (all.size() > static_cast<size_t>(keep)) {
        // The generation's key goes first: without it the rest cannot be read.
        TRY(shred_file(all.front() / "keys.json"));
        TRY(shred_tree(all.front()));
        removed.push_back(all.front());
        all.erase(all.begin());
    }
    return removed;
}

// Folders a backup interrupted by a crash or a kill left behind: they hold
// key material (keys.json), so they are shredded, not just ignored.
Result<void> remove_stale_partials(const std::filesystem::path& destination)
{
    std::vector<std::filesystem::path> stale;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(destination, ec))
        if (entry.path().filename().string().rfind(".partial-", 0) == 0)
            stale.push_back(entry.path());
    if (ec)
        return fail(ErrorKind::Internal, "cannot list " + destination.string() + ": " + ec.message());
    for (const auto& folder : stale) {
        TRY(shred_file(folder / "keys.json"));
        TRY(shred_tree(folder));
    }
    return {};
}

Result<drm::PublicKey> operator_recipient(const DataDir& dir)
{
    PkiPaths paths { dir.pki() };
    std::error_code ec;
    if (!std::filesystem::exists(paths.operator_backup_public_key(), ec))
        return fail(ErrorKind::InvalidArgument,
            "no operator backup key in " + paths.dir.string()
                + ": run hondana-admin pki backup-key (once) and keep its private half offline");
    auto pem = TRY(read_text_file(paths.operator_backup_public_key(), 64 * 1024));
    auto key = drm::PublicKey::from_pem(pem);
    if (!key || key->type() != drm::KeyType::EcP256)
        return fail(ErrorKind::InvalidArgument, paths.operator_backup_public_key().string() + " is not a P-256 key");
    return std::move(*key);
}

}

Result<std::vector<std::filesystem::path>> list_backups(const std::filesystem::path& destination)
{
    std::vector<std::filesystem::path> found;
    std::error_code ec;
    if (!std::filesystem::exists(destination, ec))
        return found;
    for (const auto& entry : std::filesystem::directory_iterator(destination, ec)) {
        auto name = entry.path().filename().string();
        if (name.rfind(backup_prefix, 0) == 0 && entry.is_directory(ec)
            && std::filesystem::exists(entry.path() / "manifest.json", ec))
            found.push_back(entry.path());
    }
    if (ec)
        return fail(ErrorKind::Internal, "cannot list " + destination.string() + ": " + ec.message());
    std::sort(found.begin(), found.end());
    return found;
}

Result<BackupSummary> create_backup(
    const DataDir& dir, drm::ByteView database_key, const BackupOptions& options, base::Timestamp now)
{
    if (options.keep < min_backup_generations)
        return fail(ErrorKind::InvalidArgument,
            "--keep must be at least " + std::to_string(min_backup_generations) + " generations (REQ DATA-2)");
    auto recipient = TRY(operator_recipient(dir));
    TRY(make_directory(options.destination, 0700));
    TRY(remove_stale_partials(options.destination));
    BackupManifest manifest;
    manifest.generation = generation_name(now);
    manifest.created = base::format_rfc3339(now);
    manifest.operator_key_pin = recipient.spki_sha256_pin();
    auto final_dir = options.destination / manifest.generation;
    std::error_code ec;
    // A second backup within the same second gets "-2", "-3", …: names still sort by age.
    for (int n = 2; std::filesystem::exists(final_dir, ec); ++n) {
        manifest.generation = generation_name(now) + "-" + std::to_string(n);
        final_dir = options.destination / manifest.generation;
    }
    auto partial = options.destination / (".partial-" + manifest.generation);
    TRY(make_directory(partial, 0700));
    auto written = write_generation(dir, database_key, partial, recipient, manifest, options.destination);
    if (written && ::rename(partial.c_str(), final_dir.c_str()) != 0)
        written = fail(ErrorKind::Internal, "cannot move the backup to " + final_dir.string());
    if (!written) {
        (void)shred_tree(partial);
        return tl::make_unexpected(written.error());
    }
    sync_directory(options.destination);
    TRY(chown_like(final_dir, options.destination));
    auto pruned = TRY(prune(options.destination, options.keep));
    BackupSummary summary { final_dir, std::move(manifest), std::move(pruned) };
    nlohmann::json status = { { "last_success", summary.manifest.created },
        { "generation", summary.manifest.generation }, { "destination", options.destination.string() } };
    TRY(write_file(backup_status_path(dir), drm::as_bytes(status.dump() + "\n"), 0600, Overwrite::Yes));
    return summary;
}

std::filesystem::path backup_status_path(const DataDir& dir)
{
    return dir.root / "backup-status.json";
}

Result<BackupStatus> read_backup_status(const DataDir& dir)
{
    std::error_code ec;
    if (!std::filesystem::exists(backup_status_path(dir), ec))
        return fail(ErrorKind::NotFound, "no backup yet");
    auto json = nlohmann::json::parse(TRY(read_text_file(backup_status_path(dir), 64 * 1024)), nullptr, false);
    if (json.is_discarded() || !json.is_object() || !json.contains("last_success") || !json["last_success"].is_string())
        return fail(ErrorKind::InvalidArgument, backup_status_path(dir).string() + " is damaged");
    BackupStatus status;
    status.last_success = json["last_success"].get<std::string>();
    status.generation = json.value("generation", "");
    status.destination = json.value("destination", "");
    return status;
}

}
