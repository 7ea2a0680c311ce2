#pragma once

// Small images that are not book pages (a title's cover on the bookshelf),
// drawn through MuPDF like pages are: SVG, PNG and JPEG.

#include <memory>
#include <string_view>

#include "hondana/drm/crypto.h"
#include "hondana/render/engine.h"
#include "hondana/render/types.h"

namespace hondana::render {

// `bytes` (of `media_type`: image/svg+xml, image/png or image/jpeg) scaled to
// fit within `max_width` × `max_height` pixels, keeping its shape, on white.
// UnsupportedFormat for another type, MalformedDocument for bytes that do not
// decode, InvalidArgument for an empty image or a size outside 1..4096.
[[nodiscard]] Result<PageImage> render_image(
    const std::shared_ptr<Engine>& engine, std::string_view media_type, drm::ByteView bytes, int max_width, int max_height);

}
