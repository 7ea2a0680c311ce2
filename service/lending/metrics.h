#pragma once

// The service's metrics in the Prometheus text exposition format 0.0.4
// (REQ MON-1; docs/operations.md, "Monitoring"). Counters of requests by
// route, method and status, a latency histogram per route, sign-in failures
// by reason and refusals of locked accounts count in memory since the start;
// gauges read at each scrape come from the database and the data directory
// (licences issued, active loans, locked accounts, backup age, audit
// anomalies), so they survive a restart. No Beast here: api/routes_metrics.cpp
// feeds it and serves it.

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "hondana/base/time.h"
#include "lending/error.h"

namespace hondana::lending {

class LendingService;

struct RequestSample {
    std::string route; // the route pattern ("/v1/titles/{id}/borrow"), or "other"
    std::string method;
    unsigned status { 0 };
    double seconds { 0 };
    std::string problem; // problem type name of an error answer, else empty
};

// Upper bounds (seconds) of the latency histogram's buckets; +Inf follows.
inline constexpr std::array<double, 11> latency_buckets { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 };

// The route of sign-ins (its failures and lockouts are counted apart).
inline constexpr std::string_view sign_in_route = "/v1/auth/login";
// The route of a user's own password change: it checks the current password,
// so its refusals are password guesses too and are counted apart as well.
inline constexpr std::string_view password_change_route = "/v1/me/password";

class Metrics {
public:
    // Thread-safe.
    void record(const RequestSample& sample);

    // Everything, in the text format: the counters above and the gauges read
    // from `service` and `open_streams` now. Internal when the database cannot
    // be read (the scrape then fails, which an alert sees).
    [[nodiscard]] Result<std::string> render(LendingService& service, size_t open_streams, base::Timestamp now) const;

private:
    struct Histogram {
        std::array<uint64_t, latency_buckets.size()> buckets {};
        uint64_t count { 0 };
        double sum { 0 };
    };
    [[nodiscard]] std::string render_counters() const;
    // Anomalies of the last 24 hours (default rules), recounted at most once a minute.
    [[nodiscard]] Result<std::map<std::string, int64_t>> anomaly_counts(
        LendingService& service, base::Timestamp now) const;

    mutable std::mutex m_mutex;
    std::map<std::tuple<std::string, std::string, unsigned>, uint64_t> m_requests;
    std::map<std::string, Histogram> m_latency;
    std::map<std::string, uint64_t> m_sign_in_failures;         // by problem type
    std::map<std::string, uint64_t> m_password_change_failures; // by problem type
    uint64_t m_locked_refusals { 0 };
    uint64_t m_server_errors { 0 };
    mutable std::optional<base::Timestamp> m_anomalies_at;
    mutable std::map<std::string, int64_t> m_anomalies;
};

// A label value escaped for the text format (backslash, quote, newline).
[[nodiscard]] std::string metric_label(std::string_view value);

}
