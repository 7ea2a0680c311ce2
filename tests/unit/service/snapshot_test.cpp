#include "storage/snapshot.h"

#include <atomic>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "storage/database.h"

namespace fs = std::filesystem;
using namespace hondana;

namespace {

class SnapshotTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        std::string pattern = (fs::temp_directory_path() / "hondana-snapshot-XXXXXX").string();
        m_dir = ::mkdtemp(pattern.data());
    }
    void TearDown() override { fs::remove_all(m_dir); }

    static drm::SecretBytes key(uint8_t fill)
    {
        drm::SecretBytes key(32);
        for (size_t i = 0; i < key.size(); ++i)
            key.data()[i] = static_cast<uint8_t>(fill ^ i);
        return key;
    }

    storage::Database open_source()
    {
        auto db = storage::Database::open(m_dir / "source.db", key(1).view());
        EXPECT_TRUE(db) << db.error().message;
        return std::move(*db);
    }

    fs::path m_dir;
};

}

TEST_F(SnapshotTest, snapshot_opens_only_with_its_own_key_and_keeps_schema_version_and_triggers)
{
    auto source = open_source();
    ASSERT_TRUE(source.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t (v) VALUES ('canary');"
                            "CREATE TRIGGER t_no_delete BEFORE DELETE ON t BEGIN SELECT RAISE(ABORT, 'no'); END;"
                            "PRAGMA user_version = 7;"));
    ASSERT_TRUE(storage::export_snapshot(source, m_dir / "copy.db", key(2).view()));

    EXPECT_FALSE(storage::Database::open(m_dir / "copy.db", key(1).view())) << "the source key must not open the copy";
    auto copy = storage::Database::open(m_dir / "copy.db", key(2).view());
    ASSERT_TRUE(copy) << copy.error().message;
    EXPECT_EQ(copy->query_integer("PRAGMA user_version").value_or(-1), 7);
    EXPECT_EQ(copy->query_text("SELECT v FROM t").value_or(""), "canary");
    EXPECT_FALSE(copy->exec("DELETE FROM t")) << "triggers come along";
    auto counts = storage::count_rows(*copy);
    ASSERT_TRUE(counts);
    EXPECT_EQ(counts->at("t"), 1);
    EXPECT_TRUE(storage::check_integrity(*copy));
}

TEST_F(SnapshotTest, refuses_to_overwrite_an_existing_file)
{
    auto source = open_source();
    ASSERT_TRUE(source.exec("CREATE TABLE t (id INTEGER PRIMARY KEY)"));
    ASSERT_TRUE(storage::export_snapshot(source, m_dir / "copy.db", key(2).view()));
    auto again = storage::export_snapshot(source, m_dir / "copy.db", key(3).view());
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().kind, storage::ErrorKind::Open);
}

TEST_F(SnapshotTest, snapshot_taken_while_another_connection_writes_is_one_instant_of_every_table)
{
    {
        auto source = open_source();
        // Each transaction adds one row to each table: sqlcipher_export copies
        // them in separate statements, so only one snapshot keeps them equal.
        ASSERT_TRUE(source.exec("CREATE TABLE left_side (pair INTEGER PRIMARY KEY);"
                                "CREATE TABLE right_side (pair INTEGER PRIMARY KEY);"));
    }
    std::atomic<bool> stop { false };
    std::atomic<int> committed { 0 };
    std::thread writer([&] {
        auto db = storage::Database::open(m_dir / "source.db", key(1).view());
        ASSERT_TRUE(db);
        for (int pair = 0; !stop; ++pair) {
            auto transaction = storage::Transaction::begin(*db);
            ASSERT_TRUE(transaction);
            auto left = db->prepare("INSERT INTO left_side (pair) VALUES (?1)");
            auto right = db->prepare("INSERT INTO right_side (pair) VALUES (?1)");
            ASSERT_TRUE(left && right);
            ASSERT_TRUE(left->bind(1, pair).run());
            ASSERT_TRUE(right->bind(1, pair).run());
            ASSERT_TRUE(transaction->commit());
            ++committed;
        }
    });
    while (committed < 50)
        std::this_thread::yield();
    auto source = open_source();
    for (int round = 0; round < 5; ++round) {
        auto path = m_dir / ("copy-" + std::to_string(round) + ".db");
        ASSERT_TRUE(storage::export_snapshot(source, path, key(2).view()));
        auto copy = storage::Database::open(path, key(2).view());
        ASSERT_TRUE(copy);
        auto left = copy->query_integer("SELECT count(*) FROM left_side").value_or(-1);
        EXPECT_GT(left, 0);
        EXPECT_EQ(left, copy->query_integer("SELECT count(*) FROM right_side").value_or(-2))
            << "every transaction is in the copy whole or not at all";
    }
    stop = true;
    writer.join();
    EXPECT_GT(committed.load(), 50);
}
