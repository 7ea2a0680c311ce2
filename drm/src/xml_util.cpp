#include "xml_util.h"

#include <vector>

#include "hondana/drm/crypto.h"

namespace hondana::drm::detail {

Result<void> load_xml(pugi::xml_document& document, std::string_view text, std::string_view what)
{
    // parse_doctype keeps a DOCTYPE as a node, so that it can be refused.
    unsigned options = pugi::parse_default | pugi::parse_doctype;
    pugi::xml_parse_result parsed = document.load_buffer(text.data(), text.size(), options, pugi::encoding_auto);
    if (!parsed)
        return fail(ErrorKind::MalformedXml,
            std::string(what) + " is not well-formed XML: " + parsed.description() + " at byte "
                + std::to_string(parsed.offset));
    for (pugi::xml_node node : document.children()) {
        if (node.type() == pugi::node_doctype)
            return fail(ErrorKind::MalformedXml, std::string(what) + " has a DOCTYPE (refused: no DTD or entities)");
    }
    if (!document.document_element())
        return fail(ErrorKind::MalformedXml, std::string(what) + " has no root element");
    return {};
}

std::string_view local_name(const pugi::xml_node& node)
{
    std::string_view name = node.name();
    size_t colon = name.find(':');
    return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

std::string_view namespace_uri(const pugi::xml_node& node)
{
    std::string_view name = node.name();
    size_t colon = name.find(':');
    std::string attribute = colon == std::string_view::npos ? "xmlns" : "xmlns:" + std::string(name.substr(0, colon));
    for (pugi::xml_node scope = node; scope && scope.type() == pugi::node_element; scope = scope.parent()) {
        if (pugi::xml_attribute declared = scope.attribute(attribute.c_str()))
            return declared.value();
    }
    return {};
}

bool is_element(const pugi::xml_node& node, std::string_view ns, std::string_view local)
{
    return node.type() == pugi::node_element && local_name(node) == local && namespace_uri(node) == ns;
}

pugi::xml_node child_element(const pugi::xml_node& node, std::string_view ns, std::string_view local)
{
    for (pugi::xml_node child : node.children()) {
        if (is_element(child, ns, local))
            return child;
    }
    return {};
}

namespace {

Result<std::string> percent_decode(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        auto byte = hex_decode(text.substr(i + 1, 2));
        if (!byte || byte->size() != 1)
            return fail(ErrorKind::InvalidValue, "bad percent escape in URI " + std::string(text));
        out += static_cast<char>(byte->front());
        i += 2;
    }
    if (out.find('\0') != std::string::npos)
        return fail(ErrorKind::InvalidValue, "URI decodes to a NUL byte");
    return out;
}

bool has_scheme(std::string_view uri)
{
    size_t colon = uri.find(':');
    size_t slash = uri.find('/');
    return colon != std::string_view::npos && (slash == std::string_view::npos || colon < slash);
}

}

Result<std::string> resolve_uri_path(std::string_view base, std::string_view uri)
{
    if (uri.empty() || has_scheme(uri) || uri.find_first_of("?#") != std::string_view::npos)
        return fail(ErrorKind::InvalidValue, "not a relative path URI: " + std::string(uri));
    std::string decoded = TRY(percent_decode(uri));
    std::string joined;
    if (decoded.front() == '/') {
        joined = decoded.substr(1); // container-absolute
    } else {
        size_t slash = base.rfind('/');
        joined = (slash == std::string_view::npos ? std::string() : std::string(base.substr(0, slash + 1))) + decoded;
    }
    std::vector<std::string> segments;
    size_t start = 0;
    while (start <= joined.size()) {
        size_t end = joined.find('/', start);
        if (end == std::string::npos)
            end = joined.size();
        std::string segment = joined.substr(start, end - start);
        if (segment == "..") {
            if (segments.empty())
                return fail(ErrorKind::InvalidValue, "URI climbs out of the container: " + std::string(uri));
            segments.pop_back();
        } else if (!segment.empty() && segment != ".") {
            segments.push_back(std::move(segment));
        }
        start = end + 1;
    }
    if (segments.empty())
        return fail(ErrorKind::InvalidValue, "URI names no file: " + std::string(uri));
    std::string path;
    for (const auto& segment : segments)
        path += (path.empty() ? "" : "/") + segment;
    return path;
}

std::string encode_uri_path(std::string_view path)
{
    static constexpr std::string_view kept = "-._~!$&'()*+,;=@/"; // ':' is escaped: it could look like a scheme
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    for (char c : path) {
        auto byte = static_cast<unsigned char>(c);
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (alnum || kept.find(c) != std::string_view::npos) {
            out += c;
        } else {
            out += '%';
            out += digits[byte >> 4];
            out += digits[byte & 15];
        }
    }
    return out;
}

}
