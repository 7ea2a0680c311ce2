#pragma once

// The trusted clock: the last server time seen over the pinned channel plus
// monotonic time elapsed since, kept as a ratchet that never moves backwards.
//
//  - Same boot as the last server time: trusted = server time + monotonic
//    elapsed. The wall clock does not matter.
//  - Another boot (or no server time yet): trusted = max(highest trusted time
//    ever seen, wall clock). Setting the wall clock back while the reader
//    was closed therefore cannot move time back; setting it forward only
//    ends loans sooner.
// A wall clock found behind where it should be (by more than the tolerance)
// is reported as a rollback, once per jump, for the audit log.

#include <chrono>
#include <optional>
#include <string>

#include "hondana/base/time.h"
#include "hondana/platform/clock.h"

namespace hondana::platform {

// The persisted state (the store keeps it; see store/device_store.h).
struct ClockRatchet {
    std::optional<base::Timestamp> server_time; // last X-Hondana-Time seen
    base::Timestamp wall_at_server {};          // wall clock when it was seen
    int64_t monotonic_at_server_ms { 0 };       // monotonic clock when it was seen
    std::string boot_id;                        // boot it was seen in
    base::Timestamp highest_trusted {};         // the ratchet: trusted time never goes below this
    base::Timestamp last_wall {};               // wall clock at the last reading (rollback detection)
};

enum class ClockState {
    Synced,    // server time seen in this boot: exact up to network delay
    Estimated, // server time seen in an earlier boot: ratchet and wall clock
    Unsynced,  // never synced: wall clock only (nothing is trusted to it)
};

[[nodiscard]] std::string_view clock_state_name(ClockState state);

struct TrustedTime {
    base::Timestamp now;
    ClockState state;
    // The wall clock was found set back since the last reading.
    bool rollback_detected { false };
    // How far the wall clock is from trusted time (wall - trusted).
    std::chrono::seconds wall_offset { 0 };
};

class TrustedClock {
public:
    static constexpr std::chrono::seconds rollback_tolerance { 120 };

    TrustedClock(Clock& clock, ClockRatchet ratchet);

    // Records a server time read over the pinned channel.
    void observe_server_time(base::Timestamp server_time);
    // The trusted time now; advances the ratchet. Not thread-safe: callers
    // serialize (the store holds it behind its own lock).
    [[nodiscard]] TrustedTime now();
    [[nodiscard]] const ClockRatchet& ratchet() const { return m_ratchet; }

private:
    Clock& m_clock;
    ClockRatchet m_ratchet;
};

}
