#pragma once

// Erasing a tenant at the end of service (REQ DATA-4, AUTH-7), with a signed
// report of what was erased and when.
//
// A data directory holds one tenant's PKI, so erasure takes the whole
// directory and refuses one that holds several tenants. In order:
//   1. the special accounts (administrators) are marked deleted and every
//      session revoked, in one transaction, audited: even an interrupted
//      erasure leaves no administrator who can sign in;
//   2. the keys are destroyed: the database key, the PKI's private keys, and
//      any extra key file named (the systemd credential, when run as root).
//      From here on the database, the backups (wrapped to the operator key,
//      but holding the PKI sealed under a per-generation key) and the
//      content keys inside the database cannot be read (crypto-erasure);
//   3. the database, content, the rest of the data directory, every backup
//      generation and the named log files or folders are overwritten with
//      random bytes, fsynced and unlinked (lending/file_ops.h).
// The report is signed with the licence-signing key, held in memory only
// after its file is shredded; `verify_erasure_report` checks it against the
// tenant root certificate the operator keeps (the readers' policy has it).

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hondana/base/time.h"
#include "hondana/drm/keys.h"
#include "lending/error.h"
#include "lending/lending_service.h"

namespace hondana::lending {

inline constexpr std::string_view erasure_report_format = "hondana-erasure-report/1";

struct EraseOptions {
    std::string tenant;                            // slug; must be the directory's only tenant
    std::vector<std::filesystem::path> backups;    // backup folders (every generation goes)
    std::vector<std::filesystem::path> logs;       // log files or folders
    std::vector<std::filesystem::path> extra_keys; // e.g. /etc/hondana-lending/hondana-db-key
    std::filesystem::path report;                  // must lie outside everything erased
    std::string actor;
};

// Erases as described above and returns the signed report (also written to
// options.report, mode 0600). InvalidArgument when the directory holds other
// tenants, the report would be erased too, or the PKI cannot sign; nothing is
// changed then. A failure after step 2 names the step; run it again to finish.
[[nodiscard]] Result<nlohmann::json> erase_tenant(const DataDir& dir, const EraseOptions& options, const Clock& clock);

struct ReportCheck {
    std::string tenant;
    std::string finished;
    std::string signer; // subject CN of the signing certificate
};

// Checks the report's signature (ECDSA P-256 over its canonical JSON without
// "signature"), that the signing certificate is a licence-signing one issued
// by `root` and was valid at the report's time. InvalidArgument naming what
// does not hold.
[[nodiscard]] Result<ReportCheck> verify_erasure_report(const nlohmann::json& report, const drm::Certificate& root);

}
