#include "lending/password.h"

#include <gtest/gtest.h>

using namespace hondana;
using namespace hondana::lending;

namespace {

struct RuleCase {
    const char* name;
    const char* password;
    bool accepted;
    const char* why;
};

class PasswordRuleTable : public ::testing::TestWithParam<RuleCase> { };

}

TEST_P(PasswordRuleTable, enforces_default_rule)
{
    auto rule = GetParam();
    auto violations = password_rule_violations(rule.password, "taro.yamada", TenantPolicy {});
    EXPECT_EQ(violations.empty(), rule.accepted) << rule.password << ": " << rule.why;
}

INSTANTIATE_TEST_SUITE_P(PasswordRule, PasswordRuleTable,
    ::testing::Values(RuleCase { "strong", "Kyoto-Reads-2026!", true, "all four classes, 17 characters" },
        RuleCase { "ten_characters", "Ab1!Ab1!Ab", true, "exactly 10 characters with all classes" },
        RuleCase { "nine_characters", "Ab1!Ab1!A", false, "9 characters" },
        RuleCase { "no_upper", "kyoto-reads-2026!", false, "no upper case" },
        RuleCase { "no_lower", "KYOTO-READS-2026!", false, "no lower case" },
        RuleCase { "no_digit", "Kyoto-Reads-Now!", false, "no digit" },
        RuleCase { "no_symbol", "KyotoReads2026", false, "no symbol" }, RuleCase { "empty", "", false, "empty" },
        RuleCase { "common", "Password123!", false, "a common password" },
        RuleCase { "common_substituted", "P@ssw0rd1234", false, "a common password with substitutions" },
        RuleCase { "contains_login", "Taro.Yamada-2026!", false, "contains the login ID" },
        RuleCase { "japanese_letters", "本棚で読書Ab1!xyz", true, "Japanese letters count as characters" }),
    [](const ::testing::TestParamInfo<RuleCase>& rule) { return std::string(rule.param.name); });

TEST(PasswordRule, tenant_may_raise_but_never_lower_minimum_length)
{
    TenantPolicy strict;
    strict.password_min_length = 14;
    EXPECT_FALSE(password_rule_violations("Kyoto-Reads1!", "x", strict).empty());
    EXPECT_TRUE(password_rule_violations("Kyoto-Reads-2026!", "x", strict).empty());
    auto lowered = parse_policy(nlohmann::json { { "password_min_length", 6 } });
    ASSERT_FALSE(lowered);
    EXPECT_EQ(lowered.error().kind, ErrorKind::InvalidArgument);
}

TEST(PasswordRule, check_reports_every_reason)
{
    auto checked = check_password_rule("short", "someone", TenantPolicy {});
    ASSERT_FALSE(checked);
    EXPECT_EQ(checked.error().kind, ErrorKind::WeakPassword);
    EXPECT_GE(checked.error().details["reasons"].size(), 3u);
}

TEST(PasswordHash, default_cost_is_600000_iterations_and_self_describing)
{
    auto hash = hash_password("Kyoto-Reads-2026!", TenantPolicy {}.pbkdf2_iterations);
    ASSERT_TRUE(hash);
    EXPECT_EQ(hash->rfind("pbkdf2-sha256$600000$", 0), 0u) << *hash;
    auto parsed = parse_password_hash(*hash);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->iterations, 600000u);
    EXPECT_EQ(parsed->salt.size(), 16u);
    EXPECT_EQ(parsed->hash.size(), 32u);
    EXPECT_TRUE(*verify_password("Kyoto-Reads-2026!", *hash));
}

TEST(PasswordHash, verifies_right_password_and_rejects_wrong_one)
{
    auto hash = hash_password("Kyoto-Reads-2026!", 1000);
    ASSERT_TRUE(hash);
    EXPECT_TRUE(*verify_password("Kyoto-Reads-2026!", *hash));
    EXPECT_FALSE(*verify_password("Kyoto-Reads-2026?", *hash));
}

TEST(PasswordHash, same_password_gets_different_salts)
{
    auto a = hash_password("Kyoto-Reads-2026!", 1000);
    auto b = hash_password("Kyoto-Reads-2026!", 1000);
    ASSERT_TRUE(a && b);
    EXPECT_NE(*a, *b);
}

TEST(PasswordHash, needs_rehash_when_policy_raises_cost)
{
    auto hash = hash_password("Kyoto-Reads-2026!", 1000);
    ASSERT_TRUE(hash);
    EXPECT_FALSE(password_needs_rehash(*hash, 1000));
    EXPECT_TRUE(password_needs_rehash(*hash, 600000));
}

TEST(PasswordHash, dummy_hash_matches_no_password)
{
    auto dummy = dummy_password_hash(1000);
    EXPECT_FALSE(*verify_password("", dummy));
    EXPECT_FALSE(*verify_password("Kyoto-Reads-2026!", dummy));
    EXPECT_EQ(parse_password_hash(dummy)->iterations, 1000u);
}

TEST(PasswordHash, malformed_stored_hash_is_an_error_not_a_match)
{
    for (auto stored : { "", "plain", "pbkdf2-sha256$0$AAAA$AAAA", "pbkdf2-sha256$1000$!!$AAAA", "md5$1$a$b",
             "pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA==$AAAA$extra" })
        EXPECT_FALSE(verify_password("x", stored)) << stored;
}

TEST(PasswordGenerator, generated_passwords_meet_the_rule)
{
    for (int i = 0; i < 50; ++i) {
        auto password = generate_password();
        ASSERT_TRUE(password);
        EXPECT_TRUE(password_rule_violations(*password, "someone", TenantPolicy {}).empty()) << *password;
    }
}

TEST(PasswordRule, each_failure_names_its_stable_rule_code)
{
    auto codes = [](std::string_view password) {
        std::vector<std::string> rules;
        for (const auto& failure : password_rule_failures(password, "taro", TenantPolicy {}))
            rules.emplace_back(failure.rule);
        return rules;
    };
    EXPECT_EQ(codes("short"), (std::vector<std::string> { "min-length", "upper", "digit", "symbol" }));
    EXPECT_EQ(codes("Taro-Reads-2026!"), (std::vector<std::string> { "login-id" }));
    EXPECT_EQ(codes("Password123!"), (std::vector<std::string> { "common" }));
    EXPECT_TRUE(codes("Kyoto-Reads-2026!").empty());
    auto error = weak_password_error(password_rule_failures("short", "taro", TenantPolicy {}), TenantPolicy {});
    EXPECT_EQ(error.kind, ErrorKind::WeakPassword);
    EXPECT_EQ(error.details["rules"].size(), error.details["reasons"].size());
    EXPECT_EQ(error.details["min_length"], 10);
}
