#pragma once

// Rendering in two steps, so the document lock is held only for the first:
// record a page into a display list (under the lock, on the document's
// context), then rasterize the list on any worker context.

#include <memory>
#include <optional>

#include "document_state.h"

namespace hondana::render::detail {

// A recorded page; shareable between threads (display lists are read-only).
struct RecordedPage {
    std::shared_ptr<Engine> engine; // keeps the contexts' shared parts alive
    fz_context* owner { nullptr };
    fz_display_list* list { nullptr };
    fz_rect bounds {};
    RecordedPage() = default;
    RecordedPage(const RecordedPage&) = delete;
    RecordedPage& operator=(const RecordedPage&) = delete;
    ~RecordedPage();
};

// Records `page` (takes the document's lock).
[[nodiscard]] Result<std::shared_ptr<RecordedPage>> record_page(const Document& document, int page);

using render::PixelRect;

// Rasterizes on `ctx` (a worker's own context). `cookie` may be null; setting
// its abort flag from another thread cancels (Cancelled).
[[nodiscard]] Result<PageImage> rasterize(fz_context* ctx, const RecordedPage& recorded, int page, float scale,
    Theme theme, std::optional<PixelRect> tile, fz_cookie* cookie);

}
