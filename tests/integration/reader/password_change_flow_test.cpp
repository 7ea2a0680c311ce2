// hondana-cli password against the real lending service: the change on one
// tablet, the local store re-wrapped there (its titles stay readable offline
// with the new password only), and another tablet of the same user, whose
// offline password is stale, signing in online with the new one.

#include <functional>
#include <random>

#include "hondana/drm/crypto.h"
#include "service_fixture.h"

using namespace hondana;
using test::contains;

namespace {

class PasswordChangeFlow : public test::ReaderServiceTest {
protected:
    const std::vector<std::string> offline { "unshare", "-n" };

    // Student 0 signed in on two tablets; `before_change` runs, then the first tablet changes the password.
    struct TwoTablets {
        test::Tablet first, second;
        std::string login, old_line, new_line;
    };
    TwoTablets two_tablets(const std::function<void(TwoTablets&)>& before_change);
};

constexpr const char* new_password = "Sakura-Blooms-77?";

// Whether a half-made password change (store.key.next) is left in a tablet's state.
bool next_key_left(const test::Tablet& pad)
{
    std::error_code error;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(pad.home, error))
        if (entry.path().filename() == "store.key.next")
            return true;
    return false;
}

std::string change_input(const std::string& current, const std::string& fresh, const std::string& again)
{
    return current + "\n" + fresh + "\n" + again + "\n";
}

}

PasswordChangeFlow::TwoTablets PasswordChangeFlow::two_tablets(const std::function<void(TwoTablets&)>& before_change)
{
    TwoTablets pads { tablet(0), tablet(1), service().student(0).first, {}, std::string(new_password) + "\n" };
    pads.old_line = enrol_and_sign_in(pads.first, 0);
    EXPECT_EQ(enrol_and_sign_in(pads.second, 0), pads.old_line);
    before_change(pads);
    auto old_password = pads.old_line.substr(0, pads.old_line.size() - 1);
    EXPECT_EQ(cli(pads.first, { "password" }, change_input(old_password, new_password, new_password)).exit_code, 0);
    return pads;
}

TEST_F(PasswordChangeFlow, the_store_is_rewrapped_and_opens_offline_with_the_new_password_only)
{
    auto pad = tablet(0);
    auto old_line = enrol_and_sign_in(pad, 0);
    auto old_password = old_line.substr(0, old_line.size() - 1);
    auto login = service().student(0).first;
    auto pdf = service().title("pdf");
    ASSERT_EQ(cli(pad, { "borrow", pdf }, old_line).exit_code, 0);
    ASSERT_EQ(cli(pad, { "download", pdf }, old_line).exit_code, 0);
    auto changed = cli(pad, { "password" }, change_input(old_password, new_password, new_password));
    ASSERT_EQ(changed.exit_code, 0) << changed.err;
    EXPECT_TRUE(contains(changed.out, "password changed for " + login)) << changed.out;
    EXPECT_FALSE(next_key_left(pad));
    std::string new_line = std::string(new_password) + "\n";
    // Online, this tablet carries on with the new tokens and the new password.
    EXPECT_EQ(cli(pad, { "loans" }, new_line).exit_code, 0);
    EXPECT_EQ(cli(pad, { "loans" }, old_line).exit_code, 8) << "the old password still opens the store";
    // Offline, the re-wrapped store opens with the new password, and the
    // downloaded title is still there (the store was not made anew).
    auto old_offline = cli(pad, { "login", login }, old_line, offline);
    EXPECT_EQ(old_offline.exit_code, 8) << old_offline.err;
    auto new_offline = cli(pad, { "login", login }, new_line, offline);
    ASSERT_EQ(new_offline.exit_code, 0) << new_offline.err;
    EXPECT_TRUE(contains(new_offline.out, "signed in offline")) << new_offline.out;
    auto opened = cli(pad, { "open", pdf }, new_line, offline);
    EXPECT_EQ(opened.exit_code, 0) << opened.err;
}

TEST_F(PasswordChangeFlow, another_tablet_with_a_stale_offline_password_signs_in_online_with_the_new_one)
{
    auto [first, second, login, old_line, new_line] = two_tablets([](TwoTablets&) {});
    // The second tablet was signed out by the change: its store still opens
    // with the old password, but the service no longer takes its tokens.
    auto stale = cli(second, { "loans" }, old_line);
    EXPECT_EQ(stale.exit_code, 10) << stale.err;
    EXPECT_TRUE(contains(stale.err, "[sync.token_invalid]")) << stale.err;
    EXPECT_EQ(cli(second, { "login", login }, old_line).exit_code, 8);
    auto fresh = cli(second, { "login", login }, new_line);
    ASSERT_EQ(fresh.exit_code, 0) << fresh.err;
    EXPECT_TRUE(contains(fresh.out, "signed in online")) << fresh.out;
    EXPECT_EQ(cli(second, { "loans" }, new_line).exit_code, 0);
    // From then on its local store is wrapped under the new password only.
    EXPECT_EQ(cli(second, { "login", login }, new_line, offline).exit_code, 0);
    EXPECT_EQ(cli(second, { "login", login }, old_line, offline).exit_code, 8);
}

TEST_F(PasswordChangeFlow, another_tablet_keeps_its_titles_when_given_the_previous_password)
{
    auto pdf = service().title("pdf");
    auto [first, second, login, old_line, new_line] = two_tablets([&](TwoTablets& pads) {
        ASSERT_EQ(cli(pads.second, { "borrow", pdf }, pads.old_line).exit_code, 0);
        ASSERT_EQ(cli(pads.second, { "download", pdf }, pads.old_line).exit_code, 0);
    });
    // A wrong previous password erases nothing; the right one keeps the store, re-wrapped.
    auto mistyped = cli(second, { "login", login, "--keep-data" }, new_line + "Not-The-Old-One-1!\n");
    EXPECT_EQ(mistyped.exit_code, 8) << mistyped.err;
    EXPECT_TRUE(contains(mistyped.err, "nothing was erased")) << mistyped.err;
    auto kept = cli(second, { "login", login, "--keep-data" }, new_line + old_line);
    ASSERT_EQ(kept.exit_code, 0) << kept.err;
    EXPECT_FALSE(next_key_left(second));
    // The downloaded title is still here, and offline only the new password opens it.
    EXPECT_EQ(cli(second, { "open", pdf }, new_line, offline).exit_code, 0);
    EXPECT_EQ(cli(second, { "login", login }, old_line, offline).exit_code, 8);
}

TEST_F(PasswordChangeFlow, a_weak_or_mistyped_new_password_changes_nothing)
{
    auto pad = tablet(0);
    auto old_line = enrol_and_sign_in(pad, 0);
    auto old_password = old_line.substr(0, old_line.size() - 1);
    auto weak = cli(pad, { "password" }, change_input(old_password, "NoSymbols12345", "NoSymbols12345"));
    EXPECT_EQ(weak.exit_code, 17) << weak.err;
    EXPECT_TRUE(contains(weak.err, "[sync.weak_password]")) << weak.err;
    EXPECT_TRUE(contains(weak.err, "\"symbol\"")) << weak.err;
    auto mistyped = cli(pad, { "passwd" }, change_input(old_password, new_password, "Sakura-Blooms-78?"));
    EXPECT_EQ(mistyped.exit_code, 2) << mistyped.err;
    auto wrong = cli(pad, { "password" }, change_input("Wrong-Password-9!", new_password, new_password));
    EXPECT_EQ(wrong.exit_code, 8) << wrong.err;
    // The old password still works online and offline; no half-made key file is left.
    auto login = service().student(0).first;
    EXPECT_FALSE(next_key_left(pad));
    EXPECT_EQ(cli(pad, { "loans" }, old_line).exit_code, 0);
    EXPECT_EQ(cli(pad, { "login", login }, old_line, offline).exit_code, 0);
}

TEST_F(PasswordChangeFlow, killed_at_random_points_the_store_opens_with_the_password_the_service_has)
{
    auto pad = tablet(0);
    auto first_line = enrol_and_sign_in(pad, 0);
    auto login = service().student(0).first;
    auto pdf = service().title("pdf");
    ASSERT_EQ(cli(pad, { "borrow", pdf }, first_line).exit_code, 0);
    ASSERT_EQ(cli(pad, { "download", pdf }, first_line).exit_code, 0);
    std::array<std::string, 2> passwords { first_line.substr(0, first_line.size() - 1), new_password };
    size_t current = 0; // which of the two the service has
    uint32_t seed = 0;
    ASSERT_TRUE(drm::random_bytes({ reinterpret_cast<uint8_t*>(&seed), sizeof seed }));
    std::cout << "random seed " << seed << "\n";
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> delay(0, 3000);
    constexpr int rounds = 8;
    for (int round = 0; round < rounds; ++round) {
        const auto& from = passwords[current];
        const auto& to = passwords[1 - current];
        test::run_and_kill(pad, { "password" }, change_input(from, to, to), std::chrono::milliseconds(delay(rng)));
        // Offline, one of the two always opens the store (never neither).
        auto old_offline = cli(pad, { "login", login }, from + "\n", offline);
        if (old_offline.exit_code != 0) {
            auto new_offline = cli(pad, { "login", login }, to + "\n", offline);
            ASSERT_EQ(new_offline.exit_code, 0) << "round " << round << ": neither password opens the store\n"
                                                << old_offline.err << new_offline.err;
        }
        // Online, the service has one of them; signing in with it settles the
        // store, which keeps its downloaded title.
        auto online = cli(pad, { "login", login }, from + "\n");
        if (online.exit_code != 0) {
            ASSERT_EQ(online.exit_code, 8) << "round " << round << ": " << online.err;
            current = 1 - current;
            online = cli(pad, { "login", login }, passwords[current] + "\n");
        }
        ASSERT_EQ(online.exit_code, 0) << "round " << round << ": " << online.err;
        std::cout << "round " << round << ": the service has password " << current << "\n";
        ASSERT_FALSE(next_key_left(pad)) << "round " << round << ": the online sign-in did not settle the store";
        auto opened = cli(pad, { "open", pdf }, passwords[current] + "\n");
        ASSERT_EQ(opened.exit_code, 0) << "round " << round << ": " << opened.err;
        auto other = cli(pad, { "login", login }, passwords[1 - current] + "\n", offline);
        EXPECT_NE(other.exit_code, 0) << "round " << round << ": the password the service does not have still opens";
        ASSERT_EQ(cli(pad, { "login", login }, passwords[current] + "\n").exit_code, 0); // resets the offline count
    }
}
