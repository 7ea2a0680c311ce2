// Text, search, links and outline of a Document.

#include "document_state.h"

namespace hondana::render {

using detail::guarded;

namespace {

Rect to_rect(fz_rect r) { return Rect { r.x0, r.y0, r.x1, r.y1 }; }

struct RawOutlineItem {
    fz_outline* node;
    int depth;
};

// Bounded depth and count: a hostile outline cannot recurse us off the stack.
void collect_outline(fz_outline* node, int depth, std::vector<RawOutlineItem>& out)
{
    for (; node && depth < 32 && out.size() < 20000; node = node->next) {
        out.push_back({ node, depth });
        collect_outline(node->down, depth + 1, out);
    }
}

}

Result<std::vector<OutlineItem>> Document::outline() const
{
    std::lock_guard lock(m_state->mutex);
    fz_context* ctx = m_state->ctx.get();
    fz_outline* root = nullptr;
    auto loaded = guarded(ctx, ErrorKind::MalformedDocument, "reading the table of contents",
        [&] { root = fz_load_outline(ctx, m_state->doc.get()); });
    if (!loaded)
        return tl::make_unexpected(m_state->explain(loaded.error()));
    detail::OutlineHandle owned(ctx, root);
    std::vector<RawOutlineItem> raw;
    collect_outline(root, 0, raw);
    if (raw.empty() && m_state->resources) {
        if (!m_state->navigation) // the first page does not need it: read on first use
            m_state->navigation = read_navigation(*m_state->resources, m_state->nav_path);
        if (!m_state->navigation->empty())
            return navigation_outline();
    }
    std::vector<OutlineItem> items;
    for (const auto& [node, depth] : raw) {
        OutlineItem item { node->title ? node->title : "", depth, std::nullopt };
        if (node->uri && !fz_is_external_link(ctx, node->uri)) {
            int page = -1;
            // Finding a location may lay out a chapter, which can fail.
            auto found = guarded(ctx, ErrorKind::MalformedDocument, "reading the table of contents",
                [&] {
                    fz_location location = node->page;
                    if (location.chapter < 0 || location.page < 0)
                        location = fz_resolve_link(ctx, m_state->doc.get(), node->uri, nullptr, nullptr);
                    page = fz_page_number_from_location(ctx, m_state->doc.get(), location);
                });
            if (found && m_state->may_hold(page))
                item.page = page;
        }
        items.push_back(std::move(item));
    }
    return items;
}

// The EPUB 3 nav as an outline (caller holds the lock).
std::vector<OutlineItem> Document::navigation_outline() const
{
    fz_context* ctx = m_state->ctx.get();
    std::vector<OutlineItem> items;
    for (const auto& entry : *m_state->navigation) {
        OutlineItem item { entry.title, entry.depth, std::nullopt };
        int page = -1;
        auto found = guarded(ctx, ErrorKind::MalformedDocument, "reading the table of contents", [&] {
            fz_location location = fz_resolve_link(ctx, m_state->doc.get(), entry.target.c_str(), nullptr, nullptr);
            page = fz_page_number_from_location(ctx, m_state->doc.get(), location);
        });
        if (found && m_state->may_hold(page))
            item.page = page;
        items.push_back(std::move(item));
    }
    return items;
}

Result<std::string> Document::page_text(int page) const
{
    std::lock_guard lock(m_state->mutex);
    auto loaded = TRY(m_state->load_page(page));
    fz_context* ctx = m_state->ctx.get();
    fz_stext_page* text = nullptr;
    fz_buffer* buffer = nullptr;
    auto extracted = guarded(ctx, ErrorKind::MalformedDocument, "extracting text", [&] {
        text = fz_new_stext_page_from_page(ctx, loaded.get(), nullptr);
        buffer = fz_new_buffer_from_stext_page(ctx, text);
    });
    detail::StextHandle text_handle(ctx, text);
    detail::BufferHandle buffer_handle(ctx, buffer);
    if (!extracted)
        return tl::make_unexpected(m_state->explain(extracted.error()));
    unsigned char* data = nullptr;
    size_t length = fz_buffer_storage(ctx, buffer, &data);
    return std::string(reinterpret_cast<const char*>(data), length);
}

Result<SearchHit> Document::search_page(int page, std::string_view needle, int max_hits) const
{
    SearchHit result;
    result.page = page;
    if (needle.empty() || max_hits <= 0)
        return result;
    std::string needle_text(needle);
    std::vector<fz_quad> quads(static_cast<size_t>(std::min(max_hits, 512)));
    std::vector<int> marks(quads.size());
    std::lock_guard lock(m_state->mutex);
    auto loaded = TRY(m_state->load_page(page));
    fz_context* ctx = m_state->ctx.get();
    int count = 0;
    auto searched = guarded(ctx, ErrorKind::MalformedDocument, "searching the page", [&] {
        count = fz_search_page(ctx, loaded.get(), needle_text.c_str(), marks.data(), quads.data(),
            static_cast<int>(quads.size()));
    });
    if (!searched)
        return tl::make_unexpected(m_state->explain(searched.error()));
    for (int i = 0; i < count; ++i)
        result.quads.push_back(to_rect(fz_rect_from_quad(quads[static_cast<size_t>(i)])));
    return result;
}

Result<std::vector<Link>> Document::links(int page) const
{
    std::lock_guard lock(m_state->mutex);
    auto loaded = TRY(m_state->load_page(page));
    fz_context* ctx = m_state->ctx.get();
    fz_link* first = nullptr;
    auto read = guarded(ctx, ErrorKind::MalformedDocument, "reading links", [&] { first = fz_load_links(ctx, loaded.get()); });
    if (!read)
        return tl::make_unexpected(m_state->explain(read.error()));
    detail::LinkHandle owned(ctx, first);
    // Copy every link before resolving any: resolving may lay out other
    // chapters, and MuPDF's link strings for EPUB pages live in that layout.
    std::vector<Link> links;
    for (fz_link* link = first; link && links.size() < 4096; link = link->next) {
        Link out;
        out.bounds = to_rect(link->rect);
        out.uri = link->uri ? link->uri : "";
        out.kind = out.uri.empty() || fz_is_external_link(ctx, out.uri.c_str()) ? LinkKind::Blocked : LinkKind::Internal;
        links.push_back(std::move(out));
    }
    owned.reset();
    loaded.reset();
    for (auto& link : links) {
        if (link.kind != LinkKind::Internal)
            continue;
        int target = -1;
        auto resolved = guarded(ctx, ErrorKind::MalformedDocument, "resolving a link", [&] {
            fz_location location = fz_resolve_link(ctx, m_state->doc.get(), link.uri.c_str(), nullptr, nullptr);
            target = fz_page_number_from_location(ctx, m_state->doc.get(), location);
        });
        if (resolved && m_state->may_hold(target))
            link.target_page = target;
    }
    return links;
}

std::string Document::page_label(int page) const
{
    if (!m_state->may_hold(page))
        return {};
    return format_page_label(m_state->labels, page);
}

}
