#pragma once

// RFC 7807 problem documents (application/problem+json) with the stable
// `type` URNs of docs/protocol.md: `urn:hondana:problem:<name>`.

#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"
#include "lending/error.h"

namespace hondana::api {

inline constexpr std::string_view problem_prefix = "urn:hondana:problem:";

struct ProblemType {
    std::string_view name; // after the prefix: "account-locked"
    unsigned status;
    std::string_view title;
};

// The problem type a lending error is answered with.
[[nodiscard]] ProblemType problem_for(lending::ErrorKind kind);
// A type the API itself uses (device-required, body-too-large, …); `internal` for unknown names.
[[nodiscard]] ProblemType problem_named(std::string_view name);
// Every problem type the service can answer with (docs/protocol.md lists each).
[[nodiscard]] std::vector<ProblemType> all_problem_types();

// The headers every answer carries: X-Hondana-Time, X-Request-Id, Cache-Control.
void add_common_headers(http::StringResponse& response, std::string_view request_id);

// A problem answer. `detail` is for people; `extra` members are merged in
// (locked_until, queue_length, …). An `internal` problem never shows its detail.
[[nodiscard]] http::Response make_problem(const ProblemType& type, std::string detail, const nlohmann::json& extra,
    const http::RequestContext& context, unsigned version = 11);
[[nodiscard]] http::Response make_problem(
    const lending::Error& error, const http::RequestContext& context, unsigned version = 11);

// A JSON answer (application/json unless `content_type` says otherwise).
[[nodiscard]] http::Response make_json(unsigned status, const nlohmann::json& body, const http::RequestContext& context,
    unsigned version = 11, std::string_view content_type = "application/json");

}
