#include <gtest/gtest.h>

#include "core/position_store.h"
#include "core/script.h"

using namespace hondana::client;

TEST(Script, parses_every_step_kind)
{
    auto steps = parse_script(
        "# a comment\nclick signin.submit\nclick-at 0.9 0.5\ntype signin.login_id student one\n"
        "key Right\nswipe left\nwait screen=reader page=3 timeout=5\nexpect error=none\n"
        "screenshot out.png\nstate out.json\nframes 3\nquit\nwait-file /tmp/other/banner.json timeout=90\n");
    ASSERT_TRUE(steps) << steps.error().message;
    ASSERT_EQ(steps->size(), 12u);
    EXPECT_EQ((*steps)[0].kind, StepKind::Click);
    EXPECT_EQ((*steps)[0].line, 2);
    EXPECT_FLOAT_EQ((*steps)[1].x, 0.9f);
    EXPECT_EQ((*steps)[2].text, "student one");
    EXPECT_EQ((*steps)[5].conditions.size(), 2u);
    EXPECT_DOUBLE_EQ((*steps)[5].timeout_seconds, 5);
    EXPECT_EQ((*steps)[10].kind, StepKind::Quit);
    EXPECT_EQ((*steps)[11].kind, StepKind::WaitFile);
    EXPECT_EQ((*steps)[11].target, "/tmp/other/banner.json");
    EXPECT_DOUBLE_EQ((*steps)[11].timeout_seconds, 90);
}

TEST(Script, typed_text_keeps_every_hash_and_other_lines_take_a_hash_word_as_a_comment)
{
    auto steps = parse_script(
        "# whole line\ntype signin.password Ab#12cd!Ef\ntype signin.password #Ab12cd!\nclick x#y # a comment\n");
    ASSERT_TRUE(steps) << steps.error().message;
    ASSERT_EQ(steps->size(), 3u);
    EXPECT_EQ((*steps)[0].text, "Ab#12cd!Ef");
    EXPECT_EQ((*steps)[1].text, "#Ab12cd!") << "a password may start with '#'";
    EXPECT_EQ((*steps)[2].target, "x#y");
}

TEST(Script, rejects_unknown_steps_with_the_line_number)
{
    auto steps = parse_script("click a\nfly away\n");
    ASSERT_FALSE(steps);
    EXPECT_NE(steps.error().message.find("line 2"), std::string::npos);
    EXPECT_FALSE(parse_script("click-at 2 0.5\n"));
    EXPECT_FALSE(parse_script("wait page\n"));
    EXPECT_FALSE(parse_script("swipe up\n"));
    EXPECT_FALSE(parse_script("wait-file\n"));
    EXPECT_FALSE(parse_script("wait-file a.json page=3\n"));
}

TEST(Script, conditions_compare_as_text)
{
    nlohmann::json state { { "screen", "reader" }, { "page", 3 }, { "spread", true } };
    EXPECT_TRUE(conditions_hold(state, { { "screen", "reader" }, { "page", "3" }, { "spread", "true" } }));
    EXPECT_FALSE(conditions_hold(state, { { "page", "4" } }));
    EXPECT_EQ(describe_mismatch(state, { { "page", "4" } }), "page is 3, not 4");
    EXPECT_EQ(describe_mismatch(state, { { "nothing", "1" } }), "the state has no nothing");
}

TEST(Locator, round_trips_and_rejects_garbage)
{
    Locator locator { 1234567890123ull, 42 };
    auto parsed = Locator::parse(locator.to_string());
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->mark, locator.mark);
    EXPECT_EQ(parsed->page, 42);
    EXPECT_FALSE(Locator::parse("page:3"));
    EXPECT_FALSE(Locator::parse("mark:x;page:3"));
}

TEST(PositionStore, memory_store_keeps_positions_and_bookmarks_for_the_session)
{
    auto store = memory_position_store();
    store->save_position("book", { 7, 3 });
    store->add_bookmark("book", { 9, 5 }, "5");
    store->add_bookmark("other", { 1, 1 }, "1");
    auto position = store->position("book");
    ASSERT_TRUE(position);
    EXPECT_EQ(position->page, 3);
    EXPECT_FALSE(store->position("other"));
    auto bookmarks = store->bookmarks("book");
    ASSERT_EQ(bookmarks.size(), 1u);
    EXPECT_EQ(bookmarks[0].page, 5);
    store->remove_bookmark(bookmarks[0].id);
    EXPECT_TRUE(store->bookmarks("book").empty());
    EXPECT_EQ(store->bookmarks("other").size(), 1u);
}
