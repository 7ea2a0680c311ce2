#pragma once

// Structured logs: one JSON object per line on stderr (journald keeps them),
// with `time` in UTC RFC 3339 with milliseconds (REQ LOG-2), `level` and
// `event`. Never log secrets: no passwords, tokens, keys or codes.

#include <string_view>

#include <nlohmann/json.hpp>

namespace hondana::http {

enum class LogLevel { Debug, Info, Warning, Failure };

// Writes one line atomically (a mutex keeps lines whole across threads).
void log_event(LogLevel level, std::string_view event, nlohmann::json fields = nlohmann::json::object());

// Lines below this level are dropped (default Info).
void set_log_level(LogLevel level);

}
