#include "lending/anomalies.h"

#include "lending/audit.h"
#include "lending_fixture.h"

using namespace hondana;
using namespace hondana::test;

namespace {

class AuditAnomalies : public LendingFixture {
protected:
    // Appends an entry at `utc` (RFC 3339).
    void seed(const std::string& utc, const std::string& action, const std::string& actor, const std::string& target,
        const std::string& outcome, const std::string& device = "tab-1")
    {
        auto time = base::parse_rfc3339(utc);
        ASSERT_TRUE(time) << utc;
        auto appended = m_service->store().write([&](storage::Database& db) -> lending::Result<void> {
            lending::AuditEntry entry { .tenant = "city",
                .actor = actor,
                .device = device,
                .action = action,
                .target = target,
                .outcome = outcome };
            return lending::append_audit(db, *time, entry).map([](const auto&) {});
        });
        ASSERT_TRUE(appended) << appended.error().message;
    }
    void sign_in_at(const std::string& utc, const std::string& login, const std::string& device = "tab-1")
    {
        seed(utc, "auth.login", "user:" + login, login, "ok", device);
    }

    std::vector<lending::Anomaly> find(const lending::AnomalyRules& rules = {})
    {
        auto found = m_service->store().read([&](storage::Database& db) {
            return lending::find_anomalies(
                db, rules, *base::parse_rfc3339("2026-11-01T00:00:00Z"), *base::parse_rfc3339("2026-12-01T00:00:00Z"));
        });
        EXPECT_TRUE(found) << found.error().message;
        return found ? *found : std::vector<lending::Anomaly> {};
    }
};

}

TEST_F(AuditAnomalies, sign_ins_outside_school_hours_in_local_time)
{
    sign_in_at("2026-11-17T01:00:00Z", "hanako");                              // Tuesday 10:00 JST: a school day
    sign_in_at("2026-11-16T22:30:00Z", "hanako");                              // Tuesday 07:30 JST: inside
    sign_in_at("2026-11-17T14:30:00Z", "hanako");                              // Tuesday 23:30 JST
    sign_in_at("2026-11-21T01:00:00Z", "taro");                                // Saturday 10:00 JST
    seed("2026-11-17T14:40:00Z", "auth.login", "user:jiro", "jiro", "denied"); // a refusal is not a sign-in
    auto found = find();
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0].kind, "off_hours_sign_in");
    EXPECT_EQ(found[0].subject, "hanako");
    EXPECT_NE(found[0].detail.find("23:30"), std::string::npos) << found[0].detail;
    EXPECT_NE(found[1].detail.find("sat"), std::string::npos) << found[1].detail;

    lending::AnomalyRules weekend_school;
    ASSERT_TRUE(lending::parse_school_days("mon-sat", weekend_school.hours));
    ASSERT_TRUE(lending::parse_school_hours("07:00-24:00", weekend_school.hours));
    EXPECT_TRUE(find(weekend_school).empty()) << "the timetable decides";
}

TEST_F(AuditAnomalies, lockout_bursts_many_devices_and_licence_rates)
{
    for (auto [time, login] : { std::pair { "2026-11-18T01:00:00Z", "a" }, { "2026-11-18T01:03:00Z", "b" },
             { "2026-11-18T01:05:00Z", "c" }, { "2026-11-18T01:06:00Z", "d" },   // one burst, reported once
             { "2026-11-19T01:00:00Z", "e" }, { "2026-11-19T01:30:00Z", "f" } }) // too far apart
        seed(time, "auth.login", std::string("user:") + login, login, "locked");
    sign_in_at("2026-11-18T02:00:00Z", "yuki", "tab-1");
    sign_in_at("2026-11-18T02:10:00Z", "yuki", "tab-2");
    sign_in_at("2026-11-18T02:10:30Z", "yuki", "tab-2");
    sign_in_at("2026-11-18T03:00:00Z", "yuki", "tab-3"); // the third device
    sign_in_at("2026-11-18T04:00:00Z", "yuki", "tab-4"); // same window: not again
    for (int i = 0; i < 21; ++i)
        seed("2026-11-18T05:" + std::string(i < 10 ? "0" : "") + std::to_string(i) + ":00Z", "licence.issue",
            "user:greedy", "licence-" + std::to_string(i), "ok");
    for (int i = 0; i < 20; ++i)
        seed("2026-11-18T05:" + std::to_string(20 + i) + ":00Z", "licence.issue", "user:busy",
            "licence-b" + std::to_string(i), "ok");
    auto counts = lending::count_anomalies(find());
    EXPECT_EQ(counts["lockout_burst"], 1);
    EXPECT_EQ(counts["account_many_devices"], 1);
    EXPECT_EQ(counts["licence_rate"], 1) << "21 in an hour is over 20; 20 is not";
    EXPECT_EQ(counts["off_hours_sign_in"], 0);
    for (const auto& anomaly : find()) {
        if (anomaly.kind == "licence_rate") {
            EXPECT_EQ(anomaly.subject, "user:greedy");
        }
    }
}

TEST(SchoolHours, bad_timetables_are_refused_with_a_message)
{
    lending::SchoolHours hours;
    EXPECT_FALSE(lending::parse_school_hours("18:00-07:00", hours));
    EXPECT_FALSE(lending::parse_school_hours("7-18", hours));
    EXPECT_FALSE(lending::parse_school_days("fri-mon", hours));
    EXPECT_FALSE(lending::parse_school_days("someday", hours));
    EXPECT_FALSE(lending::parse_utc_offset("+9", hours));
    ASSERT_TRUE(lending::parse_utc_offset("-05:30", hours));
    EXPECT_EQ(hours.utc_offset_minutes, -330);
    ASSERT_TRUE(lending::parse_school_days("mon,wed,fri", hours));
    EXPECT_TRUE(hours.days[1] && !hours.days[2] && hours.days[3] && hours.days[5]);
}
