#pragma once

// keys.json of a backup generation (lending/backup.h): the generation's key
// wrapped to the operator's backup key, and the PKI's private keys sealed
// under the generation key. The wrap and the seals are bound to the
// generation's name, so a keys.json cannot be moved to another generation.
//
//   {"format": "hondana-backup-keys/1", "generation": NAME,
//    "recipient_pin": <SPKI pin of the operator key>,
//    "wrapped_key": <base64: ephemeral P-256 point || RFC 3394 wrap>,
//    "secrets": {"pki/tls.key": <base64: nonce || AES-256-GCM ciphertext || tag>, …}}

#include <filesystem>
#include <map>
#include <string>

#include "hondana/drm/keys.h"
#include "lending/error.h"
#include "lending/file_ops.h"

namespace hondana::lending {

// Copies the PKI's public files to `generation_dir`/pki/ and writes
// keys.json with its private keys; returns the digest of every file written.
[[nodiscard]] Result<std::map<std::string, FileDigest>> seal_backup_keys(const std::filesystem::path& pki_dir,
    const std::filesystem::path& generation_dir, const std::string& generation, drm::ByteView key,
    const drm::PublicKey& recipient);

struct OpenedBackupKeys {
    drm::SecretBytes key;                            // the generation key
    std::map<std::string, drm::SecretBytes> secrets; // "pki/tls.key" → PEM
};

// Unwraps keys.json with the operator's private key. InvalidArgument when the
// key is not the one the generation was made for, or anything was altered.
[[nodiscard]] Result<OpenedBackupKeys> open_backup_keys(
    const std::filesystem::path& generation_dir, const std::string& generation, const drm::PrivateKey& operator_key);

}
