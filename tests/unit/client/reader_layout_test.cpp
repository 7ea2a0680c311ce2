#include <gtest/gtest.h>

#include "core/reader_layout.h"

using namespace hondana::client;
using hondana::render::ReadingProgression;

TEST(ReaderLayout, spreads_show_the_cover_alone_then_pairs)
{
    EXPECT_EQ(visible_pages(0, 12, true), std::vector<int>({ 0 }));
    EXPECT_EQ(visible_pages(1, 12, true), std::vector<int>({ 1, 2 }));
    EXPECT_EQ(visible_pages(2, 12, true), std::vector<int>({ 1, 2 }));
    EXPECT_EQ(visible_pages(11, 12, true), std::vector<int>({ 11 }));
    EXPECT_EQ(visible_pages(5, 12, false), std::vector<int>({ 5 }));
}

TEST(ReaderLayout, right_to_left_spreads_put_the_first_page_on_the_right)
{
    EXPECT_EQ(screen_order({ 1, 2 }, ReadingProgression::RightToLeft), std::vector<int>({ 2, 1 }));
    EXPECT_EQ(screen_order({ 1, 2 }, ReadingProgression::LeftToRight), std::vector<int>({ 1, 2 }));
}

TEST(ReaderLayout, stepping_moves_by_spreads_and_stays_in_the_book)
{
    EXPECT_EQ(step_page(0, 12, true, 1), 1);
    EXPECT_EQ(step_page(1, 12, true, 1), 3);
    EXPECT_EQ(step_page(2, 12, true, 1), 3);
    EXPECT_EQ(step_page(3, 12, true, -1), 1);
    EXPECT_EQ(step_page(1, 12, true, -1), 0);
    EXPECT_EQ(step_page(11, 12, true, 1), 11);
    EXPECT_EQ(step_page(0, 12, false, -1), 0);
    EXPECT_EQ(step_page(10, 12, false, 5), 11);
}

TEST(ReaderLayout, click_zones_follow_the_reading_direction)
{
    EXPECT_EQ(click_zone(950, 1000, ReadingProgression::LeftToRight), 1);
    EXPECT_EQ(click_zone(50, 1000, ReadingProgression::LeftToRight), -1);
    EXPECT_EQ(click_zone(500, 1000, ReadingProgression::LeftToRight), 0);
    EXPECT_EQ(click_zone(50, 1000, ReadingProgression::RightToLeft), 1);
    EXPECT_EQ(click_zone(950, 1000, ReadingProgression::RightToLeft), -1);
}

TEST(ReaderLayout, fit_page_fits_both_ways_and_fit_width_only_across)
{
    hondana::render::Size page { 600, 800 };
    EXPECT_FLOAT_EQ(fit_scale(FitMode::Page, page, 1, 1200, 400), 0.5f);
    EXPECT_FLOAT_EQ(fit_scale(FitMode::Width, page, 1, 1200, 400), 2.0f);
    EXPECT_FLOAT_EQ(fit_scale(FitMode::Page, page, 2, 1200, 1600), 1.0f);
}

// An EPUB just opened is not yet counted: pages run on, the end waits for the count.
TEST(ReaderLayout, before_the_count_pages_run_on_from_the_current_one)
{
    std::optional<int> unknown;
    EXPECT_EQ(step_page(0, unknown, false, 1), 1);
    EXPECT_EQ(step_page(1, unknown, false, 1), 2);
    EXPECT_EQ(step_page(40, unknown, false, 5), 45);
    EXPECT_EQ(step_page(1, unknown, false, -3), 0);
    EXPECT_EQ(step_page(0, unknown, true, 1), 1);
    EXPECT_EQ(step_page(1, unknown, true, 1), 3);
    EXPECT_EQ(visible_pages(40, unknown, false), std::vector<int>({ 40 }));
    EXPECT_EQ(visible_pages(3, unknown, true), std::vector<int>({ 3, 4 }));
    EXPECT_EQ(visible_pages(-2, unknown, false), std::vector<int>({ 0 }));
}

TEST(ReaderLayout, jumps_before_the_count_land_where_asked_except_the_end)
{
    std::optional<int> unknown;
    EXPECT_EQ(jump_target(39, unknown), 39); // a restored position, a class session's "page 40"
    EXPECT_EQ(jump_target(-1, unknown), 0);
    EXPECT_EQ(jump_target(end_of_book, unknown), std::nullopt);
    EXPECT_EQ(jump_target(end_of_book, 12), 11);
    EXPECT_EQ(jump_target(39, 12), 11);
    EXPECT_EQ(jump_target(5, 12), 5);
}

TEST(ReaderLayout, the_count_brings_a_page_past_the_end_back_into_the_book)
{
    EXPECT_EQ(clamp_to_book(45, 12), 11);
    EXPECT_EQ(clamp_to_book(3, 12), 3);
    EXPECT_EQ(clamp_to_book(-1, 12), 0);
    EXPECT_EQ(step_page(11, 12, false, 1), 11);
}
