#pragma once

// Licences and their status (Readium LCP License Status Document). Each loan
// has one licence id; fetching it builds a licence for the requesting device:
// the title's content key wrapped to that device's enrolled key (drm
// key_wrap), rights (loan end, offline lease, print/copy none), links to the
// package and to the status document, signed with the licence-signing key.
// The first fetch or register moves the status from `ready` to `active`.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "hondana/drm/licence.h"
#include "lending/audit.h"
#include "lending/circulation.h"
#include "lending/clock.h"
#include "lending/model.h"
#include "lending/pki.h"
#include "lending/store.h"

namespace hondana::lending {

inline constexpr std::string_view status_media_type = "application/vnd.readium.license.status.v1.0+json";

struct LicensingOptions {
    std::string provider;    // the licence's `provider` URI
    std::string public_base; // prefix for links ("https://lending.example.jp"), empty for relative links
};

class Licensing {
public:
    Licensing(Store& store, const Clock& clock, const Pki& pki, LicensingOptions options);

    // The signed licence document for the caller's device. NotFound for
    // another user's licence; LoanNotActive when the loan has ended.
    [[nodiscard]] Result<std::string> licence(const Caller& caller, std::string_view licence_id);
    [[nodiscard]] Result<nlohmann::json> status(const Caller& caller, std::string_view licence_id);
    // LSD interactions. `device_id` must be the caller's device (Forbidden otherwise).
    [[nodiscard]] Result<nlohmann::json> register_device(
        const Caller& caller, std::string_view licence_id, std::string_view device_id, std::string_view name);
    [[nodiscard]] Result<nlohmann::json> return_licence(
        const Caller& caller, std::string_view licence_id, std::string_view device_id);
    [[nodiscard]] Result<nlohmann::json> renew(const Caller& caller, std::string_view licence_id,
        std::string_view device_id, std::optional<base::Timestamp> end);
    // Admin actions: revoke an active licence, cancel one never fetched.
    // LoanNotActive when the licence is not in a state that allows it.
    [[nodiscard]] Result<nlohmann::json> revoke(
        const AuditContext& audit, int64_t tenant_id, std::string_view licence_id);
    [[nodiscard]] Result<nlohmann::json> cancel(
        const AuditContext& audit, int64_t tenant_id, std::string_view licence_id);

private:
    [[nodiscard]] Result<nlohmann::json> status_document(storage::Database& db, const LoanView& loan);
    [[nodiscard]] drm::Licence build_licence(const LoanView& loan, const TitleRecord& title, const TenantPolicy& policy,
        const Caller& caller, base::Timestamp now, drm::Bytes wrapped_key, const std::string& device_pin) const;
    [[nodiscard]] Result<nlohmann::json> end_by_admin(
        const AuditContext& audit, int64_t tenant_id, std::string_view licence_id, std::string_view status);
    [[nodiscard]] std::string link(std::string_view path) const { return m_options.public_base + std::string(path); }

    Store& m_store;
    const Clock& m_clock;
    const Pki& m_pki;
    LicensingOptions m_options;
};

}
