#pragma once

// Small sample titles for the demo tenant and the tests, written by our own
// code (no third-party content): a one-page-per-chapter PDF in Helvetica, and
// an EPUB 3 in a stored ZIP. Every sample carries the canary sentence, which
// the reader's no-plaintext-on-disk test searches for.

#include <filesystem>
#include <string>
#include <vector>

#include "lending/error.h"

namespace hondana::lending {

inline constexpr std::string_view sample_canary = "Hondana canary: the quick brown fox reads in Kyoto.";

struct SampleChapter {
    std::string heading;
    std::vector<std::string> paragraphs;
};

// A PDF with one page per chapter (ASCII text only: the standard Helvetica
// font has no Japanese glyphs). The canary is on every page.
[[nodiscard]] Result<void> write_sample_pdf(
    const std::filesystem::path& path, const std::string& title, const std::vector<SampleChapter>& chapters);

// An EPUB 3 (mimetype, container.xml, OPF, navigation document, one XHTML
// file per chapter, UTF-8 so Japanese text is fine). The canary is in every chapter.
[[nodiscard]] Result<void> write_sample_epub(const std::filesystem::path& path, const std::string& title,
    const std::string& identifier, const std::string& language, const std::vector<SampleChapter>& chapters);

}
