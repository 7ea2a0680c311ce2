#pragma once

// Plain value types render/ hands out: geometry in PDF points (1/72 inch,
// origin top left, y down, as MuPDF gives it), images, outline, links.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hondana::render {

enum class DocumentFormat { Pdf, Epub };
enum class LayoutKind { Fixed, Reflowable };
enum class ReadingProgression { LeftToRight, RightToLeft };
enum class Theme { Normal, Sepia, Night, HighContrast };

struct Size {
    float width { 0 };
    float height { 0 };
};

struct Rect {
    float x0 { 0 };
    float y0 { 0 };
    float x1 { 0 };
    float y1 { 0 };
    [[nodiscard]] float width() const { return x1 - x0; }
    [[nodiscard]] float height() const { return y1 - y0; }
    [[nodiscard]] bool contains(float x, float y) const { return x >= x0 && x < x1 && y >= y0 && y < y1; }
};

// A rendered page (or tile): packed RGB, 3 bytes a pixel, rows `width * 3` bytes.
struct PageImage {
    int page { 0 };
    float scale { 1 };
    Theme theme { Theme::Normal };
    int x { 0 }; // origin of this image in the page's pixel space at `scale`
    int y { 0 };
    int width { 0 };
    int height { 0 };
    std::vector<uint8_t> rgb;
    [[nodiscard]] size_t byte_size() const { return rgb.size(); }
};

// A rectangle of pixels in a page rendered at some scale (a tile of a zoomed page).
struct PixelRect {
    int x0 { 0 };
    int y0 { 0 };
    int x1 { 0 };
    int y1 { 0 };
};

// One entry of the table of contents, flattened: `depth` 0 is the top level.
struct OutlineItem {
    std::string title;
    int depth { 0 };
    std::optional<int> page; // absent when the entry points off the book
};

enum class LinkKind {
    Internal, // navigates inside the book
    Blocked,  // points off the book (http, mailto, …): never opened (NET-1)
};

struct Link {
    Rect bounds;
    LinkKind kind { LinkKind::Internal };
    std::string uri;
    std::optional<int> target_page; // Internal links that resolve
};

struct SearchHit {
    int page { 0 };
    std::vector<Rect> quads; // bounding boxes of the hit's quads (several when it wraps)
};

// A reading position that survives relayout (font size changes): MuPDF's
// bookmark of the location, stable for one book across layouts.
struct Position {
    uint64_t mark { 0 };
};

// Reflowable layout: text size and line spacing the student chose, on a page
// of the given size in points.
struct ReflowSettings {
    float page_width { 420 };
    float page_height { 595 };
    float font_size { 12 };   // points
    float line_spacing { 1.4f }; // multiple of the font size
};

}
