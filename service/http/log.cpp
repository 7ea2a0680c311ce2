#include "http/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>

#include "hondana/base/time.h"

namespace hondana::http {

namespace {

std::mutex log_mutex;
std::atomic<int> minimum_level { static_cast<int>(LogLevel::Info) };

std::string_view level_name(LogLevel level)
{
    switch (level) {
    case LogLevel::Debug:
        return "debug";
    case LogLevel::Info:
        return "info";
    case LogLevel::Warning:
        return "warning";
    case LogLevel::Failure:
        return "error";
    }
    return "info";
}

}

void set_log_level(LogLevel level)
{
    minimum_level = static_cast<int>(level);
}

void log_event(LogLevel level, std::string_view event, nlohmann::json fields)
{
    if (static_cast<int>(level) < minimum_level)
        return;
    nlohmann::ordered_json line = { { "time", base::format_rfc3339_millis(std::chrono::system_clock::now()) },
        { "level", level_name(level) }, { "event", event } };
    if (fields.is_object())
        for (const auto& [key, value] : fields.items())
            line[key] = value;
    auto text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    std::lock_guard lock(log_mutex);
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
}

}
