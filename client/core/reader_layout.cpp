#include "core/reader_layout.h"

#include <algorithm>

namespace hondana::client {

int spread_start(int page, bool spread)
{
    if (!spread || page <= 0)
        return std::max(page, 0);
    return page - (page - 1) % 2;
}

int clamp_to_book(int page, int page_count) { return std::clamp(page, 0, std::max(page_count - 1, 0)); }

std::vector<int> visible_pages(int page, std::optional<int> page_count, bool spread)
{
    if (page_count && *page_count <= 0)
        return {};
    page = page_count ? clamp_to_book(page, *page_count) : std::max(page, 0);
    int start = spread_start(page, spread);
    std::vector<int> pages { start };
    if (spread && start > 0 && (!page_count || start + 1 < *page_count))
        pages.push_back(start + 1);
    return pages;
}

std::vector<int> screen_order(std::vector<int> pages, render::ReadingProgression progression)
{
    if (progression == render::ReadingProgression::RightToLeft)
        std::reverse(pages.begin(), pages.end());
    return pages;
}

int step_page(int page, std::optional<int> page_count, bool spread, int delta)
{
    if (page_count && *page_count <= 0)
        return 0;
    int start = spread_start(page, spread);
    int target = start;
    for (int i = 0; i < std::abs(delta); ++i) {
        if (delta > 0)
            target = spread ? (target == 0 ? 1 : target + 2) : target + 1;
        else
            target = spread ? (target <= 1 ? 0 : target - 2) : target - 1;
    }
    if (!page_count)
        return std::max(target, 0);
    if (target >= *page_count)
        target = spread_start(*page_count - 1, spread);
    return clamp_to_book(target, *page_count);
}

std::optional<int> jump_target(int page, std::optional<int> page_count)
{
    if (!page_count)
        return page == end_of_book ? std::nullopt : std::optional<int>(std::max(page, 0));
    return clamp_to_book(page, *page_count);
}

float fit_scale(FitMode fit, render::Size page, int pages_shown, float view_width, float view_height)
{
    if (page.width <= 0 || page.height <= 0 || view_width <= 0 || view_height <= 0)
        return 1.0f;
    float total_width = page.width * static_cast<float>(std::max(pages_shown, 1));
    float by_width = view_width / total_width;
    if (fit == FitMode::Width)
        return by_width;
    return std::min(by_width, view_height / page.height);
}

int click_zone(float x, float width, render::ReadingProgression progression)
{
    if (width <= 0)
        return 0;
    int forward = progression == render::ReadingProgression::RightToLeft ? -1 : 1;
    if (x < width / 3)
        return -forward;
    if (x > width * 2 / 3)
        return forward;
    return 0;
}

}
