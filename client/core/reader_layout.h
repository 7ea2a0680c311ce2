#pragma once

// Where pages go on screen: spreads, reading direction, fit and click zones.
// Pure functions, so the rules are unit-tested without a window.

#include <limits>
#include <optional>
#include <vector>

#include "core/app_state.h"

namespace hondana::client {

// `page_count` below is empty while the book is not yet counted (an EPUB just
// opened): pages then run on from the current one, and the count, when it
// comes, brings back anything past the end (clamp_to_book).

// GoToPage target meaning the book's last page.
inline constexpr int end_of_book = std::numeric_limits<int>::max();

// The first page of the spread holding `page`. In spreads the cover (page 0)
// stands alone, then pages pair up as (1, 2), (3, 4), … as printed books do.
[[nodiscard]] int spread_start(int page, bool spread);
// The pages shown together at `page`, in reading order.
[[nodiscard]] std::vector<int> visible_pages(int page, std::optional<int> page_count, bool spread);
// The same pages from the left edge of the screen to the right: reading
// order for left-to-right books, reversed for right-to-left ones.
[[nodiscard]] std::vector<int> screen_order(std::vector<int> pages, render::ReadingProgression progression);
// The page `delta` steps (spreads, in spread mode) from `page`, clamped to the book.
[[nodiscard]] int step_page(int page, std::optional<int> page_count, bool spread, int delta);
// Where a jump to `page` lands (end_of_book: the last page). Before the
// count: any page from 0, and nullopt for end_of_book (it waits for the count).
[[nodiscard]] std::optional<int> jump_target(int page, std::optional<int> page_count);
// `page` brought into a book of `page_count` pages.
[[nodiscard]] int clamp_to_book(int page, int page_count);
// Scale (pixels per point) that fits `pages_shown` pages of `page` size side by side.
[[nodiscard]] float fit_scale(FitMode fit, render::Size page, int pages_shown, float view_width, float view_height);
// A click at `x` across a view `width` wide: +1 next page, -1 previous, 0 the
// middle (no turn). The outer thirds turn; for right-to-left books the left
// third goes forward.
[[nodiscard]] int click_zone(float x, float width, render::ReadingProgression progression);

}
