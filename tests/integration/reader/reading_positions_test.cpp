// Reading positions across a student's devices and `hondana-cli render`,
// through hondana-cli against the real lending service: a place read on one
// tablet is where the book opens on another the student signs in on later.

#include <fstream>

#include "service_fixture.h"

using namespace hondana;
using test::contains;

namespace {

class ReadingPositions : public test::ReaderServiceTest {
protected:
    // Enrols `tablet`, signs student 0 in and downloads `title`; returns the password line.
    std::string ready_to_read(const test::Tablet& tablet, const std::string& title, bool borrow)
    {
        auto pw = enrol_and_sign_in(tablet, 0);
        if (borrow) {
            auto borrowed = cli(tablet, { "borrow", title }, pw);
            EXPECT_EQ(borrowed.exit_code, 0) << borrowed.err;
        }
        auto downloaded = cli(tablet, { "download", title }, pw);
        EXPECT_EQ(downloaded.exit_code, 0) << downloaded.err;
        return pw;
    }
};

std::string read_bytes(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return { std::istreambuf_iterator<char>(in), {} };
}

// Width and height from a PNG's IHDR chunk; {0, 0} when it is not a PNG.
std::pair<uint32_t, uint32_t> png_size(const std::string& bytes)
{
    if (bytes.size() < 24 || bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0 || bytes.compare(12, 4, "IHDR") != 0)
        return { 0, 0 };
    auto be32 = [&](size_t at) {
        uint32_t value = 0;
        for (size_t i = 0; i < 4; ++i)
            value = (value << 8) | static_cast<uint8_t>(bytes[at + i]);
        return value;
    };
    return { be32(16), be32(20) };
}

}

TEST_F(ReadingPositions, a_page_read_on_one_tablet_is_where_the_book_opens_on_another)
{
    auto pdf = service().title("pdf");
    auto first = tablet(0), second = tablet(1);
    auto pw = ready_to_read(first, pdf, true);
    // The demo PDF has two pages: the second is the place, the first the default.
    auto saved = cli(first, { "position", pdf, "--page", "2" }, pw);
    ASSERT_EQ(saved.exit_code, 0) << saved.err;
    EXPECT_TRUE(contains(saved.out, "synced positions: sent 1")) << saved.out;
    EXPECT_TRUE(contains(saved.out, "position " + pdf + " page 2 ")) << saved.out;
    EXPECT_FALSE(contains(saved.out, "not sent yet")) << saved.out;

    // The second tablet has never seen this title: the place comes from the service.
    ready_to_read(second, pdf, false);
    auto opened = cli(second, { "render", pdf, "--out", (dir() / "second.png").string() }, pw);
    ASSERT_EQ(opened.exit_code, 0) << opened.err;
    EXPECT_TRUE(contains(opened.out, "rendered " + pdf + " page 2 of ")) << opened.out;
    EXPECT_TRUE(contains(opened.out, "(the reading position)")) << opened.out;
    EXPECT_NE(png_size(read_bytes(dir() / "second.png")).first, 0u);

    // Going back there moves the place for the first tablet too (last writer
    // wins), although that tablet has its own later page stored.
    auto moved = cli(second, { "position", pdf, "--page", "1" }, pw);
    ASSERT_EQ(moved.exit_code, 0) << moved.err;
    EXPECT_TRUE(contains(moved.out, "synced positions: sent 1")) << moved.out;
    auto back = cli(first, { "render", pdf, "--out", (dir() / "first.png").string() }, pw);
    ASSERT_EQ(back.exit_code, 0) << back.err;
    EXPECT_TRUE(contains(back.out, "rendered " + pdf + " page 1 of ")) << back.out;
    auto shown = cli(first, { "position", pdf }, pw);
    EXPECT_TRUE(contains(shown.out, "position " + pdf + " page 1 ")) << shown.out;
}

TEST_F(ReadingPositions, render_writes_the_page_asked_for_as_png_and_refuses_pages_not_in_the_book)
{
    auto pdf = service().title("pdf");
    auto pad = tablet(2);
    auto pw = ready_to_read(pad, pdf, true);
    auto png = dir() / "page2.png";
    auto rendered = cli(pad, { "render", "--title", pdf, "--page", "2", "--scale", "1", "--out", png.string() }, pw);
    ASSERT_EQ(rendered.exit_code, 0) << rendered.err;
    EXPECT_TRUE(contains(rendered.out, "rendered " + pdf + " page 2 of ")) << rendered.out;
    auto [width, height] = png_size(read_bytes(png));
    EXPECT_GT(width, 100u);
    EXPECT_GT(height, 100u);
    auto larger = dir() / "page2-large.png";
    ASSERT_EQ(cli(pad, { "render", pdf, "--page", "2", "--scale", "2", "--out", larger.string() }, pw).exit_code, 0);
    auto [large_width, large_height] = png_size(read_bytes(larger));
    EXPECT_NEAR(static_cast<double>(large_width), 2.0 * width, 2.0);
    EXPECT_NEAR(static_cast<double>(large_height), 2.0 * height, 2.0);

    auto beyond = cli(pad, { "render", pdf, "--page", "100000", "--out", (dir() / "x.png").string() }, pw);
    EXPECT_EQ(beyond.exit_code, 2) << beyond.err;
    EXPECT_TRUE(contains(beyond.err, "is not in the book")) << beyond.err;
    EXPECT_FALSE(std::filesystem::exists(dir() / "x.png"));
    auto no_out = cli(pad, { "render", pdf }, pw);
    EXPECT_EQ(no_out.exit_code, 2) << no_out.err;
    auto not_here = cli(pad, { "render", service().title("epub"), "--out", (dir() / "y.png").string() }, pw);
    EXPECT_NE(not_here.exit_code, 0) << "a title not borrowed here has no key to render with";
    EXPECT_FALSE(std::filesystem::exists(dir() / "y.png"));
}
