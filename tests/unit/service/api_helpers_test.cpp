#include "api/byte_range.h"
#include "api/problem.h"
#include "api/query.h"
#include "lending/policy.h"

#include <algorithm>

#include <gtest/gtest.h>

using namespace hondana;
using namespace hondana::api;

TEST(ByteRanges, parses_single_ranges_and_ignores_the_rest)
{
    auto range = [](std::string_view header) { return parse_range(header, 1000); };
    auto first = std::get<ByteRange>(range("bytes=0-99"));
    EXPECT_EQ(first.first, 0u);
    EXPECT_EQ(first.last, 99u);
    EXPECT_EQ(std::get<ByteRange>(range("bytes=900-")).length(), 100u);
    EXPECT_EQ(std::get<ByteRange>(range("bytes=-10")).first, 990u);
    EXPECT_EQ(std::get<ByteRange>(range("bytes=-5000")).first, 0u);
    EXPECT_EQ(std::get<ByteRange>(range("bytes=990-5000")).last, 999u);
    EXPECT_TRUE(std::holds_alternative<Unsatisfiable>(range("bytes=1000-")));
    EXPECT_TRUE(std::holds_alternative<Unsatisfiable>(range("bytes=-0")));
    for (auto ignored : { "bytes=0-1,5-6", "items=0-1", "bytes=5-1", "bytes=a-b", "bytes=", "" })
        EXPECT_TRUE(std::holds_alternative<WholeFile>(range(ignored))) << ignored;
}

TEST(ByteRanges, etag_matching_accepts_lists_weak_tags_and_star)
{
    EXPECT_TRUE(etag_matches("\"abc\"", "\"abc\""));
    EXPECT_TRUE(etag_matches("\"x\", W/\"abc\"", "\"abc\""));
    EXPECT_TRUE(etag_matches("*", "\"abc\""));
    EXPECT_FALSE(etag_matches("\"abcd\"", "\"abc\""));
}

TEST(RequestTargets, decode_path_and_query)
{
    auto target = parse_target("/v1/catalog?q=%E6%9C%AC+%E6%A3%9A&page=2&flag");
    ASSERT_TRUE(target);
    EXPECT_EQ(target->path, "/v1/catalog");
    EXPECT_EQ(target->param("q"), "本 棚");
    EXPECT_EQ(target->param("page"), "2");
    EXPECT_EQ(target->param("flag"), "");
    EXPECT_FALSE(target->param("missing"));
    EXPECT_FALSE(parse_target("/v1/x?q=%zz"));
    EXPECT_FALSE(parse_target("/v1/x?q=%4"));
    EXPECT_FALSE(parse_target("no-slash"));
}

TEST(ProblemTypes, every_lending_error_kind_has_a_problem_type)
{
    for (int kind = 0; kind <= static_cast<int>(lending::ErrorKind::Internal); ++kind) {
        auto type = problem_for(static_cast<lending::ErrorKind>(kind));
        EXPECT_FALSE(type.name.empty());
        EXPECT_GE(type.status, 400u);
    }
    EXPECT_EQ(problem_for(lending::ErrorKind::AccountLocked).status, 423u);
    EXPECT_EQ(problem_for(lending::ErrorKind::Busy).name, "rate-limited");
}

TEST(TenantPolicyValues, parse_set_and_refuse_out_of_range)
{
    auto policy = lending::parse_policy(nlohmann::json { { "lockout_threshold", 5 }, { "teacher_totp", true } });
    ASSERT_TRUE(policy);
    EXPECT_EQ(policy->lockout_threshold, 5);
    EXPECT_TRUE(policy->teacher_totp);
    EXPECT_EQ(policy->pbkdf2_iterations, 600000u);
    EXPECT_FALSE(lending::parse_policy(nlohmann::json { { "no_such_key", 1 } }));
    EXPECT_FALSE(lending::parse_policy(nlohmann::json { { "pbkdf2_iterations", 10 } }));
    EXPECT_FALSE(lending::set_policy_value(*policy, "lockout_threshold", "0"));
    EXPECT_FALSE(lending::set_policy_value(*policy, "lockout_threshold", "ten"));
    EXPECT_TRUE(lending::set_policy_value(*policy, "loan_days", "21"));
    EXPECT_EQ(lending::policy_to_json(*policy)["loan_days"], 21);
}

TEST(TenantPolicyValues, the_school_timetable_is_part_of_the_policy)
{
    auto policy
        = lending::parse_policy(nlohmann::json { { "school_hours", "08:15-16:45" }, { "utc_offset", "+09:00" } });
    ASSERT_TRUE(policy) << policy.error().message;
    EXPECT_EQ(policy->school.first_minute, 8 * 60 + 15);
    auto json = lending::policy_to_json(*policy);
    EXPECT_EQ(json["school_hours"], "08:15-16:45");
    EXPECT_EQ(json["school_days"], "mon-fri");
    EXPECT_EQ(json["closed_dates"], "none");
    ASSERT_TRUE(lending::set_policy_value(*policy, "closed_dates", "2026-12-26..2027-01-07"));
    auto again = lending::parse_policy(lending::policy_to_json(*policy));
    ASSERT_TRUE(again);
    EXPECT_EQ(again->school, policy->school) << "stored and read back unchanged";

    auto refused = lending::set_policy_value(*policy, "school_days", "weekends");
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("mon-fri"), std::string::npos) << refused.error().message;
    EXPECT_FALSE(lending::parse_policy(nlohmann::json { { "school_hours", 8 } })) << "text, not a number";
    EXPECT_FALSE(lending::parse_policy(nlohmann::json { { "school_hours", "16:00-08:00" } }));
    auto keys = lending::policy_keys();
    EXPECT_NE(std::find(keys.begin(), keys.end(), "closed_dates"), keys.end());
}
