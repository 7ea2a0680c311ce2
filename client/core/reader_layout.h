#pragma once

// Where pages go on screen: spreads, reading direction, fit and click zones.
// Pure functions, so the rules are unit-tested without a window.

#include <vector>

#include "core/app_state.h"

namespace hondana::client {

// The first page of the spread holding `page`. In spreads the cover (page 0)
// stands alone, then pages pair up as (1, 2), (3, 4), … as printed books do.
[[nodiscard]] int spread_start(int page, bool spread);
// The pages shown together at `page`, in reading order.
[[nodiscard]] std::vector<int> visible_pages(int page, int page_count, bool spread);
// The same pages from the left edge of the screen to the right: reading
// order for left-to-right books, reversed for right-to-left ones.
[[nodiscard]] std::vector<int> screen_order(std::vector<int> pages, render::ReadingProgression progression);
// The page `delta` steps (spreads, in spread mode) from `page`, clamped to the book.
[[nodiscard]] int step_page(int page, int page_count, bool spread, int delta);
// Scale (pixels per point) that fits `pages_shown` pages of `page` size side by side.
[[nodiscard]] float fit_scale(FitMode fit, render::Size page, int pages_shown, float view_width, float view_height);
// A click at `x` across a view `width` wide: +1 next page, -1 previous, 0 the
// middle (no turn). The outer thirds turn; for right-to-left books the left
// third goes forward.
[[nodiscard]] int click_zone(float x, float width, render::ReadingProgression progression);

}
