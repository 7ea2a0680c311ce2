// Remaining sign-in attempts, end to end through hondana-cli against the real
// lending service: shown for every refused password, and the same for an ID
// that does not exist as for one that does (AUTH-3: the answer never tells
// whether a login ID exists).

#include <regex>

#include "service_fixture.h"

using namespace hondana;
using test::contains;

namespace {

class SignInAttempts : public test::ReaderServiceTest { };

std::optional<int> attempts_left(const std::string& err)
{
    std::smatch match;
    static const std::regex number(R"(remaining_attempts=(\d+))");
    if (!std::regex_search(err, match, number))
        return std::nullopt;
    return std::stoi(match[1].str());
}

}

TEST_F(SignInAttempts, each_wrong_password_shows_one_attempt_fewer_and_an_unknown_id_counts_alike)
{
    auto pad = tablet(0);
    ASSERT_EQ(cli(pad, { "enrol" }).exit_code, 0);
    auto known = service().student(0).first;
    std::string unknown = "s99-99";
    std::vector<std::string> known_errors, unknown_errors;
    for (int i = 0; i < 3; ++i) {
        auto wrong = cli(pad, { "login", known }, "Not-The-Password-1\n");
        EXPECT_EQ(wrong.exit_code, 8) << wrong.err;
        known_errors.push_back(wrong.err);
        auto nobody = cli(pad, { "login", unknown }, "Not-The-Password-1\n");
        EXPECT_EQ(nobody.exit_code, 8) << nobody.err;
        unknown_errors.push_back(nobody.err);
    }
    auto first = attempts_left(known_errors[0]);
    ASSERT_TRUE(first) << known_errors[0];
    EXPECT_GT(*first, 2);
    for (size_t i = 0; i < known_errors.size(); ++i) {
        EXPECT_TRUE(contains(known_errors[i], "[sync.invalid_credentials]")) << known_errors[i];
        EXPECT_EQ(attempts_left(known_errors[i]), *first - static_cast<int>(i)) << known_errors[i];
        // Word for word the same answer, so nothing tells the two apart.
        EXPECT_EQ(known_errors[i], unknown_errors[i]);
    }
    // The right password resets the count; the next mistake starts again from the top.
    auto password = service().student(0).second;
    ASSERT_EQ(cli(pad, { "login", known }, password + "\n").exit_code, 0);
    auto again = cli(pad, { "login", known }, "Not-The-Password-1\n");
    EXPECT_EQ(attempts_left(again.err), first) << again.err;
}

TEST_F(SignInAttempts, the_last_attempt_locks_and_the_lock_says_so_without_a_count)
{
    auto pad = tablet(1);
    ASSERT_EQ(cli(pad, { "enrol" }).exit_code, 0);
    auto login = service().student(1).first;
    auto wrong = cli(pad, { "login", login }, "Not-The-Password-1\n");
    auto left = attempts_left(wrong.err);
    ASSERT_TRUE(left) << wrong.err;
    for (int i = 1; i < *left; ++i)
        EXPECT_EQ(attempts_left(cli(pad, { "login", login }, "Not-The-Password-1\n").err), *left - i);
    auto locked = cli(pad, { "login", login }, "Not-The-Password-1\n");
    EXPECT_EQ(locked.exit_code, 9) << locked.err;
    EXPECT_TRUE(contains(locked.err, "[sync.account_locked]")) << locked.err;
    EXPECT_FALSE(attempts_left(locked.err)) << locked.err;
}
