#pragma once

// Where the lending rules read the time. The service uses the system clock;
// tests move a manual clock to cross lock periods, loan ends and TOTP steps.

#include <atomic>

#include "hondana/base/time.h"

namespace hondana::lending {

class Clock {
public:
    virtual ~Clock() = default;
    [[nodiscard]] virtual base::Timestamp now() const = 0;
};

// The wall clock (UTC).
class SystemClock final : public Clock {
public:
    [[nodiscard]] base::Timestamp now() const override { return base::now_utc(); }
};

// A clock that moves only when told to. Safe to read from several threads.
class ManualClock final : public Clock {
public:
    explicit ManualClock(base::Timestamp start)
        : m_seconds(start.time_since_epoch().count())
    {
    }
    [[nodiscard]] base::Timestamp now() const override
    {
        return base::Timestamp(std::chrono::seconds(m_seconds.load()));
    }
    void set(base::Timestamp time) { m_seconds = time.time_since_epoch().count(); }
    void advance(std::chrono::seconds by) { m_seconds += by.count(); }

private:
    std::atomic<int64_t> m_seconds;
};

}
