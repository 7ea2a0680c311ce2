#pragma once

// The state of a Session while it serves an event stream (private to
// session.cpp and session_stream.cpp).

#include <array>
#include <memory>
#include <string>

#include <boost/asio/steady_timer.hpp>

#include "http/event_channel.h"
#include "http/session.h"

namespace hondana::http {

struct Session::Stream {
    std::shared_ptr<EventChannel> channel;
    boost::asio::steady_timer heartbeat;
    std::string out;                  // the bytes being written
    std::array<char, 512> discard {}; // what a client sends on a stream is read and dropped
    bool writing { false };
    bool reading { false };
    bool ending { false };
    bool graceful { false };
    std::chrono::steady_clock::time_point last_write { std::chrono::steady_clock::now() };

    Stream(std::shared_ptr<EventChannel> stream_channel, const boost::asio::any_io_executor& executor)
        : channel(std::move(stream_channel))
        , heartbeat(executor)
    {
    }
};

}
