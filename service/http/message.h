#pragma once

// What flows between the HTTP layer and the routes: a parsed request, its
// context (request id, client certificate, drain state), and a response that
// is either a string (JSON, problem+json, SVG) or a file range.
//
// FIXME: long-lived event streams (SSE, issue 6) will be a third kind of
// response: the session writes the header, then pulls events from a bounded
// per-connection queue until either side ends it. Handlers already answer
// through a Responder that may be called later from any thread, so a route
// can hold a connection open without blocking a network thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <nlohmann/json.hpp>

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

struct Response {
    std::variant<StringResponse, FileResponse> message;
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
