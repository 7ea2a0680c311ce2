#pragma once

// Reads the window's pixels (after a frame is drawn, before it is shown) and
// writes them as PNG through render/'s encoder.

#include <filesystem>
#include <memory>
#include <string>

#include "hondana/render/engine.h"

namespace hondana::client::ui {

// Empty on success, else what went wrong.
[[nodiscard]] std::string write_screenshot(
    const std::shared_ptr<render::Engine>& engine, int width, int height, const std::filesystem::path& path);

}
