#pragma once

// Sample titles made from texts we wrote ourselves (assets/samples/): a
// Japanese picture book PDF with right-to-left spreads, an English
// illustrated PDF, and reflowable EPUBs in Japanese (right-to-left page
// progression) and English. Every title contains `canary_sentence`, which the
// no-plaintext-on-disk tests look for.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "hondana/render/error.h"

namespace hondana::samples {

inline constexpr std::string_view canary_sentence = "Hondana canary: the quick brown fox reads in Kyoto.";

struct GeneratedSample {
    std::string id;        // stable, for example "kitsune-picture-book"
    std::filesystem::path path;
    std::string title;
    std::string language;  // BCP 47
    std::string reading_progression; // "ltr" or "rtl" (as a package manifest says it)
    std::string media_type; // application/pdf or application/epub+zip
    int pages { 0 };       // PDF page count (0 for EPUB: depends on layout)
};

// A page of a picture book: text and a seed for its illustration.
struct BookText {
    std::string title;
    std::vector<std::string> subtitle;
    std::vector<std::string> pages;                       // picture books
    std::vector<std::pair<std::string, std::vector<std::string>>> chapters; // novels: title, paragraphs
};

// Parses a sample text: `# ` lines are the title (then subtitle lines),
// `---` separates pages, `@ ` starts a chapter; other lines are text.
[[nodiscard]] render::Result<BookText> parse_book_text(std::string_view text);
[[nodiscard]] render::Result<BookText> load_book_text(const std::filesystem::path& path);

struct PdfOptions {
    std::string language { "en" };
    bool right_to_left { false };
    int min_pages { 0 }; // repeat the story's pages (numbered) until the book has this many
};

// Writes an illustrated PDF: a cover, then one page per text page with a
// drawn picture above the text; page labels, outline, title and, for
// right_to_left, /ViewerPreferences /Direction /R2L.
[[nodiscard]] render::Result<int> write_picture_pdf(
    const BookText& book, const std::filesystem::path& output, const PdfOptions& options);

struct EpubOptions {
    std::string language { "en" };
    std::string identifier;
    bool right_to_left { false };
};

// Writes a reflowable EPUB 3 (XHTML chapters, nav, OPF, a drawn cover image),
// with one internal and one external link in its second chapter.
[[nodiscard]] render::Result<void> write_epub(
    const BookText& book, const std::filesystem::path& output, const EpubOptions& options);

// Makes all four sample titles in `output_dir` and a samples.json describing them.
[[nodiscard]] render::Result<std::vector<GeneratedSample>> make_samples(
    const std::filesystem::path& assets_dir, const std::filesystem::path& output_dir);

// The assets folder of the source tree this was built from.
[[nodiscard]] inline std::filesystem::path default_assets_dir() { return HONDANA_ASSETS_DIR; }

}
