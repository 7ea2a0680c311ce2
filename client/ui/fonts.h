#pragma once

// The UI font: Noto Sans CJK JP found through fontconfig, rasterized by
// FreeType for the characters the reader actually shows. The atlas starts
// with ASCII, kana and every character of the message catalogs (fast to
// build), and grows when new text (a book title from the service, say)
// appears: `note_text` records it, `rebuild_if_needed` runs between frames.

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>

struct ImFont;

namespace hondana::client::ui {

struct FontFile {
    std::filesystem::path path;
    int index { 0 }; // face in a collection (.ttc)
};

// fontconfig's best match for Japanese sans-serif (Noto Sans CJK JP), if any.
[[nodiscard]] std::optional<FontFile> find_cjk_font();

class FontManager {
public:
    explicit FontManager(std::optional<FontFile> file);
    // Characters that must be in the atlas (UTF-8).
    void note_text(std::string_view text);
    void set_pixel_size(float size);
    // Rebuilds the atlas and the GPU texture when characters or size changed.
    // Call between frames (after rendering, before NewFrame). Returns true when rebuilt.
    bool rebuild_if_needed();
    [[nodiscard]] bool has_cjk_font() const { return m_file.has_value(); }

private:
    std::optional<FontFile> m_file;
    std::set<unsigned> m_codepoints;
    float m_pixel_size { 20 };
    bool m_dirty { true };
};

}
