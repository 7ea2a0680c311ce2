#pragma once

// MuPDF used directly, the way a plain viewer would, for the benchmarks that
// compare render/ against "MuPDF itself on the same plaintext from memory".
// Not used by the reader.

#include <cstdint>
#include <vector>

#include "hondana/render/error.h"

namespace hondana::render::baseline {

// Opens `plaintext` (a whole PDF or EPUB in memory) with MuPDF's own memory
// stream, lays an EPUB out as Document does by default (420 × 595 pt, 12 pt
// text, the reader's style sheet for line spacing and margins: the same page
// drawn), renders `page` at `scale` and returns its pixel count (so the work
// cannot be skipped). Like Document, it does not count an EPUB's pages.
[[nodiscard]] Result<size_t> open_and_render(const std::vector<uint8_t>& plaintext, bool epub, int page, float scale);

}
