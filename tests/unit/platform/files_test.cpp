#include "hondana/platform/files.h"

#include <fstream>

#include <gtest/gtest.h>

#include "hondana/platform/paths.h"
#include "temp_dir.h"

using namespace hondana::platform;

TEST(Files, atomic_write_replaces_the_file_with_the_given_mode)
{
    hondana::test::TempDir dir;
    auto path = dir.path() / "state.json";
    ASSERT_TRUE(write_file_atomic(path, hondana::drm::as_bytes("one"), 0600));
    ASSERT_TRUE(write_file_atomic(path, hondana::drm::as_bytes("two"), 0600));
    EXPECT_EQ(*read_text_file(path, 100), "two");
    EXPECT_EQ(*file_mode(path), 0600u);
    int others = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
        others += entry.path() != path;
    EXPECT_EQ(others, 0) << "a temporary file was left behind";
}

TEST(Files, private_dir_is_0700_even_when_it_existed_wider)
{
    hondana::test::TempDir dir;
    auto path = dir.path() / "state";
    std::filesystem::create_directories(path);
    std::filesystem::permissions(path, std::filesystem::perms::all);
    ASSERT_TRUE(ensure_private_dir(path));
    EXPECT_EQ(*file_mode(path), 0700u);
}

TEST(Files, read_refuses_oversized_and_missing_files)
{
    hondana::test::TempDir dir;
    auto path = dir.path() / "big";
    std::ofstream(path) << std::string(100, 'x');
    auto big = read_file(path, 10);
    ASSERT_FALSE(big);
    EXPECT_EQ(big.error().kind, ErrorKind::Io);
    EXPECT_FALSE(read_file(dir.path() / "missing", 10));
}

TEST(Files, overwrite_and_remove_tree_removes_everything)
{
    hondana::test::TempDir dir;
    auto tree = dir.path() / "user";
    std::filesystem::create_directories(tree / "content");
    std::ofstream(tree / "a") << "secret";
    std::ofstream(tree / "content" / "b") << "more";
    ASSERT_TRUE(overwrite_and_remove_tree(tree));
    EXPECT_FALSE(std::filesystem::exists(tree));
    EXPECT_TRUE(overwrite_and_remove(dir.path() / "never-existed"));
}

TEST(Paths, home_option_puts_state_under_it_and_user_dirs_are_safe_names)
{
    auto paths = ReaderPaths::resolve(std::filesystem::path("/srv/reader"));
    ASSERT_TRUE(paths);
    EXPECT_EQ(paths->state_dir, "/srv/reader/.local/state/hondana");
    auto user = paths->user_dir("../../etc/passwd");
    EXPECT_EQ(user.parent_path(), paths->users_dir());
    EXPECT_EQ(user.filename().string().size(), 32u);
    EXPECT_NE(paths->user_dir("a"), paths->user_dir("b"));
}
