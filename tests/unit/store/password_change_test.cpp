// UserStore's re-wrap of the store key for a password change: the store
// opens with the old or the new password after a crash at any step, never
// with neither, and its data stays.

#include <csignal>
#include <fstream>

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "hondana/store/user_store.h"
#include "store_fixture.h"

using namespace hondana;
using namespace hondana::store;
using hondana::test::fast_kdf;

namespace {

constexpr const char* old_password = "Correct-Horse-7";
constexpr const char* new_password = "Battery-Staple-8!";

std::unique_ptr<UserStore> online(test::StoreFixture& f, const char* pw)
{
    auto opened = UserStore::open_online(f.paths, *f.key_store, *f.device, "alice", pw, fast_kdf);
    EXPECT_TRUE(opened) << opened.error().message;
    return opened ? std::move(*opened) : nullptr;
}

// Opens offline and reads back the setting the test wrote; "" when it does not open.
std::string offline_theme(test::StoreFixture& f, const char* pw)
{
    auto opened = UserStore::open_offline(f.paths, *f.key_store, *f.device, "alice", pw, 100);
    if (!opened)
        return "";
    auto theme = (*opened)->setting("theme");
    return theme && *theme ? **theme : "(none)";
}

enum class KillAfter { Prepare, Commit };

// Runs the change in a child process that kills itself (SIGKILL: no
// destructor, no flush) right after `step`.
void change_and_die(test::StoreFixture& f, KillAfter step)
{
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        auto store = UserStore::open_offline(f.paths, *f.key_store, *f.device, "alice", old_password, 100);
        if (!store || !(*store)->prepare_password_change(*f.key_store, new_password, fast_kdf))
            ::_exit(3);
        if (step == KillAfter::Commit && !(*store)->commit_password_change())
            ::_exit(4);
        ::raise(SIGKILL);
        ::_exit(5);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "the child failed before the kill: " << status;
}

class PasswordChangeStore : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto store = online(f, old_password);
        ASSERT_TRUE(store);
        ASSERT_TRUE(store->set_setting("theme", "sepia"));
        dir = store->dir();
    }

    test::StoreFixture f;
    std::filesystem::path dir;
};

}

TEST_F(PasswordChangeStore, a_committed_change_opens_only_with_the_new_password_and_keeps_the_data)
{
    {
        auto store = online(f, old_password);
        ASSERT_TRUE(store->prepare_password_change(*f.key_store, new_password, fast_kdf));
        ASSERT_TRUE(store->commit_password_change());
    }
    EXPECT_FALSE(std::filesystem::exists(dir / "store.key.next"));
    EXPECT_EQ(offline_theme(f, new_password), "sepia");
    auto old = UserStore::open_offline(f.paths, *f.key_store, *f.device, "alice", old_password, 100);
    ASSERT_FALSE(old);
    EXPECT_EQ(old.error().kind, ErrorKind::WrongPassword);
}

TEST_F(PasswordChangeStore, an_abandoned_change_keeps_only_the_old_password)
{
    {
        auto store = online(f, old_password);
        ASSERT_TRUE(store->prepare_password_change(*f.key_store, new_password, fast_kdf));
        ASSERT_TRUE(store->abandon_password_change());
        EXPECT_FALSE(store->commit_password_change()) << "nothing is left to commit";
    }
    EXPECT_EQ(offline_theme(f, old_password), "sepia");
    EXPECT_EQ(offline_theme(f, new_password), "");
}

TEST_F(PasswordChangeStore, killed_after_prepare_both_passwords_open_until_online_sign_in_settles_it)
{
    change_and_die(f, KillAfter::Prepare);
    EXPECT_EQ(offline_theme(f, old_password), "sepia");
    EXPECT_EQ(offline_theme(f, new_password), "sepia");
    // The service took the change (its answer was lost): the online sign-in
    // with the new password keeps the new wrap, with the data.
    {
        auto store = online(f, new_password);
        ASSERT_TRUE(store);
        EXPECT_EQ(*store->setting("theme").value(), "sepia");
    }
    EXPECT_FALSE(std::filesystem::exists(dir / "store.key.next"));
    EXPECT_EQ(offline_theme(f, old_password), "");
    EXPECT_EQ(offline_theme(f, new_password), "sepia");
}

TEST_F(PasswordChangeStore, killed_after_prepare_an_online_sign_in_with_the_old_password_drops_the_new_wrap)
{
    change_and_die(f, KillAfter::Prepare);
    {
        auto store = online(f, old_password); // the service never got the change
        ASSERT_TRUE(store);
        EXPECT_EQ(*store->setting("theme").value(), "sepia");
    }
    EXPECT_FALSE(std::filesystem::exists(dir / "store.key.next"));
    EXPECT_EQ(offline_theme(f, old_password), "sepia");
    EXPECT_EQ(offline_theme(f, new_password), "");
}

TEST_F(PasswordChangeStore, killed_after_commit_only_the_new_password_opens)
{
    change_and_die(f, KillAfter::Commit);
    EXPECT_EQ(offline_theme(f, new_password), "sepia");
    EXPECT_EQ(offline_theme(f, old_password), "");
}

TEST_F(PasswordChangeStore, a_torn_next_key_file_never_stops_the_old_password)
{
    // A crash inside write_file_atomic leaves at most a temporary file; even a
    // torn store.key.next (say, copied back from a broken backup) is only ignored.
    {
        std::ofstream torn(dir / "store.key.next", std::ios::binary);
        torn << R"({"version":1,"kdf":"pbkdf2-sha256","itera)";
    }
    EXPECT_EQ(offline_theme(f, old_password), "sepia");
    auto fresh = UserStore::open_offline(f.paths, *f.key_store, *f.device, "alice", new_password, 100);
    ASSERT_FALSE(fresh);
    EXPECT_EQ(fresh.error().kind, ErrorKind::WrongPassword);
}
