#pragma once

// The device database (<state>/device/device.db, SQLCipher, keyed with a
// secret bound to the device key): what belongs to the tablet rather than to
// one user — the enrolment, the audit chain, the clock ratchet, offline
// sign-in counters and which user signed in last. Safe to use from several
// threads (calls are serialized).

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "hondana/platform/key_store.h"
#include "hondana/platform/paths.h"
#include "hondana/platform/trusted_clock.h"
#include "hondana/store/audit.h"
#include "hondana/store/error.h"

namespace hondana::store {

namespace detail {
class Database;
}

// What enrolment returned.
struct Enrolment {
    std::string device_id;
    std::string certificate_pem; // the device's client certificate
    std::string ca_pem;          // the issuing CA chain
    std::string tenant;
    std::string school;
    base::Timestamp enrolled_at;
};

struct AuditSummary {
    int64_t last_seq { 0 };
    int64_t uploaded_through { 0 };
    int64_t pending { 0 };
};

class DeviceStore {
public:
    // Opens (creating) device.db. Needs the device key (NotEnrolled mapped to Crypto otherwise).
    [[nodiscard]] static Result<std::unique_ptr<DeviceStore>> open(
        const platform::ReaderPaths& paths, const platform::KeyStore& key_store);
    ~DeviceStore();

    [[nodiscard]] Result<void> save_enrolment(const Enrolment& enrolment);
    [[nodiscard]] Result<std::optional<Enrolment>> enrolment();

    [[nodiscard]] Result<platform::ClockRatchet> clock_ratchet();
    [[nodiscard]] Result<void> save_clock_ratchet(const platform::ClockRatchet& ratchet);

    // Appends an event to the chain (one transaction) and returns it.
    [[nodiscard]] Result<AuditEvent> append_audit(std::string_view type, base::Timestamp time,
        std::optional<std::string> user, std::optional<std::string> title, std::string detail);
    [[nodiscard]] Result<std::vector<AuditEvent>> pending_audit(size_t limit);
    [[nodiscard]] Result<void> mark_audit_uploaded(int64_t through_seq);
    [[nodiscard]] Result<AuditSummary> audit_summary();
    // Recomputes every hash and link; AuditChainBroken names the first bad seq.
    [[nodiscard]] Result<void> verify_audit_chain();

    // Offline sign-in counters.
    [[nodiscard]] Result<int> offline_failures(std::string_view login_id);
    // Returns the failure count after this one.
    [[nodiscard]] Result<int> record_offline_failure(std::string_view login_id);
    [[nodiscard]] Result<void> reset_offline_failures(std::string_view login_id);

    // Small device-wide settings (for example the last signed-in login ID).
    [[nodiscard]] Result<std::optional<std::string>> setting(std::string_view name);
    [[nodiscard]] Result<void> set_setting(std::string_view name, std::optional<std::string> value);

    [[nodiscard]] Result<void> integrity_check();

private:
    explicit DeviceStore(std::unique_ptr<detail::Database> db);
    std::mutex m_mutex;
    std::unique_ptr<detail::Database> m_db;
};

}
