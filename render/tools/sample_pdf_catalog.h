#pragma once

// Edits a written PDF's catalog: things MuPDF's document writer does not set.

#include <filesystem>
#include <string>
#include <vector>

#include "mupdf_guard.h"

namespace hondana::samples {

struct OutlineEntry {
    std::string title;
    int page { 0 };
};

struct CatalogEdits {
    std::string title;
    std::string language;
    bool right_to_left { false };
    bool labels_start_after_cover { false }; // page 0 labelled "Cover"/"表紙", then 1, 2, …
    std::vector<OutlineEntry> outline;
};

// Rewrites `path` in place (through a temporary file and a rename).
[[nodiscard]] render::Result<void> edit_pdf_catalog(fz_context* ctx, const std::filesystem::path& path, const CatalogEdits& edits);

}

namespace hondana::samples {

// Draws the picture for page `seed` (a fox, a torii, hills and a river) into `area`.
void draw_scene(fz_context* ctx, fz_device* dev, fz_rect area, int seed);

}
