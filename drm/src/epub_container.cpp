#include "epub_container.h"

#include <sstream>

#include "xml_util.h"

namespace hondana::drm::detail {

bool is_epub_mimetype(std::string_view content)
{
    while (!content.empty() && (content.back() == '\n' || content.back() == '\r' || content.back() == ' '))
        content.remove_suffix(1);
    return content == epub_mimetype;
}

Result<std::string> parse_container_xml(std::string_view xml)
{
    pugi::xml_document document;
    TRY(load_xml(document, xml, "container.xml"));
    pugi::xml_node root = document.document_element();
    if (!is_element(root, ocf_container_ns, "container"))
        return fail(ErrorKind::MalformedXml, "container.xml: the root is not an OCF <container> element");
    for (pugi::xml_node rootfile : child_element(root, ocf_container_ns, "rootfiles").children()) {
        if (!is_element(rootfile, ocf_container_ns, "rootfile"))
            continue;
        if (std::string_view(rootfile.attribute("media-type").value()) != "application/oebps-package+xml")
            continue;
        pugi::xml_attribute path = rootfile.attribute("full-path");
        if (!path)
            return fail(ErrorKind::MissingField, "container.xml: rootfile without full-path");
        return resolve_uri_path("", path.value());
    }
    return fail(ErrorKind::MissingField, "container.xml names no OPF package document");
}

namespace {

bool has_property(std::string_view properties, std::string_view wanted)
{
    std::istringstream words { std::string(properties) };
    std::string word;
    while (words >> word) {
        if (word == wanted)
            return true;
    }
    return false;
}

// EPUB 2: <meta name="cover" content="item id"/> in the metadata.
std::string epub2_cover_id(const pugi::xml_node& package)
{
    for (pugi::xml_node meta : child_element(package, opf_ns, "metadata").children()) {
        if (local_name(meta) == "meta" && std::string_view(meta.attribute("name").value()) == "cover")
            return meta.attribute("content").value();
    }
    return {};
}

}

const OpfItem* OpfManifest::item_at(std::string_view path) const
{
    for (const auto& item : items) {
        if (item.path == path)
            return &item;
    }
    return nullptr;
}

Result<OpfManifest> parse_opf(std::string_view xml, std::string_view opf_path)
{
    pugi::xml_document document;
    TRY(load_xml(document, xml, opf_path));
    pugi::xml_node package = document.document_element();
    if (!is_element(package, opf_ns, "package"))
        return fail(ErrorKind::MalformedXml, std::string(opf_path) + ": the root is not an OPF <package> element");
    OpfManifest manifest;
    std::string toc_id = child_element(package, opf_ns, "spine").attribute("toc").value();
    std::string cover_id = epub2_cover_id(package);
    for (pugi::xml_node node : child_element(package, opf_ns, "manifest").children()) {
        if (!is_element(node, opf_ns, "item") || !node.attribute("href"))
            continue;
        auto path = resolve_uri_path(opf_path, node.attribute("href").value());
        if (!path)
            continue;
        OpfItem item;
        item.id = node.attribute("id").value();
        item.path = std::move(*path);
        item.media_type = node.attribute("media-type").value();
        item.properties = node.attribute("properties").value();
        if (has_property(item.properties, "nav"))
            manifest.nav_path = item.path;
        if (has_property(item.properties, "cover-image"))
            manifest.cover_path = item.path;
        if ((!toc_id.empty() && item.id == toc_id) || item.media_type == "application/x-dtbncx+xml")
            manifest.ncx_path = item.path;
        manifest.items.push_back(std::move(item));
    }
    if (!manifest.cover_path && !cover_id.empty()) {
        for (const auto& item : manifest.items) {
            if (item.id == cover_id)
                manifest.cover_path = item.path;
        }
    }
    return manifest;
}

}
