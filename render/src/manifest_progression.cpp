// The reading progression a PDF package declares in its manifest.json
// (Readium Web Publication Manifest: metadata.readingProgression), which wins
// over the PDF's own /ViewerPreferences/Direction: the package is what the
// publisher or the operator says about the book.

#include <nlohmann/json.hpp>

#include "document_state.h"

namespace hondana::render {

std::optional<ReadingProgression> declared_progression(drm::Package& package)
{
    if (!package.entry("manifest.json"))
        return std::nullopt;
    auto source = package.open_raw("manifest.json");
    if (!source)
        return std::nullopt;
    auto bytes = drm::read_all(**source, 1024 * 1024);
    if (!bytes)
        return std::nullopt;
    auto manifest = nlohmann::json::parse(bytes->begin(), bytes->end(), nullptr, false);
    if (!manifest.is_object() || !manifest.contains("metadata") || !manifest["metadata"].is_object())
        return std::nullopt;
    const auto& metadata = manifest["metadata"];
    auto declared = metadata.find("readingProgression");
    if (declared == metadata.end() || !declared->is_string())
        return std::nullopt;
    if (*declared == "rtl")
        return ReadingProgression::RightToLeft;
    if (*declared == "ltr")
        return ReadingProgression::LeftToRight;
    return std::nullopt; // "auto" or anything else: the book's own direction stands
}

}
