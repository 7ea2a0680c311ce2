// GET /metrics (REQ MON-1): the real service's counters after real traffic,
// parsed as Prometheus parses the text format.

#include "integration_fixture.h"

#include <cstring>
#include <map>
#include <regex>
#include <sstream>

using namespace hondana;
using namespace hondana::test;

namespace {

class OperationsMetrics : public ServiceTest { };

struct Scrape {
    std::map<std::string, double> samples; // "name{labels}" → value
    std::map<std::string, std::string> types;
};

Scrape parse_exposition(const std::string& text)
{
    static const std::regex sample(
        R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.e+]+|\+Inf|NaN)$)");
    static const std::regex type(R"(^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram)$)");
    Scrape scrape;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        std::smatch match;
        if (std::regex_match(line, match, type)) {
            scrape.types[match[1]] = match[2];
        } else if (line.rfind("# HELP ", 0) == 0) {
            continue;
        } else {
            EXPECT_TRUE(std::regex_match(line, match, sample)) << "not a sample line: " << line;
            if (match.empty())
                continue;
            std::string family = match[1];
            for (auto suffix : { "_bucket", "_sum", "_count" })
                if (family.size() > std::strlen(suffix) && family.ends_with(suffix)
                    && scrape.types.count(family.substr(0, family.size() - std::strlen(suffix))))
                    family = family.substr(0, family.size() - std::strlen(suffix));
            EXPECT_TRUE(scrape.types.count(family)) << "no # TYPE before " << line;
            scrape.samples[std::string(match[1]) + std::string(match[2])] = std::stod(match[3]);
        }
    }
    return scrape;
}

double value(const Scrape& scrape, const std::string& key)
{
    auto found = scrape.samples.find(key);
    EXPECT_NE(found, scrape.samples.end()) << key;
    return found == scrape.samples.end() ? -2 : found->second;
}

}

TEST_F(OperationsMetrics, counts_requests_sign_in_failures_lockouts_licences_and_backup_age)
{
    TlsClient anonymous(service());
    auto first = parse_exposition(anonymous.get("/metrics").body);
    EXPECT_EQ(value(first, "hondana_backup_age_seconds"), -1) << "no backup yet";
    EXPECT_EQ(value(first, "hondana_licences_issued_total"), 0);

    std::string output;
    ASSERT_EQ(service().admin({ "tenant", "policy", "set", "lockout_threshold", "3" }, &output), 0) << output;
    auto reader = signed_in(0, "student");
    auto loan = reader.client->post("/v1/titles/" + service().titles()[0].id + "/borrow", nullptr, reader.access);
    ASSERT_EQ(loan.status, 201u) << loan.body;
    auto other = device_client(1);
    auto wrong = service().user("student2");
    wrong.password = "Not-The-Password-1!";
    for (int i = 0; i < 4; ++i)
        sign_in(*other, wrong);
    ASSERT_EQ(service().admin({ "backup", "--to", (service().work_dir() / "backups").string() }, &output), 0) << output;

    auto reply = anonymous.get("/metrics");
    ASSERT_EQ(reply.status, 200u);
    EXPECT_EQ(reply.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    auto scrape = parse_exposition(reply.body);
    EXPECT_EQ(value(scrape, R"(hondana_http_requests_total{route="/v1/auth/login",method="POST",status="200"})"), 1);
    EXPECT_EQ(
        value(scrape, R"(hondana_http_requests_total{route="/v1/titles/{id}/borrow",method="POST",status="201"})"), 1)
        << "counted by route pattern, not by title";
    EXPECT_EQ(value(scrape, R"(hondana_sign_in_failures_total{reason="invalid-credentials"})"), 2);
    EXPECT_EQ(value(scrape, R"(hondana_sign_in_failures_total{reason="account-locked"})"), 2)
        << "the third failure locks, the fourth is refused";
    EXPECT_EQ(value(scrape, "hondana_lockout_refusals_total"), 2);
    EXPECT_EQ(value(scrape, "hondana_accounts_locked"), 1);
    EXPECT_EQ(value(scrape, "hondana_licences_issued_total"), 1);
    EXPECT_EQ(value(scrape, "hondana_loans_active"), 1);
    EXPECT_EQ(value(scrape, "hondana_event_streams_open"), 0);
    EXPECT_GE(value(scrape, "hondana_backup_age_seconds"), 0);
    EXPECT_GT(value(scrape, "hondana_backup_last_success_timestamp_seconds"), 1.7e9);
    EXPECT_EQ(scrape.types["hondana_http_request_duration_seconds"], "histogram");
    std::string login = R"(route="/v1/auth/login")";
    double previous = 0;
    for (auto le : { "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf" }) {
        auto bucket = value(scrape, "hondana_http_request_duration_seconds_bucket{" + login + ",le=\"" + le + "\"}");
        EXPECT_GE(bucket, previous) << "buckets are cumulative";
        previous = bucket;
    }
    EXPECT_EQ(previous, value(scrape, "hondana_http_request_duration_seconds_count{" + login + "}"));
    EXPECT_EQ(previous, 5) << "one sign-in and four refusals";
}

TEST_F(OperationsMetrics, a_lockout_burst_is_listed_by_the_cli_and_raised_in_metrics)
{
    std::string output;
    ASSERT_EQ(service().admin({ "tenant", "policy", "set", "lockout_threshold", "3" }, &output), 0) << output;
    auto client = device_client(0);
    for (const auto* role : { "student", "student2", "teacher" }) {
        auto user = service().user(role);
        user.password = "Not-The-Password-1!";
        for (int i = 0; i < 3; ++i)
            sign_in(*client, user);
    }
    ASSERT_EQ(service().admin({ "audit", "anomalies", "--json" }, &output), 0) << output;
    std::istringstream lines(output);
    std::string line;
    int bursts = 0;
    while (std::getline(lines, line)) {
        auto anomaly = nlohmann::json::parse(line, nullptr, false);
        if (anomaly.is_discarded())
            continue; // the summary on standard error
        if (anomaly["kind"] == "lockout_burst") {
            ++bursts;
            EXPECT_NE(
                anomaly["subject"].get<std::string>().find(service().user("teacher").login_id), std::string::npos);
        }
    }
    EXPECT_EQ(bursts, 1) << output;

    TlsClient anonymous(service());
    auto scrape = parse_exposition(anonymous.get("/metrics").body);
    EXPECT_EQ(value(scrape, R"(hondana_audit_anomalies{kind="lockout_burst"})"), 1);
    EXPECT_GE(value(scrape, R"(hondana_audit_anomalies{kind="off_hours_sign_in"})"), 0);
    EXPECT_EQ(value(scrape, R"(hondana_audit_anomalies{kind="licence_rate"})"), 0);
}

TEST_F(OperationsMetrics, off_hours_sign_ins_follow_the_timetable_set_in_the_tenant_policy)
{
    std::string output;
    auto refused = service().admin({ "tenant", "policy", "set", "closed_dates", "2026-13-01" }, &output);
    EXPECT_NE(refused, 0);
    EXPECT_NE(output.find("YYYY-MM-DD"), std::string::npos) << output;

    // Today (in Japan) is a closed day: a sign-in now is outside school hours, whatever the clock says.
    auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now() + std::chrono::hours(9));
    auto text = base::format_rfc3339(base::Timestamp(today)).substr(0, 10);
    ASSERT_EQ(service().admin({ "tenant", "policy", "set", "closed_dates", text }, &output), 0) << output;
    auto client = device_client(0);
    ASSERT_EQ(sign_in(*client, service().user("student")).status, 200u);

    auto off_hours = [&] {
        std::string listed;
        EXPECT_EQ(service().admin({ "audit", "anomalies", "--json" }, &listed), 0) << listed;
        std::vector<nlohmann::json> found;
        std::istringstream lines(listed);
        for (std::string line; std::getline(lines, line);) {
            auto anomaly = nlohmann::json::parse(line, nullptr, false);
            if (!anomaly.is_discarded() && anomaly["kind"] == "off_hours_sign_in")
                found.push_back(anomaly);
        }
        return found;
    };
    auto found = off_hours();
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0]["subject"], service().user("student").login_id);
    EXPECT_NE(found[0]["detail"].get<std::string>().find("schools closed"), std::string::npos) << found[0];
    TlsClient anonymous(service());
    auto scrape = parse_exposition(anonymous.get("/metrics").body);
    EXPECT_EQ(value(scrape, R"(hondana_audit_anomalies{kind="off_hours_sign_in"})"), 1);

    // Open every day, all day: the same sign-in is no longer an anomaly.
    for (auto [key, value] :
        { std::pair { "closed_dates", "none" }, { "school_days", "sun-sat" }, { "school_hours", "00:00-24:00" } })
        ASSERT_EQ(service().admin({ "tenant", "policy", "set", key, value }, &output), 0) << output;
    EXPECT_TRUE(off_hours().empty());
    // A timetable given on the command line overrides the policy's.
    ASSERT_EQ(service().admin({ "audit", "anomalies", "--json", "--closed-dates", text }, &output), 0) << output;
    EXPECT_NE(output.find("off_hours_sign_in"), std::string::npos) << output;
}

TEST_F(OperationsMetrics, wrong_current_passwords_in_password_changes_count_as_failures_and_lockouts)
{
    std::string output;
    ASSERT_EQ(service().admin({ "tenant", "policy", "set", "lockout_threshold", "2" }, &output), 0) << output;
    auto reader = signed_in(0, "student");
    for (int i = 0; i < 3; ++i) {
        auto reply = reader.client->post("/v1/me/password",
            { { "current_password", "Not-The-Password-1!" }, { "new_password", "Sakura-Blooms-77?" } }, reader.access);
        EXPECT_GE(reply.status, 400u) << reply.body;
    }
    TlsClient anonymous(service());
    auto scrape = parse_exposition(anonymous.get("/metrics").body);
    EXPECT_EQ(value(scrape, R"(hondana_password_change_failures_total{reason="invalid-credentials"})"), 1);
    EXPECT_EQ(value(scrape, R"(hondana_password_change_failures_total{reason="account-locked"})"), 2)
        << "the second wrong password locks, the third attempt is refused";
    EXPECT_EQ(value(scrape, "hondana_lockout_refusals_total"), 2);
    EXPECT_EQ(value(scrape, "hondana_accounts_locked"), 1);
    EXPECT_EQ(scrape.samples.count(R"(hondana_sign_in_failures_total{reason="invalid-credentials"})"), 0u)
        << "sign-ins and password changes are counted apart";
}
