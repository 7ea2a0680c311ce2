#include "lending/metrics.h"

#include <sstream>

#include "lending/anomalies.h"
#include "lending/backup.h"
#include "lending/lending_service.h"

namespace hondana::lending {

namespace {

void help(std::ostringstream& out, std::string_view name, std::string_view type, std::string_view text)
{
    out << "# HELP " << name << " " << text << "\n# TYPE " << name << " " << type << "\n";
}

std::string number(double value)
{
    std::ostringstream out;
    out.precision(9);
    out << value;
    return out.str();
}

struct DatabaseGauges {
    int64_t loans { 0 };
    int64_t active_loans { 0 };
    int64_t locked_accounts { 0 };
    int64_t audit_entries { 0 };
};

Result<DatabaseGauges> read_gauges(LendingService& service)
{
    return service.store().read([](storage::Database& db) -> Result<DatabaseGauges> {
        DatabaseGauges gauges;
        gauges.loans = TRY_DB(db.query_integer("SELECT count(*) FROM loans"));
        gauges.active_loans = TRY_DB(db.query_integer("SELECT count(*) FROM loans WHERE status = 'active'"));
        gauges.locked_accounts = TRY_DB(db.query_integer("SELECT (SELECT count(*) FROM users WHERE locked = 1) + "
                                                         "(SELECT count(*) FROM login_throttle WHERE locked = 1)"));
        gauges.audit_entries = TRY_DB(db.query_integer("SELECT coalesce(max(seq), 0) FROM audit_log"));
        return gauges;
    });
}

void render_gauges(
    std::ostringstream& out, const DatabaseGauges& gauges, const DataDir& dir, size_t open_streams, base::Timestamp now)
{
    help(out, "hondana_licences_issued_total", "counter", "Licences issued (one per loan), ever");
    out << "hondana_licences_issued_total " << gauges.loans << "\n";
    help(out, "hondana_loans_active", "gauge", "Loans active now");
    out << "hondana_loans_active " << gauges.active_loans << "\n";
    help(out, "hondana_accounts_locked", "gauge", "Login IDs locked now (known users and unknown IDs)");
    out << "hondana_accounts_locked " << gauges.locked_accounts << "\n";
    help(out, "hondana_audit_entries", "gauge", "Entries in the hash-chained audit log");
    out << "hondana_audit_entries " << gauges.audit_entries << "\n";
    help(out, "hondana_event_streams_open", "gauge", "Class-session event streams open now");
    out << "hondana_event_streams_open " << open_streams << "\n";
    int64_t last = 0;
    if (auto status = read_backup_status(dir))
        if (auto when = base::parse_rfc3339(status->last_success))
            last = when->time_since_epoch().count();
    help(out, "hondana_backup_last_success_timestamp_seconds", "gauge",
        "Unix time of the last successful backup (0: none yet)");
    out << "hondana_backup_last_success_timestamp_seconds " << last << "\n";
    help(out, "hondana_backup_age_seconds", "gauge", "Seconds since the last successful backup (-1: none yet)");
    out << "hondana_backup_age_seconds " << (last > 0 ? now.time_since_epoch().count() - last : -1) << "\n";
}

}

std::string metric_label(std::string_view value)
{
    std::string escaped;
    for (char c : value) {
        if (c == '\\' || c == '"')
            escaped += '\\';
        if (c == '\n') {
            escaped += "\\n";
            continue;
        }
        escaped += c;
    }
    return escaped;
}

void Metrics::record(const RequestSample& sample)
{
    std::lock_guard lock(m_mutex);
    ++m_requests[{ sample.route, sample.method, sample.status }];
    auto& histogram = m_latency[sample.route];
    for (size_t i = 0; i < latency_buckets.size(); ++i)
        if (sample.seconds <= latency_buckets[i])
            ++histogram.buckets[i];
    ++histogram.count;
    histogram.sum += sample.seconds;
    if (sample.status >= 500)
        ++m_server_errors;
    if (sample.route == sign_in_route && sample.status >= 400)
        ++m_sign_in_failures[sample.problem.empty() ? "other" : sample.problem];
    if (sample.route == password_change_route && sample.status >= 400)
        ++m_password_change_failures[sample.problem.empty() ? "other" : sample.problem];
    if (sample.problem == "account-locked")
        ++m_locked_refusals;
}

std::string Metrics::render_counters() const
{
    std::lock_guard lock(m_mutex);
    std::ostringstream out;
    help(out, "hondana_http_requests_total", "counter", "Requests answered, by route pattern, method and status");
    for (const auto& [key, count] : m_requests) {
        const auto& [route, method, status] = key;
        out << "hondana_http_requests_total{route=\"" << metric_label(route) << "\",method=\"" << metric_label(method)
            << "\",status=\"" << status << "\"} " << count << "\n";
    }
    help(out, "hondana_http_request_duration_seconds", "histogram", "Time from request to answer, by route pattern");
    for (const auto& [route, histogram] : m_latency) {
        auto label = metric_label(route);
        for (size_t i = 0; i < latency_buckets.size(); ++i)
            out << "hondana_http_request_duration_seconds_bucket{route=\"" << label << "\",le=\""
                << number(latency_buckets[i]) << "\"} " << histogram.buckets[i] << "\n";
        out << "hondana_http_request_duration_seconds_bucket{route=\"" << label << "\",le=\"+Inf\"} " << histogram.count
            << "\n"
            << "hondana_http_request_duration_seconds_sum{route=\"" << label << "\"} " << number(histogram.sum) << "\n"
            << "hondana_http_request_duration_seconds_count{route=\"" << label << "\"} " << histogram.count << "\n";
    }
    help(out, "hondana_http_server_errors_total", "counter", "Answers with a 5xx status");
    out << "hondana_http_server_errors_total " << m_server_errors << "\n";
    help(out, "hondana_sign_in_failures_total", "counter", "Refused sign-ins, by problem type");
    for (const auto& [reason, count] : m_sign_in_failures)
        out << "hondana_sign_in_failures_total{reason=\"" << metric_label(reason) << "\"} " << count << "\n";
    help(out, "hondana_password_change_failures_total", "counter",
        "Refused password changes, by problem type (a wrong current password counts towards the lockout)");
    for (const auto& [reason, count] : m_password_change_failures)
        out << "hondana_password_change_failures_total{reason=\"" << metric_label(reason) << "\"} " << count << "\n";
    help(out, "hondana_lockout_refusals_total", "counter", "Sign-ins refused because the account is locked");
    out << "hondana_lockout_refusals_total " << m_locked_refusals << "\n";
    return out.str();
}

Result<std::map<std::string, int64_t>> Metrics::anomaly_counts(LendingService& service, base::Timestamp now) const
{
    {
        std::lock_guard lock(m_mutex);
        if (m_anomalies_at && now - *m_anomalies_at < std::chrono::minutes(1))
            return m_anomalies;
    }
    auto found = TRY(service.store().read([&](storage::Database& db) {
        return find_anomalies(db, AnomalyRules {}, now - std::chrono::hours(24), now + std::chrono::seconds(1));
    }));
    std::lock_guard lock(m_mutex);
    m_anomalies = count_anomalies(found);
    m_anomalies_at = now;
    return m_anomalies;
}

Result<std::string> Metrics::render(LendingService& service, size_t open_streams, base::Timestamp now) const
{
    auto gauges = TRY(read_gauges(service));
    std::ostringstream out;
    out << render_counters();
    render_gauges(out, gauges, service.data_dir(), open_streams, now);
    help(out, "hondana_audit_anomalies", "gauge",
        "Misuse seen in the audit log over the last 24 hours, by kind (school hours: each tenant's timetable)");
    for (const auto& [kind, count] : TRY(anomaly_counts(service, now)))
        out << "hondana_audit_anomalies{kind=\"" << kind << "\"} " << count << "\n";
    help(out, "hondana_up", "gauge", "1 while the service answers");
    out << "hondana_up 1\n";
    return out.str();
}

}
