#include "hondana/render/theme.h"

namespace hondana::render {

ThemeColors theme_colors(Theme theme)
{
    switch (theme) {
    case Theme::Normal:
        return { { 255, 255, 255 }, { 0, 0, 0 } };
    case Theme::Sepia:
        return { { 244, 236, 216 }, { 91, 70, 50 } };
    case Theme::Night:
        return { { 28, 28, 30 }, { 214, 214, 208 } };
    case Theme::HighContrast:
        return { { 0, 0, 0 }, { 255, 255, 0 } };
    }
    return { { 255, 255, 255 }, { 0, 0, 0 } };
}

void apply_theme(Theme theme, std::span<uint8_t> rgb)
{
    if (theme == Theme::Normal)
        return;
    auto colors = theme_colors(theme);
    // One lookup table per channel: out = ink + (paper - ink) * in / 255.
    std::array<std::array<uint8_t, 256>, 3> table {};
    for (size_t channel = 0; channel < 3; ++channel) {
        int ink = colors.ink[channel], paper = colors.paper[channel];
        for (int value = 0; value < 256; ++value)
            table[channel][static_cast<size_t>(value)] = static_cast<uint8_t>(ink + (paper - ink) * value / 255);
    }
    for (size_t i = 0; i + 2 < rgb.size(); i += 3) {
        rgb[i] = table[0][rgb[i]];
        rgb[i + 1] = table[1][rgb[i + 1]];
        rgb[i + 2] = table[2][rgb[i + 2]];
    }
}

}
