#include "hondana/store/user_store.h"

#include <fstream>

#include <gtest/gtest.h>

#include "hondana/platform/files.h"
#include "store_fixture.h"

using namespace hondana;
using namespace hondana::store;
using hondana::test::fast_kdf;

namespace {

constexpr const char* password = "Correct-Horse-7";

std::unique_ptr<UserStore> online(test::StoreFixture& f, const char* pw = password)
{
    auto opened = UserStore::open_online(f.paths, *f.key_store, *f.device, "alice", pw, fast_kdf);
    EXPECT_TRUE(opened) << opened.error().message;
    return opened ? std::move(*opened) : nullptr;
}

std::string file_text(const std::filesystem::path& path)
{
    std::ifstream file(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(file), {});
}

}

TEST(UserStore, online_sign_in_creates_an_encrypted_store_that_opens_offline)
{
    test::StoreFixture f;
    {
        auto store = online(f);
        ASSERT_TRUE(store);
        ASSERT_TRUE(store->set_setting("theme", "sepia"));
    }
    auto offline = UserStore::open_offline(f.paths, *f.key_store, *f.device, "alice", password, 5);
    ASSERT_TRUE(offline) << offline.error().message;
    EXPECT_EQ((*offline)->mode(), SignInMode::Offline);
    EXPECT_EQ(*(*offline)->setting("theme").value(), "sepia");
}

TEST(UserStore, database_file_is_not_plain_sqlite_and_hides_its_records)
{
    test::StoreFixture f;
    auto store = online(f);
    ASSERT_TRUE(store->set_setting("note", "Hondana canary: the quick brown fox reads in Kyoto."));
    auto db = file_text(store->dir() / "store.db") + file_text(store->dir() / "store.db-wal");
    EXPECT_EQ(db.find("SQLite format 3"), std::string::npos);
    EXPECT_EQ(db.find("quick brown fox"), std::string::npos);
    EXPECT_EQ(*platform::file_mode(store->dir() / "store.key"), 0600u);
}

TEST(UserStore, wrong_offline_passwords_count_down_then_lock_until_online_sign_in)
{
    test::StoreFixture f;
    online(f);
    auto first = UserStore::open_offline(f.paths, *f.key_store, *f.device, "alice", "wrong", 3);
    ASSERT_FALSE(first);
    EXPECT_EQ(first.error().kind, ErrorKind::WrongPassword);
    EXPECT_NE(first.error().message.find("2 offline attempts left"), std::string::npos) << first.error().message;
    EXPECT_EQ(UserStore::open_offline(f.paths, *f.key_store, *f.device, "alice", "wrong", 3).error().kind,
        ErrorKind::WrongPassword);
    EXPECT_EQ(UserStore::open_offline(f.paths, *f.key_store, *f.device, "alice", "wrong", 3).error().kind,
        ErrorKind::OfflineSignInLocked);
    // Even the right password is refused now.
    EXPECT_EQ(UserStore::open_offline(f.paths, *f.key_store, *f.device, "alice", password, 3).error().kind,
        ErrorKind::OfflineSignInLocked);
    online(f);
    EXPECT_TRUE(UserStore::open_offline(f.paths, *f.key_store, *f.device, "alice", password, 3));
}

TEST(UserStore, right_password_on_another_device_does_not_open_the_store)
{
    test::StoreFixture f;
    online(f);
    // Same files, but the device key replaced (a copied store on another tablet).
    ASSERT_TRUE(f.key_store->destroy());
    ASSERT_TRUE(f.key_store->create_device_key());
    auto offline = UserStore::open_offline(f.paths, *f.key_store, *f.device, "alice", password, 5);
    ASSERT_FALSE(offline);
    EXPECT_EQ(offline.error().kind, ErrorKind::WrongPassword);
}

TEST(UserStore, no_store_means_sign_in_online_first)
{
    test::StoreFixture f;
    auto offline = UserStore::open_offline(f.paths, *f.key_store, *f.device, "bob", password, 5);
    ASSERT_FALSE(offline);
    EXPECT_EQ(offline.error().kind, ErrorKind::NoLocalStore);
}

TEST(UserStore, password_changed_elsewhere_replaces_the_store_at_online_sign_in)
{
    test::StoreFixture f;
    {
        auto store = online(f);
        ASSERT_TRUE(store->set_setting("theme", "night"));
    }
    auto store = online(f, "Another-Pass-9");
    ASSERT_TRUE(store);
    EXPECT_FALSE(store->setting("theme").value().has_value());
    EXPECT_TRUE(UserStore::open_offline(f.paths, *f.key_store, *f.device, "alice", "Another-Pass-9", 5));
}

TEST(UserStore, records_round_trip)
{
    test::StoreFixture f;
    auto store = online(f);
    auto now = base::now_utc();
    ASSERT_TRUE(store->save_profile({ "u1", "alice", "Alice", "student", "school-1", { "1-A", "club" } }));
    EXPECT_EQ(store->profile().value()->classes.size(), 2u);
    ASSERT_TRUE(store->save_session({ "access", now, "refresh", now }));
    EXPECT_EQ(store->session().value()->refresh_token, "refresh");
    ASSERT_TRUE(store->clear_session());
    EXPECT_FALSE(store->session().value().has_value());
    LoanRecord loan { "loan-1", "title-1", "Title", now, now + std::chrono::days(14), "active", "/l", "/c", 0 };
    ASSERT_TRUE(store->replace_loans({ loan }));
    EXPECT_EQ(store->loan_for_title("title-1").value()->id, "loan-1");
    ASSERT_TRUE(store->save_position({ "title-1", "page=12", now }));
    EXPECT_EQ(store->position("title-1").value()->locator, "page=12");
    auto bookmark = store->add_bookmark({ 0, "title-1", "page=3", "start", now });
    ASSERT_TRUE(bookmark);
    EXPECT_EQ(store->bookmarks("title-1").value().size(), 1u);
    ASSERT_TRUE(store->remove_bookmark(*bookmark));
    EXPECT_TRUE(store->bookmarks("title-1").value().empty());
    ASSERT_TRUE(store->add_annotation({ 0, "title-1", "page=4", "nice", now }));
    EXPECT_EQ(store->annotations("title-1").value().at(0).text, "nice");
    EXPECT_TRUE(store->integrity_check());
}

TEST(UserStore, positions_stay_pending_until_sent_and_take_only_newer_remote_ones)
{
    test::StoreFixture f;
    auto store = online(f);
    auto now = base::now_utc();
    ASSERT_TRUE(store->save_position({ "title-1", "mark:1;page:3", now }));
    ASSERT_TRUE(store->save_position({ "local:book", "mark:1;page:9", now, false }));
    auto pending = store->pending_positions();
    ASSERT_TRUE(pending);
    ASSERT_EQ(pending->size(), 1u);
    EXPECT_EQ(pending->front().title_id, "title-1");
    // A save after the one that was sent stays pending.
    ASSERT_TRUE(store->save_position({ "title-1", "mark:1;page:4", now }));
    ASSERT_TRUE(store->mark_position_sent(pending->front()));
    EXPECT_EQ(store->pending_positions().value().size(), 1u);
    ASSERT_TRUE(store->mark_position_sent({ "title-1", "mark:1;page:4", now }));
    EXPECT_TRUE(store->pending_positions().value().empty());
    EXPECT_FALSE(store->adopt_position_if_newer({ "title-1", "mark:1;page:1", now - std::chrono::minutes(1), false }).value());
    EXPECT_EQ(store->position("title-1").value()->locator, "mark:1;page:4");
    EXPECT_TRUE(store->adopt_position_if_newer({ "title-1", "mark:1;page:8", now + std::chrono::minutes(1), false }).value());
    auto adopted = store->position("title-1").value();
    EXPECT_EQ(adopted->locator, "mark:1;page:8");
    EXPECT_FALSE(adopted->pending);
    EXPECT_TRUE(store->adopt_position_if_newer({ "title-2", "mark:2;page:2", now, false }).value());
}

TEST(UserStore, erase_title_removes_licence_then_content)
{
    test::StoreFixture f;
    auto store = online(f);
    auto now = base::now_utc();
    auto path = store->content_path("title-1");
    std::ofstream(path) << "protected bytes";
    ASSERT_TRUE(store->save_licence({ "lic-1", "title-1", "{}", "active", now }));
    ASSERT_TRUE(store->save_content({ "title-1", path, 15, "00" }));
    ASSERT_TRUE(store->save_cover({ "title-1", "image/png", drm::Bytes(8, 1), now }));
    ASSERT_TRUE(store->erase_title("title-1"));
    EXPECT_FALSE(store->cover("title-1").value().has_value());
    EXPECT_FALSE(store->licence_for_title("title-1").value().has_value());
    EXPECT_FALSE(store->content("title-1").value().has_value());
    EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(UserStore, erase_removes_key_and_files)
{
    test::StoreFixture f;
    auto dir = online(f)->dir();
    ASSERT_TRUE(UserStore::erase(f.paths, "alice"));
    EXPECT_FALSE(std::filesystem::exists(dir));
    EXPECT_FALSE(UserStore::exists(f.paths, "alice"));
}

TEST(UserStore, covers_are_kept_in_the_encrypted_store_and_bounded_in_size)
{
    test::StoreFixture f;
    auto store = online(f);
    drm::Bytes svg { '<', 's', 'v', 'g', '/', '>' };
    EXPECT_FALSE(store->cover("title-1").value());
    ASSERT_TRUE(store->save_cover({ "title-1", "image/svg+xml", svg, base::now_utc() }));
    auto kept = store->cover("title-1").value();
    ASSERT_TRUE(kept);
    EXPECT_EQ(kept->media_type, "image/svg+xml");
    EXPECT_EQ(kept->image, svg);
    auto too_large = store->save_cover({ "title-2", "image/png", drm::Bytes(store::UserStore::max_cover_bytes + 1, 0), base::now_utc() });
    ASSERT_FALSE(too_large);
    EXPECT_EQ(too_large.error().kind, store::ErrorKind::InvalidArgument);
    EXPECT_FALSE(store->save_cover({ "title-3", "image/png", {}, base::now_utc() }));
}
