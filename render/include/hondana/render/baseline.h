#pragma once

// MuPDF used directly, the way a plain viewer would, for the benchmarks that
// compare render/ against "MuPDF itself on the same plaintext from memory".
// Not used by the reader.

#include <cstdint>
#include <vector>

#include "hondana/render/error.h"

namespace hondana::render::baseline {

// Opens `plaintext` (a whole PDF or EPUB in memory) with MuPDF's own memory
// stream, lays an EPUB out at 420 × 595 pt, renders `page` at `scale` and
// returns its pixel count (so the work cannot be skipped).
[[nodiscard]] Result<size_t> open_and_render(const std::vector<uint8_t>& plaintext, bool epub, int page, float scale);

}
