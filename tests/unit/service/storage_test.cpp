#include "storage/database.h"
#include "storage/key_file.h"
#include "storage/migrations.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace fs = std::filesystem;
using namespace hondana;

namespace {

class TempDir {
public:
    TempDir()
    {
        auto base = fs::temp_directory_path() / "hondana-storage-XXXXXX";
        std::string pattern = base.string();
        m_path = ::mkdtemp(pattern.data());
    }
    ~TempDir() { fs::remove_all(m_path); }
    [[nodiscard]] const fs::path& path() const { return m_path; }

private:
    fs::path m_path;
};

drm::SecretBytes test_key(uint8_t fill)
{
    drm::SecretBytes key(32);
    for (size_t i = 0; i < key.size(); ++i)
        key.data()[i] = static_cast<uint8_t>(fill + i);
    return key;
}

}

TEST(ServiceStorage, database_is_sqlcipher_and_encrypted_at_rest)
{
    TempDir dir;
    auto path = dir.path() / "db.sqlite";
    {
        auto db = storage::Database::open(path, test_key(1).view());
        ASSERT_TRUE(db) << db.error().message;
        EXPECT_FALSE(db->query_text("PRAGMA cipher_version")->empty());
        ASSERT_TRUE(db->exec("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('plain-text-canary-123')"));
    }
    std::ifstream in(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ifstream wal(path.string() + "-wal", std::ios::binary);
    bytes.append((std::istreambuf_iterator<char>(wal)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find("plain-text-canary-123"), std::string::npos);
    EXPECT_EQ(bytes.find("SQLite format 3"), std::string::npos);
}

TEST(ServiceStorage, wrong_key_is_refused_with_wrong_key_error)
{
    TempDir dir;
    auto path = dir.path() / "db.sqlite";
    {
        auto db = storage::Database::open(path, test_key(1).view());
        ASSERT_TRUE(db);
        ASSERT_TRUE(db->exec("CREATE TABLE t (v)"));
    }
    auto db = storage::Database::open(path, test_key(2).view());
    ASSERT_FALSE(db);
    EXPECT_EQ(db.error().kind, storage::ErrorKind::WrongKey);
}

TEST(ServiceStorage, migrations_reach_latest_version_and_are_idempotent)
{
    TempDir dir;
    auto db = storage::Database::open(dir.path() / "db.sqlite", test_key(3).view());
    ASSERT_TRUE(db);
    const auto& migrations = storage::lending_migrations();
    auto first = storage::migrate(*db, migrations);
    ASSERT_TRUE(first) << first.error().message;
    EXPECT_EQ(*first, storage::latest_version(migrations));
    auto second = storage::migrate(*db, migrations);
    ASSERT_TRUE(second);
    EXPECT_EQ(*second, *first);
    EXPECT_EQ(*db->query_text("PRAGMA journal_mode"), "wal");
}

TEST(ServiceStorage, refuses_database_newer_than_build)
{
    TempDir dir;
    auto db = storage::Database::open(dir.path() / "db.sqlite", test_key(3).view());
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->exec("PRAGMA user_version = 999"));
    auto migrated = storage::migrate(*db, storage::lending_migrations());
    ASSERT_FALSE(migrated);
    EXPECT_EQ(migrated.error().kind, storage::ErrorKind::Migration);
}

TEST(ServiceStorage, failed_migration_leaves_previous_version)
{
    TempDir dir;
    auto db = storage::Database::open(dir.path() / "db.sqlite", test_key(4).view());
    ASSERT_TRUE(db);
    std::vector<storage::Migration> migrations = {
        { 1, "good", "CREATE TABLE a (x)" },
        { 2, "bad", "CREATE TABLE b (x); THIS IS NOT SQL" },
    };
    auto migrated = storage::migrate(*db, migrations);
    ASSERT_FALSE(migrated);
    EXPECT_EQ(*db->query_integer("PRAGMA user_version"), 1);
    EXPECT_EQ(*db->query_integer("SELECT count(*) FROM sqlite_master WHERE name = 'b'"), 0);
}

TEST(ServiceStorage, transaction_rolls_back_unless_committed)
{
    TempDir dir;
    auto db = storage::Database::open(dir.path() / "db.sqlite", test_key(5).view());
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->exec("CREATE TABLE t (v INTEGER)"));
    {
        auto tx = storage::Transaction::begin(*db);
        ASSERT_TRUE(tx);
        ASSERT_TRUE(db->exec("INSERT INTO t VALUES (1)"));
    }
    EXPECT_EQ(*db->query_integer("SELECT count(*) FROM t"), 0);
    {
        auto tx = storage::Transaction::begin(*db);
        ASSERT_TRUE(tx);
        ASSERT_TRUE(db->exec("INSERT INTO t VALUES (2)"));
        ASSERT_TRUE(tx->commit());
    }
    EXPECT_EQ(*db->query_integer("SELECT count(*) FROM t"), 1);
}

TEST(ServiceStorage, constraint_violation_reports_constraint_kind)
{
    TempDir dir;
    auto db = storage::Database::open(dir.path() / "db.sqlite", test_key(6).view());
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->exec("CREATE TABLE t (v INTEGER UNIQUE); INSERT INTO t VALUES (1)"));
    auto statement = db->prepare("INSERT INTO t VALUES (?)");
    ASSERT_TRUE(statement);
    auto ran = statement->bind(1, 1).run();
    ASSERT_FALSE(ran);
    EXPECT_EQ(ran.error().kind, storage::ErrorKind::Constraint);
}

TEST(ServiceStorage, audit_log_rows_cannot_be_updated_or_deleted)
{
    TempDir dir;
    auto db = storage::Database::open(dir.path() / "db.sqlite", test_key(7).view());
    ASSERT_TRUE(db);
    ASSERT_TRUE(storage::migrate(*db, storage::lending_migrations()));
    ASSERT_TRUE(db->exec("INSERT INTO audit_log (seq, time, actor, action, outcome, prev_hash, hash) "
                         "VALUES (1, '2026-01-01T00:00:00Z', 'a', 'b', 'ok', '', 'h')"));
    EXPECT_FALSE(db->exec("UPDATE audit_log SET actor = 'x'"));
    EXPECT_FALSE(db->exec("DELETE FROM audit_log"));
    EXPECT_EQ(*db->query_integer("SELECT count(*) FROM audit_log WHERE actor = 'a'"), 1);
}

TEST(ServiceKeyFile, created_key_file_is_private_and_reads_back)
{
    TempDir dir;
    auto path = dir.path() / "db.key";
    auto created = storage::create_key_file(path);
    ASSERT_TRUE(created) << created.error().message;
    struct stat info { };
    ASSERT_EQ(::stat(path.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u);
    auto read = storage::read_key_file(path);
    ASSERT_TRUE(read);
    EXPECT_TRUE(drm::constant_time_equal(read->view(), created->view()));
    EXPECT_FALSE(storage::create_key_file(path)) << "must never overwrite a key";
}

TEST(ServiceKeyFile, refuses_key_file_readable_by_others)
{
    TempDir dir;
    auto path = dir.path() / "db.key";
    ASSERT_TRUE(storage::create_key_file(path));
    ::chmod(path.c_str(), 0644);
    auto read = storage::read_key_file(path);
    ASSERT_FALSE(read);
    EXPECT_EQ(read.error().kind, storage::ErrorKind::KeyFile);
    EXPECT_NE(read.error().message.find("chmod 600"), std::string::npos);
}

TEST(ServiceKeyFile, refuses_malformed_key_file)
{
    TempDir dir;
    auto path = dir.path() / "db.key";
    {
        std::ofstream out(path);
        out << "not a key\n";
    }
    ::chmod(path.c_str(), 0600);
    auto read = storage::read_key_file(path);
    ASSERT_FALSE(read);
    EXPECT_EQ(read.error().kind, storage::ErrorKind::KeyFile);
}
