#pragma once

// What flows between the HTTP layer and the routes: a parsed request, its
// context (request id, client certificate, drain state), and a response that
// is either a string (JSON, problem+json, SVG) or a file range.
//
// A third kind of response is an event stream (SSE, issue 6): the session
// writes the header, then writes what the route queues on the EventChannel
// until either side ends it (http/event_channel.h). Handlers answer through a
// Responder that may be called later from any thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <nlohmann/json.hpp>

#include "http/event_channel.h"
#include "http/file_range_body.h"

namespace hondana::http {

// Beast 1.74 speaks boost::string_view; these convert at the boundary.
[[nodiscard]] inline boost::beast::string_view to_beast(std::string_view text)
{
    return { text.data(), text.size() };
}
[[nodiscard]] inline std::string_view to_std(boost::beast::string_view text)
{
    return { text.data(), text.size() };
}

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using RequestHeader = boost::beast::http::request_header<>;
using StringResponse = boost::beast::http::response<boost::beast::http::string_body>;
using FileResponse = boost::beast::http::response<FileRangeBody>;

// An event stream: the header (no length: the body ends when the connection
// closes) and the channel the route fills.
struct EventStreamResponse {
    boost::beast::http::response<boost::beast::http::empty_body> header;
    std::shared_ptr<EventChannel> channel;
    [[nodiscard]] unsigned result_int() const { return header.result_int(); }
};

struct Response {
    std::variant<StringResponse, FileResponse, EventStreamResponse> message;
    // Extra members for the request's log line (device id, problem type, …).
    nlohmann::json log = nlohmann::json::object();

    [[nodiscard]] unsigned status() const;
};

struct RequestContext {
    std::string request_id;
    std::string remote_address;
    // The client certificate (DER) when the peer sent one and it verified
    // against the device CA; empty otherwise.
    std::vector<uint8_t> client_certificate;
    // A peer certificate was sent but did not verify.
    bool client_certificate_rejected { false };
    bool draining { false };
    std::chrono::steady_clock::time_point started;
};

// Completes a request. Thread-safe; call exactly once.
using Responder = std::function<void(Response)>;

// The request logic, seen from the HTTP layer.
class Handler {
public:
    virtual ~Handler() = default;
    // The body limit for a request with this header (checked before the body is read).
    [[nodiscard]] virtual size_t body_limit(const RequestHeader& header) const = 0;
    virtual void handle(Request request, RequestContext context, Responder respond) = 0;
    // An answer the HTTP layer makes itself (body too large, bad request
    // syntax), in the handler's error format.
    [[nodiscard]] virtual Response protocol_error(
        unsigned status, std::string_view problem, const RequestContext& context)
        = 0;
};

}
