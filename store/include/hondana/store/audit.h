#pragma once

// The reader's audit events (REQ LOG-1): one hash chain per device, kept in
// the device database and uploaded to the service (`POST /v1/audit/events`),
// which checks that each upload continues the chain it accepted last.
//
//   hash = lower-hex SHA-256 of the canonical JSON (drm/canonical_json.h) of
//          {"seq","prev_hash","type","time","user"?,"title"?,"detail"}
//   prev_hash of the first event = 64 zeros; seq starts at 1.

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "hondana/base/time.h"

namespace hondana::store {

// Event types the reader records.
namespace audit_type {
inline constexpr std::string_view enrolled = "device.enrolled";
inline constexpr std::string_view sign_in = "sign_in.success";
inline constexpr std::string_view sign_in_failed = "sign_in.failure";
inline constexpr std::string_view sign_in_offline = "sign_in.offline_success";
inline constexpr std::string_view sign_in_offline_failed = "sign_in.offline_failure";
inline constexpr std::string_view sign_in_offline_locked = "sign_in.offline_locked";
inline constexpr std::string_view sign_out = "sign_out";
inline constexpr std::string_view password_changed = "password.changed";
inline constexpr std::string_view password_change_failed = "password.change_failure";
inline constexpr std::string_view title_opened = "title.opened";
inline constexpr std::string_view licence_refused = "licence.refused";
inline constexpr std::string_view content_erased = "content.erased";
inline constexpr std::string_view clock_rollback = "clock.rollback";
inline constexpr std::string_view network_untrusted = "network.untrusted";
inline constexpr std::string_view wipe = "device.wipe";
}

inline constexpr std::string_view audit_genesis_hash
    = "0000000000000000000000000000000000000000000000000000000000000000";

struct AuditEvent {
    int64_t seq { 0 };
    std::string prev_hash;
    std::string hash;
    std::string type;
    base::Timestamp time;
    std::optional<std::string> user;
    std::optional<std::string> title;
    std::string detail;
};

// The event as uploaded (and as hashed, plus "hash").
[[nodiscard]] nlohmann::json audit_event_json(const AuditEvent& event);
// The hash of an event's fields (everything but `hash`).
[[nodiscard]] std::string audit_event_hash(const AuditEvent& event);

}
