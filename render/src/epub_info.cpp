// Reads what MuPDF 1.21 does not tell about an EPUB from its package
// document: the page progression direction, pre-paginated (fixed) layout and
// the viewport of fixed pages, and the title.


#include "document_state.h"

namespace hondana::render {

namespace {

constexpr uint64_t max_metadata_bytes = 8 * 1024 * 1024;

Result<std::string> read_text(ResourceProvider& resources, std::string_view path)
{
    auto source = TRY(resources.open(path));
    if (source->size() > max_metadata_bytes)
        return fail(ErrorKind::LimitExceeded, std::string(path) + " is larger than 8 MiB");
    std::string text(static_cast<size_t>(source->size()), '\0');
    size_t done = 0;
    while (done < text.size()) {
        auto span = std::span<uint8_t>(reinterpret_cast<uint8_t*>(text.data()) + done, text.size() - done);
        auto count = source->read_at(done, span);
        if (!count)
            return fail(ErrorKind::SourceFailed,
                std::string(drm::error_code(count.error().kind)) + ": " + std::string(path) + ": " + count.error().message);
        if (*count == 0)
            break;
        done += *count;
    }
    text.resize(done);
    return text;
}

// A minimal tag scanner (no regex: libstdc++'s recurses per character and a
// hostile package document could exhaust the stack).
bool is_space_or_slash(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '/'; }

// The next start tag `<name ...>` at or after `from`, without the brackets; empty when none.
std::string_view find_tag(std::string_view text, std::string_view name, size_t& from)
{
    while (from < text.size()) {
        size_t open = text.find('<', from);
        if (open == std::string_view::npos)
            break;
        size_t close = text.find('>', open);
        if (close == std::string_view::npos)
            break;
        from = close + 1;
        std::string_view tag = text.substr(open + 1, close - open - 1);
        if (tag.starts_with(name) && (tag.size() == name.size() || is_space_or_slash(tag[name.size()])))
            return tag;
    }
    from = text.size();
    return {};
}

// The value of attribute `name` in a tag's text; empty when absent.
std::string attribute(std::string_view tag, std::string_view name)
{
    for (size_t at = tag.find(name); at != std::string_view::npos; at = tag.find(name, at + 1)) {
        bool starts_word = at > 0 && (tag[at - 1] == ' ' || tag[at - 1] == '\n' || tag[at - 1] == '\t' || tag[at - 1] == '\r');
        size_t cursor = at + name.size();
        while (cursor < tag.size() && tag[cursor] == ' ')
            ++cursor;
        if (!starts_word || cursor >= tag.size() || tag[cursor] != '=')
            continue;
        ++cursor;
        while (cursor < tag.size() && tag[cursor] == ' ')
            ++cursor;
        if (cursor >= tag.size() || (tag[cursor] != '"' && tag[cursor] != '\''))
            continue;
        size_t end = tag.find(tag[cursor], cursor + 1);
        if (end == std::string_view::npos)
            return {};
        return std::string(tag.substr(cursor + 1, end - cursor - 1));
    }
    return {};
}

// The text after the first `<name ...>` start tag, up to the next '<'.
std::string element_text(std::string_view text, std::string_view name)
{
    size_t from = 0;
    if (find_tag(text, name, from).empty())
        return {};
    size_t end = text.find('<', from);
    return std::string(text.substr(from, end == std::string_view::npos ? std::string_view::npos : end - from));
}

// A number after `key=` in a viewport string ("width=1200, height=1600").
float viewport_value(std::string_view viewport, std::string_view key)
{
    size_t at = viewport.find(key);
    if (at == std::string_view::npos)
        return 0;
    at = viewport.find('=', at);
    if (at == std::string_view::npos)
        return 0;
    float value = 0;
    size_t digits = 0;
    for (size_t i = at + 1; i < viewport.size() && digits < 8; ++i) {
        char c = viewport[i];
        if (c == ' ' && digits == 0)
            continue;
        if (c < '0' || c > '9')
            break;
        value = value * 10 + static_cast<float>(c - '0');
        ++digits;
    }
    return value;
}

std::string directory_of(const std::string& path)
{
    auto slash = path.rfind('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

// The viewport of the first spine item of a pre-paginated book.
std::optional<Size> first_page_viewport(ResourceProvider& resources, const std::string& opf, const std::string& base)
{
    size_t from = 0;
    std::string first_id = attribute(find_tag(opf, "itemref", from), "idref");
    if (first_id.empty())
        return std::nullopt;
    from = 0;
    for (auto tag = find_tag(opf, "item", from); !tag.empty(); tag = find_tag(opf, "item", from)) {
        if (attribute(tag, "id") != first_id)
            continue;
        auto page = read_text(resources, base + attribute(tag, "href"));
        if (!page)
            return std::nullopt;
        size_t meta_from = 0;
        for (auto meta = find_tag(*page, "meta", meta_from); !meta.empty(); meta = find_tag(*page, "meta", meta_from)) {
            if (attribute(meta, "name") != "viewport")
                continue;
            std::string viewport = attribute(meta, "content");
            float w = viewport_value(viewport, "width"), h = viewport_value(viewport, "height");
            if (w < 10 || h < 10 || w > 20000 || h > 20000)
                return std::nullopt;
            return Size { w, h };
        }
        return std::nullopt;
    }
    return std::nullopt;
}

}

std::string package_document_path(ResourceProvider& resources)
{
    auto container = read_text(resources, "META-INF/container.xml");
    if (!container)
        return {};
    size_t from = 0;
    return attribute(find_tag(*container, "rootfile", from), "full-path");
}

Result<EpubInfo> read_epub_info(ResourceProvider& resources, const std::string& opf_path)
{
    if (opf_path.empty()) {
        auto container = read_text(resources, "META-INF/container.xml");
        if (!container)
            return fail(ErrorKind::MalformedDocument, "not an EPUB: " + container.error().message);
        return fail(ErrorKind::MalformedDocument, "META-INF/container.xml names no package document");
    }
    size_t from = 0;
    auto opf = read_text(resources, opf_path);
    if (!opf)
        return fail(ErrorKind::MalformedDocument, "the package document cannot be read: " + opf.error().message);
    EpubInfo info;
    info.title = element_text(*opf, "dc:title");
    from = 0;
    if (attribute(find_tag(*opf, "spine", from), "page-progression-direction") == "rtl")
        info.progression = ReadingProgression::RightToLeft;
    from = 0;
    for (auto meta = find_tag(*opf, "meta", from); !meta.empty(); meta = find_tag(*opf, "meta", from)) {
        if (attribute(meta, "property") == "rendition:layout"
            && element_text(std::string_view(*opf).substr(meta.data() - opf->data() - 1), "meta") == "pre-paginated")
            info.pre_paginated = true;
    }
    from = 0;
    for (auto item = find_tag(*opf, "item", from); !item.empty(); item = find_tag(*opf, "item", from)) {
        if (attribute(item, "properties").find("nav") == std::string::npos)
            continue;
        info.nav_path = directory_of(opf_path) + attribute(item, "href");
        break;
    }
    if (info.pre_paginated)
        info.viewport = first_page_viewport(resources, *opf, directory_of(opf_path));
    return info;
}

std::vector<NavEntry> read_navigation(ResourceProvider& resources, const std::string& nav_path)
{
    if (nav_path.empty())
        return {};
    auto nav = read_text(resources, nav_path);
    return nav ? parse_navigation(*nav, nav_path) : std::vector<NavEntry> {};
}

std::vector<NavEntry> parse_navigation(std::string_view nav, const std::string& nav_path)
{
    std::vector<NavEntry> entries;
    std::string base = directory_of(nav_path);
    size_t at = nav.find("toc");
    at = at == std::string_view::npos ? 0 : nav.rfind("<nav", at);
    int depth = -1;
    bool in_link = false;
    NavEntry current;
    while (at != std::string_view::npos && at < nav.size() && entries.size() < 20000) {
        size_t open = nav.find('<', at);
        if (open == std::string_view::npos)
            break;
        if (in_link)
            current.title += nav.substr(at, open - at);
        size_t close = nav.find('>', open);
        if (close == std::string_view::npos)
            break;
        std::string_view tag = nav.substr(open + 1, close - open - 1);
        at = close + 1;
        if (tag.starts_with("ol") && (tag.size() == 2 || is_space_or_slash(tag[2]))) {
            ++depth;
        } else if (tag.starts_with("/ol")) {
            --depth;
        } else if (tag.starts_with("a ") || tag == "a") {
            in_link = true;
            current = NavEntry { "", attribute(tag, "href"), std::max(depth, 0) };
        } else if (tag.starts_with("/a") && in_link) {
            in_link = false;
            if (!current.target.empty() && current.target.find(':') == std::string::npos)
                entries.push_back({ current.title, base + current.target, current.depth });
        } else if (tag.starts_with("/nav")) {
            break;
        }
    }
    return entries;
}

}
