#pragma once

// Runs the lending service on an open data directory: TLS context from the
// PKI, the v1 router, the sign-in pool, the HTTPS server, a periodic sweep
// (expired loans and holds, audit head in the log), and the ready file.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "http/limits.h"
#include "lending/lending_service.h"

namespace hondana::app {

struct ServeOptions {
    std::string address { "127.0.0.1" };
    uint16_t port { 8443 };
    size_t threads { 2 };
    size_t hash_threads { 1 };
    size_t hash_queue { 256 };
    std::optional<std::filesystem::path> ready_file;
    http::Limits limits;
    // Called once the port is bound (the demo prints its summary then).
    std::function<void(const std::string& address, uint16_t port)> on_listening;
};

// Serves until SIGTERM/SIGINT and the drain. Returns the process exit code.
int serve(lending::LendingService& service, const ServeOptions& options);

// "127.0.0.1:8443" → address and port. False when it does not parse.
bool parse_listen(const std::string& text, std::string& address, uint16_t& port);

}
