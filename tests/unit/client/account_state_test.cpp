// What the password screen takes from a refused change: the result shown and
// the rules the service named.

#include <gtest/gtest.h>

#include "core/account_state.h"

using namespace hondana;
using namespace hondana::client;

TEST(PasswordChangeResult, the_rules_the_service_named_are_read_from_the_problem_members)
{
    EXPECT_EQ(rules_in("[sync.weak_password] POST /v1/me/password: weak-password (400): Password does not meet the "
                       "rule — password rejected: no symbol rules=[\"symbol\",\"login-id\"] min_length=10"),
        (std::vector<std::string> { "symbol", "login-id" }));
    EXPECT_TRUE(rules_in("[sync.invalid_credentials] wrong remaining_attempts=3").empty());
    EXPECT_TRUE(rules_in("rules=[\"symbol\"").empty()) << "an unterminated list is not a list";
    EXPECT_TRUE(rules_in("rules=[1,2] x]").empty());
}

TEST(PasswordChangeResult, the_tenants_minimum_length_is_read_when_the_service_says_it)
{
    EXPECT_EQ(min_length_in("weak-password (400) rules=[\"min-length\"] min_length=14"), 14);
    EXPECT_FALSE(min_length_in("weak-password (400) rules=[\"symbol\"]"));
    EXPECT_FALSE(min_length_in("min_length=x"));
    EXPECT_FALSE(min_length_in("min_length=0"));
}

TEST(PasswordChangeResult, each_refusal_has_its_own_result)
{
    auto result = [](reader::ErrorKind kind) { return password_result_for(reader::Error { kind, "" }); };
    EXPECT_EQ(result(reader::ErrorKind::AuthFailed), "wrong_current");
    EXPECT_EQ(result(reader::ErrorKind::Locked), "locked");
    EXPECT_EQ(result(reader::ErrorKind::PasswordRejected), "weak");
    EXPECT_EQ(result(reader::ErrorKind::NetworkUntrusted), "offline");
    EXPECT_EQ(result(reader::ErrorKind::NotSignedIn), "signed_out");
    EXPECT_EQ(result(reader::ErrorKind::Store), "failed");
}

TEST(PasswordChangeResult, the_queried_state_names_result_rules_and_attempts)
{
    PasswordChangeState account;
    nlohmann::json out = nlohmann::json::object();
    add_account_json(account, out);
    EXPECT_EQ(out["password_change"], "none");
    EXPECT_EQ(out["password_rules"], "none");
    EXPECT_EQ(out["password_remaining_attempts"], -1);
    account.result = "weak";
    account.rules = { "upper", "symbol" };
    account.remaining_attempts = 4;
    add_account_json(account, out);
    EXPECT_EQ(out["password_change"], "weak");
    EXPECT_EQ(out["password_rules"], "upper,symbol");
    EXPECT_EQ(out["password_remaining_attempts"], 4);
}
