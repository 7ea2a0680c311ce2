#pragma once

// Rotating the service's TLS key (REQ CRY-2) without cutting off a tablet.
// The readers pin two SPKI hashes: the current TLS key and a backup key
// whose private half waits in pki/offline/. Rotation promotes the backup key
// (a new certificate for it, issued by the tenant root), makes a new backup
// key, and writes pins.json = [promoted, new backup]. Tablets that still pin
// [old, promoted] keep connecting; the new policy is pushed before the next
// rotation. The old key is shredded. Needs the root key, which is kept offline.

#include <filesystem>
#include <string>
#include <vector>

#include "hondana/base/time.h"
#include "lending/error.h"
#include "lending/pki.h"

namespace hondana::lending {

struct TlsRotation {
    std::filesystem::path root_key;   // the tenant root's private key (back from offline storage)
    std::filesystem::path backup_key; // the backup TLS key (default pki/offline/tls-backup.key)
    // The names the tablets reach the service by; when both are empty, the
    // current certificate's subjectAltName names are kept.
    std::vector<std::string> dns_names;
    std::vector<std::string> ip_addresses;
    std::string organization { "Hondana tenant" };
    int validity_days { 825 };
};

struct RotatedPins {
    std::string retired; // the old current pin: no longer served
    std::string current; // the promoted backup key
    std::string backup;  // the new backup key (its private half in pki/offline/)
};

// InvalidArgument when a key is missing, the root key is not the root
// certificate's, or no name is given and the current certificate has none. Nothing changes on a failure
// before the first file is written.
[[nodiscard]] Result<RotatedPins> rotate_tls_key(
    const PkiPaths& paths, const TlsRotation& rotation, base::Timestamp now);

}
