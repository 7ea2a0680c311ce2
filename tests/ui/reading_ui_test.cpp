// The reader, driven like a person uses it, on the sample titles opened from
// local files: page turns, right-to-left spreads, themes, search, links,
// text size and the position kept across runs.

#include <gtest/gtest.h>

#include "ui_harness.h"

using namespace hondana::test;

#define REQUIRE_XVFB()                                                        \
    do {                                                                      \
        if (!have_xvfb())                                                     \
            GTEST_SKIP() << "xvfb-run not found (scripts/setup installs xvfb)"; \
    } while (0)

namespace {

std::string sample(const std::string& name) { return (ui_samples() / name).string(); }

// Colours of the picture book's skies (render/tools/sample_pdf.cpp): page n has skies[n % 5].
constexpr std::array<int, 3> sky_of_page_1 { 250, 204, 153 };
constexpr std::array<int, 3> sky_of_page_2 { 191, 179, 235 };

double sky_share(const Screenshot& shot, std::array<float, 4> rect, std::array<int, 3> sky)
{
    // The top tenth of a page is sky.
    return shot.share(static_cast<int>(rect[0]) + 2, static_cast<int>(rect[1]) + 2, static_cast<int>(rect[2]) - 2,
        static_cast<int>(rect[1] + (rect[3] - rect[1]) * 0.1f), sky);
}

}

TEST(ReaderUi, right_to_left_picture_book_shows_the_first_page_of_a_spread_on_the_right)
{
    REQUIRE_XVFB();
    UiRun run("rtl");
    int status = run.run("wait book_open=true pages_ready=true\n"
                         "expect screen=reader progression=rtl spread=true page=0 page_label=表紙\n"
                         "key Left\n" // in a right-to-left book the left arrow goes forward
                         "wait page=1 pages_ready=true\n"
                         "screenshot spread.png\nstate spread.json\n",
        { "--open", sample("kitsune-picture-book.pdf") });
    ASSERT_EQ(status, 0) << run.output();
    auto state = run.state("spread.json");
    auto first = control(state, "area.page:1"), second = control(state, "area.page:2");
    EXPECT_GT(first[0], second[0]) << "page 1 must be right of page 2";
    auto shot = run.screenshot("spread.png");
    EXPECT_GT(sky_share(shot, first, sky_of_page_1), 0.8);
    EXPECT_GT(sky_share(shot, second, sky_of_page_2), 0.8);
}

TEST(ReaderUi, keys_click_zones_and_swipes_turn_pages)
{
    REQUIRE_XVFB();
    UiRun run("turns");
    int status = run.run("wait book_open=true\n"
                         "expect progression=ltr spread=false\n"
                         "key Right\nwait page=1\n"
                         "click-at 0.95 0.6\nwait page=2\n"
                         "click-at 0.05 0.6\nwait page=1\n"
                         "swipe left\nwait page=2\n"
                         "swipe right\nwait page=1\n"
                         "key PageDown\nwait page=2\n"
                         "click reader.next\nwait page=3\n"
                         "key End\nwait page=9\n"
                         "key Right\nframes 5\nexpect page=9\n",
        { "--open", sample("fox-in-kyoto.pdf"), "--lang", "en" });
    ASSERT_EQ(status, 0) << run.output();
}

TEST(ReaderUi, themes_recolour_the_page_and_the_screen)
{
    REQUIRE_XVFB();
    UiRun run("themes");
    int status = run.run("wait book_open=true pages_ready=true\n"
                         "key Right\nwait page=1 pages_ready=true\n"
                         "click theme.night\nwait theme=night pages_ready=true\nframes 2\n"
                         "screenshot night.png\nstate night.json\n"
                         "click theme.sepia\nwait theme=sepia pages_ready=true\nframes 2\n"
                         "screenshot sepia.png\n",
        { "--open", sample("fox-in-kyoto.pdf") });
    ASSERT_EQ(status, 0) << run.output();
    auto page = control(run.state("night.json"), "area.page:1");
    // The paper under the text (the bottom fifth of the page) takes the theme's paper colour.
    auto text_area = [&](const Screenshot& shot, std::array<int, 3> colour) {
        return shot.share(static_cast<int>(page[0]) + 4, static_cast<int>(page[3] - (page[3] - page[1]) * 0.2f),
            static_cast<int>(page[2]) - 4, static_cast<int>(page[3]) - 4, colour, 6);
    };
    auto night = run.screenshot("night.png");
    EXPECT_GT(text_area(night, { 28, 28, 30 }), 0.6);
    EXPECT_LT(text_area(night, { 255, 255, 255 }), 0.01);
    auto sepia = run.screenshot("sepia.png");
    EXPECT_GT(text_area(sepia, { 244, 236, 216 }), 0.6);
}

// An EPUB's first page is shown before its pages are counted; "the end"
// asked for meanwhile goes to the last page once they are.
TEST(ReaderUi, end_of_an_epub_asked_before_the_count_lands_on_the_last_page)
{
    REQUIRE_XVFB();
    UiRun run("epub_end");
    int status = run.run("wait book_open=true\n"
                         "key End\n"
                         "wait page_count_known=true pages_ready=true\nframes 3\n"
                         "state end.json\n"
                         "key Home\nwait page=0\n",
        { "--open", sample("fox-novel.epub"), "--lang", "en" });
    ASSERT_EQ(status, 0) << run.output();
    auto end = run.state("end.json");
    ASSERT_TRUE(end["page_count"].is_number()) << end.dump();
    EXPECT_GT(end["page_count"].get<int>(), 1);
    EXPECT_EQ(end["page"].get<int>(), end["page_count"].get<int>() - 1);
    EXPECT_EQ(end["outline"].get<int>(), 3);
}

TEST(ReaderUi, search_finds_the_canary_and_goes_to_its_page)
{
    REQUIRE_XVFB();
    UiRun run("search");
    int status = run.run("wait book_open=true\n"
                         "click reader.search\n"
                         "type reader.search_query canary\n"
                         "click reader.search_go\n"
                         "wait searching=false search_query=canary search_hits=1\n"
                         "state found.json\n",
        { "--open", sample("fox-novel.epub"), "--lang", "en" });
    ASSERT_EQ(status, 0) << run.output();
    auto state = run.state("found.json");
    EXPECT_GT(state["page"].get<int>(), 0);
    EXPECT_EQ(state["controls"].count("area.hit:0"), 1u);
}

TEST(ReaderUi, external_links_are_blocked_and_internal_links_navigate)
{
    REQUIRE_XVFB();
    UiRun run("links");
    // An EPUB's contents come with its page count, after the first page is shown.
    int status = run.run("wait book_open=true page_count_known=true\n"
                         "click reader.toc\n"
                         "click area.toc:1\n"
                         "frames 10\n"
                         "click area.link:https://library.example.org/travellers\n"
                         "wait blocked_link=https://library.example.org/travellers\n"
                         "expect screen=reader\n"
                         "state blocked.json\n"
                         "click area.link:OEBPS/chapter-3.xhtml\n"
                         "frames 5\nstate followed.json\n",
        { "--open", sample("fox-novel.epub"), "--lang", "en" });
    ASSERT_EQ(status, 0) << run.output();
    auto blocked = run.state("blocked.json"), followed = run.state("followed.json");
    EXPECT_EQ(followed["page"], followed["outline_pages"][2]);
    EXPECT_GT(followed["page"].get<int>(), blocked["page"].get<int>());
}

TEST(ReaderUi, larger_text_lays_the_book_out_again_at_the_same_chapter)
{
    REQUIRE_XVFB();
    UiRun run("textsize");
    int status = run.run("wait book_open=true page_count_known=true\n"
                         "click reader.toc\nclick area.toc:2\nframes 5\n"
                         "state before.json\n"
                         "click reader.text_larger\nwait text_size=14 pages_ready=true\nclick reader.text_larger\n"
                         "wait text_size=16 pages_ready=true\nclick reader.text_larger\nwait text_size=18 pages_ready=true\n"
                         "click reader.text_larger\nwait text_size=20 pages_ready=true\nclick reader.text_larger\n"
                         "wait text_size=22 pages_ready=true\nclick reader.text_larger\nwait text_size=24\n"
                         "wait pages_ready=true\nframes 10\nstate after.json\n",
        { "--open", sample("fox-novel.epub"), "--lang", "en" });
    ASSERT_EQ(status, 0) << run.output();
    auto before = run.state("before.json"), after = run.state("after.json");
    EXPECT_GT(after["text_size"].get<double>(), before["text_size"].get<double>());
    EXPECT_GT(after["page_count"].get<int>(), before["page_count"].get<int>());
    EXPECT_EQ(after["page"], after["outline_pages"][2]);
}

// Nobody is signed in: the position is kept for the session only (no key to
// encrypt it with, and no plaintext file may say what was read).
TEST(ReaderUi, reopening_a_local_book_returns_to_the_page_it_was_left_at_and_writes_no_positions_file)
{
    REQUIRE_XVFB();
    UiRun run("reopen");
    ASSERT_EQ(run.run("click bookshelf.open:fox-in-kyoto\nwait book_open=true pages_ready=true\n"
                      "key Right\nkey Right\nkey Right\nkey Right\nkey Right\nwait page=5\nframes 10\n"
                      "click reader.close\nwait screen=bookshelf\n"
                      "click bookshelf.open:fox-in-kyoto\nwait book_open=true pages_ready=true\nexpect page=5\n",
                  { "--books", ui_samples().string() }),
        0)
        << run.output();
    for (const auto& entry : std::filesystem::recursive_directory_iterator(run.home()))
        EXPECT_EQ(entry.path().filename().string().find("positions"), std::string::npos) << entry.path();
}

TEST(ReaderUi, japanese_by_default_english_on_request_and_no_missing_messages)
{
    REQUIRE_XVFB();
    UiRun run("language");
    ASSERT_EQ(run.run("frames 3\nexpect language=ja missing_messages=0\n"
                      "click nav.settings\nwait screen=settings\nclick language.en\nwait language=en\n"
                      "frames 2\nexpect missing_messages=0\n",
                  { "--books", ui_samples().string() }),
        0)
        << run.output();
}
