#pragma once

// Protocol-level limits of the server (STYLE.md: limits live at the
// protocol layer). Every wait has a deadline, every buffer a bound.

#include <chrono>
#include <cstddef>

namespace hondana::http {

struct Limits {
    size_t max_header_bytes { 16 * 1024 };
    size_t default_body_limit { 64 * 1024 }; // routes may ask for another (Handler::body_limit)
    std::chrono::seconds handshake_timeout { 10 };
    std::chrono::seconds header_timeout { 10 }; // from the first byte wait to the end of the headers
    std::chrono::seconds body_timeout { 30 };
    std::chrono::seconds idle_timeout { 60 };  // keep-alive: waiting for the next request
    std::chrono::seconds write_timeout { 30 }; // per chunk written, so large downloads are fine
    std::chrono::seconds drain_timeout { 10 }; // SIGTERM: how long in-flight requests may finish
    size_t max_connections { 20000 };
    size_t max_requests_per_connection { 1000 };
};

}
