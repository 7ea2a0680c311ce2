#pragma once

// GPU textures of rendered pages, made on the main thread from the images the
// render workers produced, and dropped when a frame no longer draws them.

#include <cstdint>
#include <map>
#include <memory>
#include <tuple>

#include "hondana/render/types.h"

namespace hondana::client::ui {

class PageTextures {
public:
    PageTextures() = default;
    ~PageTextures();
    PageTextures(const PageTextures&) = delete;
    PageTextures& operator=(const PageTextures&) = delete;

    // The texture for `image` (uploaded on first use this frame). 0 on failure.
    [[nodiscard]] uintptr_t texture(const std::shared_ptr<const render::PageImage>& image);
    // Deletes textures not used since the last end_frame().
    void end_frame();

private:
    struct Entry {
        unsigned id { 0 };
        const render::PageImage* image { nullptr };
        bool used { false };
    };
    std::map<const render::PageImage*, Entry> m_entries;
    std::map<const render::PageImage*, std::shared_ptr<const render::PageImage>> m_keep;
};

}
