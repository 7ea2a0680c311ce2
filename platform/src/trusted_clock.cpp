#include "hondana/platform/trusted_clock.h"

#include <algorithm>

namespace hondana::platform {

using std::chrono::duration_cast;
using std::chrono::seconds;

std::string_view clock_state_name(ClockState state)
{
    switch (state) {
    case ClockState::Synced: return "synced";
    case ClockState::Estimated: return "estimated";
    case ClockState::Unsynced: return "unsynced";
    }
    return "unknown";
}

TrustedClock::TrustedClock(Clock& clock, ClockRatchet ratchet)
    : m_clock(clock)
    , m_ratchet(std::move(ratchet))
{
}

void TrustedClock::observe_server_time(base::Timestamp server_time)
{
    m_ratchet.server_time = server_time;
    m_ratchet.wall_at_server = m_clock.wall_now();
    m_ratchet.monotonic_at_server_ms = m_clock.monotonic_now().count();
    m_ratchet.boot_id = m_clock.boot_id();
    m_ratchet.last_wall = m_ratchet.wall_at_server;
    // A server behind our ratchet (its clock was corrected) is believed: the
    // ratchet protects against the device's clock, not the service's.
    m_ratchet.highest_trusted = server_time;
}

TrustedTime TrustedClock::now()
{
    auto wall = m_clock.wall_now();
    auto monotonic = m_clock.monotonic_now().count();
    TrustedTime result { wall, ClockState::Unsynced };
    // A monotonic reading that went backwards or jumped implausibly far (a
    // faked clock) is not used: the ratchet and the wall clock decide instead.
    constexpr int64_t max_plausible_uptime_ms = int64_t { 3650 } * 24 * 3600 * 1000;
    bool same_boot = m_ratchet.server_time && m_ratchet.boot_id == m_clock.boot_id()
        && monotonic >= m_ratchet.monotonic_at_server_ms
        && monotonic - m_ratchet.monotonic_at_server_ms < max_plausible_uptime_ms;
    bool rollback = m_ratchet.last_wall.time_since_epoch().count() != 0 && wall + rollback_tolerance < m_ratchet.last_wall;
    if (same_boot) {
        auto elapsed = duration_cast<seconds>(std::chrono::milliseconds(monotonic - m_ratchet.monotonic_at_server_ms));
        result.now = *m_ratchet.server_time + elapsed;
        result.state = ClockState::Synced;
        auto expected_wall = m_ratchet.wall_at_server + elapsed;
        if (wall + rollback_tolerance < expected_wall) {
            rollback = true;
            // Rebase, so one jump is reported once.
            m_ratchet.wall_at_server = wall - elapsed;
        }
    } else {
        result.now = std::max(m_ratchet.highest_trusted, wall);
        result.state = m_ratchet.server_time ? ClockState::Estimated : ClockState::Unsynced;
    }
    result.now = std::max(result.now, m_ratchet.highest_trusted);
    result.rollback_detected = rollback;
    result.wall_offset = duration_cast<seconds>(wall - result.now);
    m_ratchet.highest_trusted = result.now;
    m_ratchet.last_wall = wall;
    return result;
}

}
