#pragma once

// The parts of an EPUB's structure the package code needs: the OPF path from
// META-INF/container.xml, and from the OPF its manifest with the navigation
// document and the cover image (which LCP and Hondana leave in clear).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hondana/drm/error.h"

namespace hondana::drm::detail {

inline constexpr std::string_view epub_mimetype = "application/epub+zip";
inline constexpr std::string_view container_path = "META-INF/container.xml";
inline constexpr std::string_view encryption_path = "META-INF/encryption.xml";

// Whether a mimetype entry says application/epub+zip (trailing whitespace,
// which some producers add, is tolerated).
[[nodiscard]] bool is_epub_mimetype(std::string_view content);

// The first rootfile of media type application/oebps-package+xml.
// MalformedXml, MissingField (no such rootfile), InvalidValue (bad path).
[[nodiscard]] Result<std::string> parse_container_xml(std::string_view xml);

struct OpfItem {
    std::string id;
    std::string path; // ZIP path, resolved against the OPF's folder
    std::string media_type;
    std::string properties;
};

struct OpfManifest {
    std::vector<OpfItem> items;
    std::optional<std::string> nav_path;   // EPUB 3 item with properties="nav"
    std::optional<std::string> ncx_path;   // EPUB 2 NCX (spine@toc or its media type)
    std::optional<std::string> cover_path; // properties="cover-image", else EPUB 2 <meta name="cover">

    [[nodiscard]] const OpfItem* item_at(std::string_view path) const;
};

// MalformedXml for a document that is not an OPF package. Items whose href
// is not a path inside the container (remote resources, which EPUB 3
// allows, or hrefs that climb out) are left out: they are not in the ZIP.
[[nodiscard]] Result<OpfManifest> parse_opf(std::string_view xml, std::string_view opf_path);

}
