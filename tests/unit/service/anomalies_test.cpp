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

    lending::SchoolHours weekend_school;
    ASSERT_TRUE(lending::parse_school_days("mon-sat", weekend_school));
    ASSERT_TRUE(lending::parse_school_hours("07:00-24:00", weekend_school));
    EXPECT_TRUE(find({ .hours = weekend_school }).empty()) << "a timetable given by the caller decides";
}

TEST_F(AuditAnomalies, each_tenant_is_judged_by_the_timetable_in_its_policy)
{
    add_tenant("town", "Test Town");
    sign_in_at("2026-11-17T09:30:00Z", "hanako"); // Tuesday 18:30 JST
    sign_in_at("2026-11-21T01:00:00Z", "taro");   // Saturday 10:00 JST
    sign_in_at("2026-11-24T01:00:00Z", "jiro");   // Tuesday 10:00 JST
    ASSERT_EQ(find().size(), 2u) << "the default timetable: 07:00-18:00, mon-fri";

    // The city's school day runs to 19:00, on Saturdays too, and closes for a school trip week.
    for (auto [key, value] : { std::pair { "school_hours", "07:30-19:00" }, { "school_days", "mon-sat" },
             { "closed_dates", "2026-11-23..2026-11-27" } })
        ASSERT_TRUE(m_service->directory().set_policy(admin, "city", key, value));
    auto found = find();
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].subject, "jiro");
    EXPECT_NE(found[0].detail.find("10:00 local time (tue, schools closed)"), std::string::npos) << found[0].detail;

    // Another tenant's policy changes nothing for the city's entries.
    ASSERT_TRUE(m_service->directory().set_policy(admin, "town", "school_days", "mon-fri"));
    ASSERT_TRUE(m_service->directory().set_policy(admin, "town", "closed_dates", "none"));
    EXPECT_EQ(find().size(), 1u);
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

TEST_F(AuditAnomalies, lockouts_from_password_changes_count_towards_a_burst)
{
    seed("2026-11-18T01:00:00Z", "auth.login", "user:a", "a", "locked");
    seed("2026-11-18T01:02:00Z", "auth.password_change", "user:b", "b", "locked");
    seed("2026-11-18T01:03:00Z", "auth.password_change", "user:c", "c", "denied"); // a wrong password, not a lock
    EXPECT_EQ(lending::count_anomalies(find())["lockout_burst"], 0);
    seed("2026-11-18T01:04:00Z", "auth.password_change", "user:c", "c", "locked");
    auto found = find();
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].kind, "lockout_burst");
    EXPECT_EQ(found[0].subject, "a,b,c");
}

TEST(SchoolHours, bad_timetables_are_refused_with_a_message_and_change_nothing)
{
    lending::SchoolHours hours;
    for (auto bad : { "2026-02-30", "2026-12-26..2026-12-01", "26-12-26", "2026-12-26,", "2026-1-02", "tomorrow" }) {
        auto parsed = lending::parse_closed_dates(bad, hours);
        ASSERT_FALSE(parsed) << bad;
        EXPECT_NE(parsed.error().message.find("YYYY-MM-DD"), std::string::npos) << parsed.error().message;
    }
    EXPECT_TRUE(hours.closed.empty());
    EXPECT_FALSE(lending::parse_school_hours("07:00-18:0x", hours));
    EXPECT_EQ(hours.last_minute, 18 * 60);
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

TEST(SchoolHours, the_text_forms_round_trip)
{
    lending::SchoolHours hours;
    EXPECT_EQ(lending::format_school_hours(hours), "07:00-18:00");
    EXPECT_EQ(lending::format_school_days(hours), "mon-fri");
    EXPECT_EQ(lending::format_utc_offset(hours), "+09:00");
    EXPECT_EQ(lending::format_closed_dates(hours), "none");
    ASSERT_TRUE(lending::parse_school_days("sun,tue-thu,sat", hours));
    ASSERT_TRUE(lending::parse_closed_dates("2027-02-11,2026-12-26..2027-01-07", hours));
    ASSERT_TRUE(lending::parse_utc_offset("-03:30", hours));
    EXPECT_EQ(lending::format_school_days(hours), "sun,tue-thu,sat");
    EXPECT_EQ(lending::format_closed_dates(hours), "2026-12-26..2027-01-07,2027-02-11") << "kept in date order";
    EXPECT_EQ(lending::format_utc_offset(hours), "-03:30");
    lending::SchoolHours again;
    ASSERT_TRUE(lending::parse_school_days(lending::format_school_days(hours), again));
    ASSERT_TRUE(lending::parse_closed_dates(lending::format_closed_dates(hours), again));
    ASSERT_TRUE(lending::parse_utc_offset(lending::format_utc_offset(hours), again));
    EXPECT_EQ(again, hours);
}

TEST(SchoolHours, closed_dates_are_local_dates)
{
    lending::SchoolHours hours;
    ASSERT_TRUE(lending::parse_closed_dates("2026-12-28", hours));
    EXPECT_TRUE(lending::within_school_hours(hours, *base::parse_rfc3339("2026-12-27T23:00:00Z")) == false)
        << "Monday 08:00 JST on 12-28 is closed";
    EXPECT_TRUE(lending::within_school_hours(hours, *base::parse_rfc3339("2026-12-29T00:00:00Z")))
        << "Tuesday 09:00 JST is open";
    EXPECT_TRUE(lending::within_school_hours(hours, *base::parse_rfc3339("2026-12-25T23:00:00Z")) == false)
        << "Saturday";
    EXPECT_TRUE(lending::within_school_hours(hours, *base::parse_rfc3339("2026-12-25T00:00:00Z")))
        << "Friday 09:00 JST";
}
