#pragma once

// XML and resource-path helpers for the package code (pugixml). Documents are
// parsed without any DTD: one with a DOCTYPE is refused, so no entity can be
// declared, and pugixml never fetches or expands anything but the five
// predefined entities and character references.

#include <string>
#include <string_view>

#include <pugixml.hpp>

#include "hondana/drm/error.h"

namespace hondana::drm::detail {

inline constexpr std::string_view ocf_container_ns = "urn:oasis:names:tc:opendocument:xmlns:container";
inline constexpr std::string_view xmlenc_ns = "http://www.w3.org/2001/04/xmlenc#";
inline constexpr std::string_view xmldsig_ns = "http://www.w3.org/2000/09/xmldsig#";
inline constexpr std::string_view compression_ns = "http://www.idpf.org/2016/encryption#compression";
inline constexpr std::string_view opf_ns = "http://www.idpf.org/2007/opf";

// Parses `text` into `document`. MalformedXml (naming `what`) for text that
// is not well-formed or that carries a DOCTYPE.
[[nodiscard]] Result<void> load_xml(pugi::xml_document& document, std::string_view text, std::string_view what);

// The element's name without its prefix.
[[nodiscard]] std::string_view local_name(const pugi::xml_node& node);
// The namespace URI the element's prefix (or the default namespace) is bound to.
[[nodiscard]] std::string_view namespace_uri(const pugi::xml_node& node);
// Whether `node` is the element {ns}local.
[[nodiscard]] bool is_element(const pugi::xml_node& node, std::string_view ns, std::string_view local);
// The first child element {ns}local, or an empty node.
[[nodiscard]] pugi::xml_node child_element(const pugi::xml_node& node, std::string_view ns, std::string_view local);

// A relative URI reference (as in encryption.xml, container.xml, an OPF or a
// manifest) to the ZIP path it names: percent-decoded, without "." or ".."
// segments, resolved against the folder of `base` (a ZIP path; empty for the
// container root). InvalidValue for an absolute URI, a query or fragment, a
// bad escape, a NUL, or a path that climbs out of the container.
[[nodiscard]] Result<std::string> resolve_uri_path(std::string_view base, std::string_view uri);
// The inverse for the paths we write: percent-encodes what is not an
// unreserved character, a sub-delimiter, '@' or '/'.
[[nodiscard]] std::string encode_uri_path(std::string_view path);

}
