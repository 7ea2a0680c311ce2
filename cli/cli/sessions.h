#pragma once

// hondana-cli session …: class-wide reading sessions (sessions.cpp).

#include <functional>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "hondana/reader/reader.h"

namespace hondana::cli {

// What the session subcommands parsed; `set` hands main() the command to run.
struct SessionRequest {
    sync::NewSession session;
    std::optional<std::string> start_at;
    std::string id;
    std::string until;
    std::string last_event_id;
    int page { 1 };
    std::function<void(std::function<int(reader::Reader&)>)> set;
};

void add_session_commands(CLI::App& app, SessionRequest& request);

}
