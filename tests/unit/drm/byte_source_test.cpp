#include "hondana/drm/byte_source.h"

#include <gtest/gtest.h>

#include "content_test_support.h"

using namespace hondana::drm;
using hondana::drm::test::pattern_bytes;
using hondana::drm::test::ScratchDir;
using hondana::drm::test::write_file_bytes;

TEST(MemoryByteSource, reads_within_and_short_at_the_end)
{
    Bytes data = pattern_bytes(100);
    MemoryByteSource source(data);
    EXPECT_EQ(source.size(), 100u);
    Bytes out(30);
    ASSERT_EQ(source.read_at(10, out).value(), 30u);
    EXPECT_TRUE(std::equal(out.begin(), out.end(), data.begin() + 10));
    ASSERT_EQ(source.read_at(90, out).value(), 10u);
    EXPECT_TRUE(std::equal(out.begin(), out.begin() + 10, data.begin() + 90));
    EXPECT_EQ(source.read_at(100, out).value(), 0u);
    EXPECT_EQ(source.read_at(5000, out).value(), 0u);
}

TEST(MemoryByteSource, offers_a_contiguous_view_only_inside_its_bytes)
{
    Bytes data = pattern_bytes(64);
    MemoryByteSource source(data);
    auto view = source.contiguous(8, 16);
    ASSERT_TRUE(view);
    EXPECT_TRUE(std::equal(view->begin(), view->end(), data.begin() + 8));
    EXPECT_FALSE(source.contiguous(60, 8));
    EXPECT_FALSE(source.contiguous(65, 0));
}

TEST(FileByteSource, reads_with_pread_at_any_offset)
{
    ScratchDir dir;
    Bytes data = pattern_bytes(70000);
    write_file_bytes(dir / "data.bin", data);
    auto source = FileByteSource::open(dir / "data.bin");
    ASSERT_TRUE(source) << source.error().message;
    EXPECT_EQ((*source)->size(), data.size());
    Bytes out(5000);
    ASSERT_EQ((*source)->read_at(66000, out).value(), 4000u);
    EXPECT_TRUE(std::equal(out.begin(), out.begin() + 4000, data.begin() + 66000));
    ASSERT_TRUE(read_exact(**source, 123, std::span(out).first(1000)));
    EXPECT_TRUE(std::equal(out.begin(), out.begin() + 1000, data.begin() + 123));
    EXPECT_FALSE((*source)->contiguous(0, 10));
}

TEST(FileByteSource, missing_file_or_folder_is_an_io_error)
{
    ScratchDir dir;
    auto missing = FileByteSource::open(dir / "nope");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().kind, ErrorKind::Io);
    auto folder = FileByteSource::open(dir.path());
    ASSERT_FALSE(folder);
    EXPECT_EQ(folder.error().kind, ErrorKind::Io);
}

TEST(SubrangeByteSource, windows_its_inner_source)
{
    Bytes data = pattern_bytes(1000);
    auto inner = std::make_shared<MemoryByteSource>(data);
    auto window = SubrangeByteSource::create(inner, 100, 50);
    ASSERT_TRUE(window);
    EXPECT_EQ((*window)->size(), 50u);
    Bytes out(80);
    ASSERT_EQ((*window)->read_at(10, out).value(), 40u);
    EXPECT_TRUE(std::equal(out.begin(), out.begin() + 40, data.begin() + 110));
    EXPECT_EQ((*window)->read_at(50, out).value(), 0u);
    auto view = (*window)->contiguous(0, 50);
    ASSERT_TRUE(view);
    EXPECT_EQ(view->data(), inner->contiguous(100, 50)->data());
    EXPECT_FALSE((*window)->contiguous(0, 51));
}

TEST(SubrangeByteSource, rejects_a_window_that_does_not_fit)
{
    auto inner = std::make_shared<MemoryByteSource>(pattern_bytes(10));
    EXPECT_EQ(SubrangeByteSource::create(inner, 5, 6).error().kind, ErrorKind::InvalidArgument);
    EXPECT_EQ(SubrangeByteSource::create(inner, 11, 0).error().kind, ErrorKind::InvalidArgument);
    EXPECT_EQ(SubrangeByteSource::create(inner, UINT64_MAX, 2).error().kind, ErrorKind::InvalidArgument);
    EXPECT_EQ(SubrangeByteSource::create(nullptr, 0, 0).error().kind, ErrorKind::InvalidArgument);
    EXPECT_TRUE(SubrangeByteSource::create(inner, 10, 0));
}

TEST(ReadExact, fails_with_length_mismatch_when_the_source_ends_first)
{
    MemoryByteSource source(pattern_bytes(10));
    Bytes out(8);
    auto result = read_exact(source, 5, out);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, ErrorKind::ContentLengthMismatch);
}

TEST(ReadAll, reads_everything_up_to_the_limit)
{
    Bytes data = pattern_bytes(4096);
    MemoryByteSource source(data);
    auto all = read_all(source, 4096);
    ASSERT_TRUE(all);
    EXPECT_EQ(*all, data);
    auto over = read_all(source, 4095);
    ASSERT_FALSE(over);
    EXPECT_EQ(over.error().kind, ErrorKind::LimitExceeded);
}
