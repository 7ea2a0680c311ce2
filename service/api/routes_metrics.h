#pragma once

// GET /metrics and the counting behind it (REQ MON-1): a Handler that wraps
// the router, records every answer (route pattern, method, status, latency,
// problem type) in lending::Metrics, and answers GET /metrics itself in the
// Prometheus text format, to loopback clients only (others get not-found, as
// for any unknown path). docs/operations.md, "Monitoring".

#include <memory>
#include <string>
#include <vector>

#include "api/router.h"
#include "lending/metrics.h"

namespace hondana::api {

inline constexpr std::string_view metrics_path = "/metrics";

// Whether a RequestContext::remote_address ("ADDRESS:PORT") is a loopback address.
[[nodiscard]] bool is_loopback(std::string_view remote);

class MetricsHandler final : public http::Handler {
public:
    MetricsHandler(std::shared_ptr<Router> router, lending::LendingService& service);

    [[nodiscard]] size_t body_limit(const http::RequestHeader& header) const override;
    void handle(http::Request request, http::RequestContext context, http::Responder respond) override;
    [[nodiscard]] http::Response protocol_error(
        unsigned status, std::string_view problem, const http::RequestContext& context) override;

    [[nodiscard]] lending::Metrics& metrics() { return *m_metrics; }

private:
    // The route pattern a path matches, or "other" (bounded label values).
    [[nodiscard]] std::string route_of(std::string_view method, std::string_view path) const;
    void answer_metrics(const http::Request& request, const http::RequestContext& context, http::Responder& respond);

    std::shared_ptr<Router> m_router;
    lending::LendingService& m_service;
    std::shared_ptr<lending::Metrics> m_metrics { std::make_shared<lending::Metrics>() };
    std::vector<std::pair<RouteSpec, std::vector<std::string>>> m_patterns;
};

}
