#pragma once

// Backups of a data directory (REQ DATA-2, DATA-3): online, consistent,
// encrypted, verified on restore. One generation is a folder
// `hondana-backup-YYYYMMDDTHHMMSSZ/` (0700, files 0600) holding
//
//   lending.db      a snapshot of the database (storage/snapshot.h), encrypted
//                   with a fresh random 256-bit key of this generation
//   keys.json       that key wrapped to the operator's backup key (ECDH-ES
//                   P-256 + HKDF-SHA256 + AES key wrap, drm/key_wrap.h), and the
//                   PKI's private keys sealed under it (AES-256-GCM)
//   pki/            the PKI's certificates, pins and public keys
//   content/        the protected packages the snapshot's titles name
//                   (hard links to the previous generation's when unchanged)
//   manifest.json   what it holds: row counts per table, the audit head, the
//                   content index (title, file, length, SHA-256) and the
//                   length and SHA-256 of every file
//   manifest.hmac   HMAC-SHA256 of manifest.json under the generation key
//
// Only the holder of the operator's private backup key can open a generation:
// the server that makes backups holds only the public half.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "hondana/base/time.h"
#include "hondana/drm/crypto.h"
#include "lending/audit.h"
#include "lending/error.h"
#include "lending/file_ops.h"
#include "lending/lending_service.h"

namespace hondana::lending {

inline constexpr std::string_view backup_format = "hondana-backup/1";
inline constexpr std::string_view backup_prefix = "hondana-backup-";
inline constexpr int min_backup_generations = 3; // REQ DATA-2

struct ContentIndexEntry {
    std::string title_id;
    std::string file;
    uint64_t length { 0 };
    std::string sha256;
};

struct BackupManifest {
    std::string generation; // folder name
    std::string created;    // RFC 3339 UTC
    int64_t schema_version { 0 };
    std::map<std::string, int64_t> tables;
    AuditHead audit_head;
    bool audit_intact { true };
    std::string operator_key_pin;
    std::vector<ContentIndexEntry> content;
    std::map<std::string, FileDigest> files; // path inside the generation → digest
};

struct BackupOptions {
    std::filesystem::path destination;
    int keep { 7 };
};

struct BackupSummary {
    std::filesystem::path generation;
    BackupManifest manifest;
    std::vector<std::filesystem::path> pruned; // older generations removed
};

// Takes a backup of `dir` (whose database opens with `database_key`) into a
// new generation under options.destination, then keeps the newest
// options.keep generations. InvalidArgument for keep < 3 or a PKI without
// an operator backup key; the partial generation is removed on any failure.
// Writes DIR/backup-status.json for the service's backup-age metric.
[[nodiscard]] Result<BackupSummary> create_backup(
    const DataDir& dir, drm::ByteView database_key, const BackupOptions& options, base::Timestamp now);

// The complete generations under `destination`, oldest first.
[[nodiscard]] Result<std::vector<std::filesystem::path>> list_backups(const std::filesystem::path& destination);

struct BackupStatus {
    std::string last_success; // RFC 3339
    std::string generation;
    std::string destination;
};
[[nodiscard]] std::filesystem::path backup_status_path(const DataDir& dir);
// The last successful backup recorded in DIR/backup-status.json; NotFound when none.
[[nodiscard]] Result<BackupStatus> read_backup_status(const DataDir& dir);

struct RestoreOptions {
    std::filesystem::path generation;
    std::filesystem::path operator_key; // PEM of the operator's private backup key
    std::string actor;
};

struct RestoreReport {
    BackupManifest manifest;
    std::map<std::string, int64_t> tables; // counted in the restored database
    AuditVerification audit;
    size_t content_files { 0 };
    bool new_database_key { false }; // a key file was made (no systemd credential)
};

// Brings `generation` up in the empty or absent data directory `target` and
// verifies it: the manifest's HMAC and every file's SHA-256, the database's
// integrity, its row counts against the manifest, the audit chain and head,
// and that the directory opens as a service. The database is keyed with the
// systemd credential hondana-db-key when present, else a new key file.
// Conflict when `target` holds anything; InvalidArgument for another
// operator key or a damaged generation (the message names what).
[[nodiscard]] Result<RestoreReport> restore_backup(
    const DataDir& target, const RestoreOptions& options, base::Timestamp now);

// manifest.json ↔ BackupManifest (InvalidArgument naming the bad member).
[[nodiscard]] std::string manifest_to_json(const BackupManifest& manifest);
[[nodiscard]] Result<BackupManifest> parse_manifest(std::string_view text);

}
