#include "hondana/platform/clock.h"

#include <ctime>
#include <fstream>

namespace hondana::platform {

base::Timestamp SystemClock::wall_now()
{
    return base::now_utc();
}

std::chrono::milliseconds SystemClock::monotonic_now()
{
    timespec now {};
    ::clock_gettime(CLOCK_BOOTTIME, &now);
    return std::chrono::seconds(now.tv_sec) + std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::nanoseconds(now.tv_nsec));
}

std::string SystemClock::boot_id()
{
    std::ifstream file("/proc/sys/kernel/random/boot_id");
    std::string id;
    std::getline(file, id);
    return id;
}

ManualClock::ManualClock(base::Timestamp wall, std::string boot_id)
    : m_wall(wall)
    , m_boot_id(std::move(boot_id))
{
}

base::Timestamp ManualClock::wall_now()
{
    std::lock_guard lock(m_mutex);
    return m_wall;
}

std::chrono::milliseconds ManualClock::monotonic_now()
{
    std::lock_guard lock(m_mutex);
    return m_monotonic;
}

std::string ManualClock::boot_id()
{
    std::lock_guard lock(m_mutex);
    return m_boot_id;
}

void ManualClock::advance(std::chrono::milliseconds by)
{
    std::lock_guard lock(m_mutex);
    m_monotonic += by;
    m_wall += std::chrono::duration_cast<std::chrono::seconds>(by);
}

void ManualClock::set_wall(base::Timestamp wall)
{
    std::lock_guard lock(m_mutex);
    m_wall = wall;
}

void ManualClock::reboot(std::string boot_id)
{
    std::lock_guard lock(m_mutex);
    m_boot_id = std::move(boot_id);
    m_monotonic = std::chrono::milliseconds(1000);
}

}
