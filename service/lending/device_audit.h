#pragma once

// Audit events uploaded by readers (`POST /v1/audit/events`). Each device
// keeps its own hash chain (store/audit.h):
//
//   hash = lower-hex SHA-256 of the canonical JSON of
//          {"seq","prev_hash","type","time","user"?,"title"?,"detail"}
//
// An upload must continue the chain from the last event accepted from that
// device: seq increases by one, prev_hash is the previous hash, and the hash
// recomputes. Events already accepted may be sent again (a retry after a lost
// answer) if they are identical. Anything else is AuditChainBroken and
// nothing of the upload is stored.

#include <cstdint>

#include <nlohmann/json.hpp>

#include "lending/clock.h"
#include "lending/model.h"
#include "lending/store.h"

namespace hondana::lending {

inline constexpr size_t max_uploaded_events = 1000;

class DeviceAudit {
public:
    DeviceAudit(Store& store, const Clock& clock);

    // Returns the seq of the last event now accepted from this device.
    [[nodiscard]] Result<int64_t> accept(const DeviceIdentity& device, const nlohmann::json& events);

private:
    Store& m_store;
    const Clock& m_clock;
};

// The hash a reader's event must carry: over every member but `hash`
// (MalformedRequest when a member is missing or mistyped).
[[nodiscard]] Result<std::string> device_event_hash(const nlohmann::json& event);

}
