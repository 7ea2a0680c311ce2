#pragma once

// Clocks, behind an interface so tests can inject time. The trusted clock
// (trusted_clock.h) is built on top of one.

#include <chrono>
#include <mutex>
#include <string>

#include "hondana/base/time.h"

namespace hondana::platform {

class Clock {
public:
    virtual ~Clock() = default;
    // The wall clock (anyone can set it; never trusted on its own).
    [[nodiscard]] virtual base::Timestamp wall_now() = 0;
    // Time since boot, including suspend (CLOCK_BOOTTIME); never goes backwards
    // within one boot.
    [[nodiscard]] virtual std::chrono::milliseconds monotonic_now() = 0;
    // Identifies the current boot: monotonic readings compare only within one.
    [[nodiscard]] virtual std::string boot_id() = 0;
};

// The operating system's clocks; boot ID from /proc/sys/kernel/random/boot_id.
class SystemClock final : public Clock {
public:
    [[nodiscard]] base::Timestamp wall_now() override;
    [[nodiscard]] std::chrono::milliseconds monotonic_now() override;
    [[nodiscard]] std::string boot_id() override;
};

// A clock that moves only when told to: for tests and simulations of a
// tablet whose clock is set back, left off, or rebooted. Thread-safe.
class ManualClock final : public Clock {
public:
    explicit ManualClock(base::Timestamp wall, std::string boot_id = "boot-1");
    [[nodiscard]] base::Timestamp wall_now() override;
    [[nodiscard]] std::chrono::milliseconds monotonic_now() override;
    [[nodiscard]] std::string boot_id() override;

    // Real time passes: wall and monotonic move together.
    void advance(std::chrono::milliseconds by);
    // Someone sets the wall clock (monotonic does not move).
    void set_wall(base::Timestamp wall);
    // A reboot: new boot ID, monotonic restarts near zero.
    void reboot(std::string boot_id);

private:
    std::mutex m_mutex;
    base::Timestamp m_wall;
    std::chrono::milliseconds m_monotonic { 1000 };
    std::string m_boot_id;
};

}
