#pragma once

// Reading themes: each maps the page's paper (white) and ink (black) to its
// own colours, linearly per channel, so text stays crisp and pictures keep
// their shapes.

#include <array>
#include <cstdint>
#include <span>

#include "hondana/render/types.h"

namespace hondana::render {

struct ThemeColors {
    std::array<uint8_t, 3> paper; // what white becomes
    std::array<uint8_t, 3> ink;   // what black becomes
};

[[nodiscard]] ThemeColors theme_colors(Theme theme);

// Applies `theme` to packed RGB pixels in place (Normal changes nothing).
void apply_theme(Theme theme, std::span<uint8_t> rgb);

}
