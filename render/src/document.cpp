#include <algorithm>
#include <array>
#include <cstring>

#include "document_state.h"

namespace hondana::render {

using detail::guarded;

Error Document::State::explain(Error error) const
{
    if (status) {
        if (auto source_error = status->first_error())
            return Error { source_error->kind == drm::ErrorKind::LimitExceeded ? ErrorKind::LimitExceeded : ErrorKind::SourceFailed,
                std::string(drm::error_code(source_error->kind)) + ": " + source_error->message };
    }
    return error;
}

Result<void> Document::State::check_source() const
{
    if (status && status->first_error())
        return tl::make_unexpected(explain(Error { ErrorKind::SourceFailed, "" }));
    return {};
}

bool Document::State::may_hold(int page) const
{
    int count = page_count.load();
    return page >= 0 && (count < 0 || page < count);
}

Result<int> Document::State::set_page_count(int count) const
{
    if (count <= 0)
        return fail(ErrorKind::MalformedDocument, "the book has no pages");
    if (static_cast<size_t>(count) > options.max_pages)
        return fail(ErrorKind::LimitExceeded, "the book has " + std::to_string(count) + " pages");
    page_count.store(count);
    return count;
}

namespace {

Error outside_the_book(int page, int count)
{
    return Error { ErrorKind::InvalidArgument,
        "page " + std::to_string(page) + " is outside the book (" + std::to_string(count) + " pages)" };
}

}

Result<fz_location> Document::State::locate(int page) const
{
    if (page < 0)
        return tl::make_unexpected(outside_the_book(page, page_count.load()));
    fz_context* c = ctx.get();
    if (int count = page_count.load(); count >= 0) {
        if (page >= count)
            return tl::make_unexpected(outside_the_book(page, count));
        fz_location location {};
        auto found = guarded(c, ErrorKind::MalformedDocument, "finding the page",
            [&] { location = fz_location_from_page_number(c, doc.get(), page); });
        if (!found)
            return tl::make_unexpected(explain(found.error()));
        return location;
    }
    // Count unknown: walk the chapters only as far as the page.
    int chapters = 0, start = 0;
    std::optional<fz_location> location;
    auto walked = guarded(c, ErrorKind::MalformedDocument, "laying out the book", [&] {
        chapters = fz_count_chapters(c, doc.get());
        for (int chapter = 0; chapter < chapters && !location; ++chapter) {
            int pages = fz_count_chapter_pages(c, doc.get(), chapter);
            if (page < start + pages)
                location = fz_make_location(chapter, page - start);
            start += pages;
        }
    });
    if (!walked)
        return tl::make_unexpected(explain(walked.error()));
    if (location)
        return *location;
    int count = TRY(set_page_count(start)); // every chapter was laid out on the way
    return tl::make_unexpected(outside_the_book(page, count));
}

Result<detail::PageHandle> Document::State::load_page(int page) const
{
    auto location = TRY(locate(page));
    fz_context* c = ctx.get();
    fz_page* loaded = nullptr;
    auto result = guarded(c, ErrorKind::MalformedDocument, "loading the page",
        [&] { loaded = fz_load_chapter_page(c, doc.get(), location.chapter, location.page); });
    detail::PageHandle handle(c, loaded);
    if (!result)
        return tl::make_unexpected(explain(result.error()));
    TRY(check_source());
    return handle;
}

std::string layout_css(const ReflowSettings& settings, bool fixed_layout)
{
    if (fixed_layout)
        return "@page { margin: 0 } html, body { margin: 0; padding: 0 } img, svg { max-width: 100%; max-height: 100% }";
    auto spacing = std::to_string(std::clamp(settings.line_spacing, 1.0f, 3.0f));
    return "@page { margin: 1.5em 1.5em } body { line-height: " + spacing + " !important }";
}

namespace {

Result<std::unique_ptr<Document::State>> new_state(std::shared_ptr<Engine> engine, const OpenOptions& options)
{
    auto state = std::make_unique<Document::State>();
    state->ctx = TRY(engine->state().clone_context());
    state->engine = std::move(engine);
    state->options = options;
    state->reflow = options.reflow;
    state->status = std::make_shared<detail::SourceStatus>();
    return state;
}

// Opens the MuPDF document over `source` with the handler for `magic`.
Result<void> open_stream(Document::State& state, std::shared_ptr<drm::ByteSource> source, const char* magic)
{
    state.source = source;
    fz_context* ctx = state.ctx.get();
    fz_stream* stream = nullptr;
    fz_document* doc = nullptr;
    detail::StreamOptions stream_options { state.options.stream_block_size, state.options.stream_cached_blocks,
        synthetic_zip_read_end(source) };
    auto opened = guarded(ctx, ErrorKind::MalformedDocument, "opening the book", [&] {
        stream = detail::open_byte_stream(ctx, source, state.status, stream_options);
        doc = fz_open_document_with_stream(ctx, magic, stream);
    });
    detail::StreamHandle stream_handle(ctx, stream); // the document keeps its own reference
    if (!opened)
        return tl::make_unexpected(state.explain(opened.error()));
    state.doc = detail::DocumentHandle(ctx, doc);
    if (fz_needs_password(ctx, doc))
        return fail(ErrorKind::UnsupportedFormat, "the book is protected by a PDF password, which Hondana does not use");
    return {};
}

// A PDF's page tree says how many pages it has: counted at open.
Result<void> count_pdf_pages(Document::State& state)
{
    fz_context* ctx = state.ctx.get();
    int count = 0;
    auto counted = guarded(ctx, ErrorKind::MalformedDocument, "counting pages",
        [&] { count = fz_count_pages(ctx, state.doc.get()); });
    if (!counted)
        return tl::make_unexpected(state.explain(counted.error()));
    TRY(state.set_page_count(count));
    return {};
}

// Chapters of the book (caller holds the lock); MalformedDocument when there are none.
Result<int> count_chapters(const Document::State& state)
{
    fz_context* ctx = state.ctx.get();
    int chapters = 0;
    auto counted = guarded(ctx, ErrorKind::MalformedDocument, "reading the spine",
        [&] { chapters = fz_count_chapters(ctx, state.doc.get()); });
    if (!counted)
        return tl::make_unexpected(state.explain(counted.error()));
    if (chapters <= 0)
        return fail(ErrorKind::MalformedDocument, "the book has no pages");
    return chapters;
}

// Pages of one chapter (caller holds the lock): MuPDF lays the chapter out
// unless it already has.
Result<int> count_chapter(const Document::State& state, int chapter)
{
    fz_context* ctx = state.ctx.get();
    int pages = 0;
    auto counted = guarded(ctx, ErrorKind::MalformedDocument, "laying out the book",
        [&] { pages = fz_count_chapter_pages(ctx, state.doc.get(), chapter); });
    if (!counted)
        return tl::make_unexpected(state.explain(counted.error()));
    TRY(state.check_source());
    return pages;
}

std::string metadata(fz_context* ctx, fz_document* doc, const char* key)
{
    std::array<char, 512> buffer {};
    int length = -1;
    auto result = guarded(ctx, ErrorKind::Internal, "reading metadata",
        [&] { length = fz_lookup_metadata(ctx, doc, key, buffer.data(), static_cast<int>(buffer.size())); });
    if (!result || length <= 0)
        return {};
    return std::string(buffer.data(), strnlen(buffer.data(), buffer.size()));
}

// Lays an EPUB out (caller holds the lock or owns the state alone).
Result<void> layout(Document::State& state)
{
    fz_context* ctx = state.ctx.get();
    bool fixed = state.layout == LayoutKind::Fixed;
    Size page = fixed && state.fixed_epub_page ? *state.fixed_epub_page
                                               : Size { state.reflow.page_width, state.reflow.page_height };
    float em = fixed ? 12.0f : std::clamp(state.reflow.font_size, 6.0f, 72.0f);
    std::string css = layout_css(state.reflow, fixed);
    auto laid_out = guarded(ctx, ErrorKind::MalformedDocument, "laying out the book", [&] {
        fz_set_user_css(ctx, css.c_str());
        fz_layout_document(ctx, state.doc.get(), page.width, page.height, em);
    });
    if (!laid_out)
        return tl::make_unexpected(state.explain(laid_out.error()));
    // MuPDF lays chapters out when they are first needed: the count waits
    // until someone asks (count_pages()), so the first page does not wait for it.
    state.page_count.store(-1);
    state.count_error.reset();
    ++state.layout_generation;
    TRY(count_chapters(state));
    return {};
}

}

Result<std::unique_ptr<Document>> Document::open_pdf(
    std::shared_ptr<Engine> engine, std::shared_ptr<drm::ByteSource> plaintext, const OpenOptions& options)
{
    std::array<uint8_t, 1024> head {};
    auto read = plaintext->read_at(0, head);
    if (!read)
        return fail(ErrorKind::SourceFailed,
            std::string(drm::error_code(read.error().kind)) + ": " + read.error().message);
    std::string_view start(reinterpret_cast<const char*>(head.data()), *read);
    if (start.find("%PDF-") == std::string_view::npos)
        return fail(ErrorKind::UnsupportedFormat, "not a PDF (no %PDF- header)");
    auto state = TRY(new_state(std::move(engine), options));
    state->format = DocumentFormat::Pdf;
    TRY(open_stream(*state, std::move(plaintext), "application/pdf"));
    TRY(count_pdf_pages(*state));
    TRY(read_pdf_catalog(*state));
    return std::unique_ptr<Document>(new Document(std::move(state))); // raw-new: private constructor
}

Result<std::unique_ptr<Document>> Document::open_epub(
    std::shared_ptr<Engine> engine, std::shared_ptr<ResourceProvider> resources, const OpenOptions& options)
{
    resources = remembering_metadata(std::move(resources));
    std::string opf_path = package_document_path(*resources);
    bool has_opf = std::any_of(resources->entries().begin(), resources->entries().end(),
        [&](const ResourceEntry& entry) { return entry.path == opf_path; });
    if (!opf_path.empty() && !has_opf)
        resources = repair_missing_package_document(std::move(resources), opf_path);
    auto info = TRY(read_epub_info(*resources, opf_path));
    auto zip = TRY(synthetic_zip(resources));
    auto state = TRY(new_state(std::move(engine), options));
    state->format = DocumentFormat::Epub;
    state->resources = resources;
    state->progression = info.progression;
    state->layout = info.pre_paginated ? LayoutKind::Fixed : LayoutKind::Reflowable;
    state->fixed_epub_page = info.viewport;
    state->nav_path = std::move(info.nav_path);
    TRY(open_stream(*state, std::move(zip), "application/epub+zip"));
    TRY(layout(*state));
    if (!info.title.empty())
        state->title = info.title;
    return std::unique_ptr<Document>(new Document(std::move(state))); // raw-new: private constructor
}

Result<std::unique_ptr<Document>> Document::open_package(std::shared_ptr<Engine> engine,
    std::shared_ptr<drm::Package> package, std::shared_ptr<const drm::SecretBytes> content_key, const OpenOptions& options)
{
    if (package->format() == drm::PublicationFormat::Epub) {
        auto resources = TRY(package_resources(std::move(package), std::move(content_key)));
        return open_epub(std::move(engine), std::move(resources), options);
    }
    auto plaintext = package->open_resource(package->main_resource(), content_key.get());
    if (!plaintext)
        return fail(ErrorKind::SourceFailed,
            std::string(drm::error_code(plaintext.error().kind)) + ": " + plaintext.error().message);
    auto declared = declared_progression(*package);
    auto document = TRY(open_pdf(std::move(engine), std::move(*plaintext), options));
    if (declared)
        document->state().progression = *declared;
    return document;
}

Document::Document(std::unique_ptr<State> state)
    : m_state(std::move(state))
{
}

Document::~Document() = default;

DocumentFormat Document::format() const { return m_state->format; }
LayoutKind Document::layout_kind() const { return m_state->layout; }
ReadingProgression Document::reading_progression() const { return m_state->progression; }
std::string Document::title() const
{
    std::lock_guard lock(m_state->mutex);
    if (!m_state->title)
        m_state->title = metadata(m_state->ctx.get(), m_state->doc.get(), FZ_META_INFO_TITLE);
    return *m_state->title;
}
const ReflowSettings& Document::reflow_settings() const { return m_state->reflow; }

std::optional<int> Document::known_page_count() const
{
    int count = m_state->page_count.load();
    return count >= 0 ? std::optional<int>(count) : std::nullopt;
}

int Document::page_count() const { return count_pages().value_or(0); }

Result<int> Document::count_pages() const
{
    auto& s = *m_state;
    for (;;) {
        if (auto known = known_page_count())
            return *known;
        uint64_t generation = 0;
        int chapters = 0;
        {
            std::lock_guard lock(s.mutex);
            if (s.count_error)
                return tl::make_unexpected(*s.count_error);
            generation = s.layout_generation;
            chapters = TRY(count_chapters(s));
        }
        // One chapter at a time under the lock, so pages render in between.
        int total = 0;
        for (int chapter = 0; chapter < chapters; ++chapter) {
            std::lock_guard lock(s.mutex);
            if (s.layout_generation != generation)
                break;
            auto pages = count_chapter(s, chapter);
            if (!pages) {
                s.count_error = pages.error();
                return tl::make_unexpected(pages.error());
            }
            total += *pages;
            if (static_cast<size_t>(total) > s.options.max_pages)
                break; // set_page_count below says so
        }
        std::lock_guard lock(s.mutex);
        if (s.layout_generation != generation)
            continue; // laid out again meanwhile: count the new layout
        if (s.page_count.load() >= 0)
            return s.page_count.load();
        auto counted = s.set_page_count(total);
        if (!counted)
            s.count_error = counted.error();
        return counted;
    }
}

Result<void> Document::relayout(const ReflowSettings& settings)
{
    if (m_state->layout != LayoutKind::Reflowable)
        return fail(ErrorKind::InvalidArgument, "only reflowable books can change text size");
    std::lock_guard lock(m_state->mutex);
    m_state->reflow = settings;
    return layout(*m_state);
}

Result<Position> Document::position_of(int page) const
{
    std::lock_guard lock(m_state->mutex);
    auto location = TRY(m_state->locate(page));
    fz_context* ctx = m_state->ctx.get();
    fz_bookmark mark = 0;
    TRY(guarded(ctx, ErrorKind::MalformedDocument, "making a bookmark",
        [&] { mark = fz_make_bookmark(ctx, m_state->doc.get(), location); }));
    return Position { static_cast<uint64_t>(mark) };
}

Result<int> Document::page_of(Position position) const
{
    std::lock_guard lock(m_state->mutex);
    fz_context* ctx = m_state->ctx.get();
    int page = -1;
    TRY(guarded(ctx, ErrorKind::MalformedDocument, "finding a bookmark", [&] {
        fz_location location = fz_lookup_bookmark(ctx, m_state->doc.get(), static_cast<fz_bookmark>(position.mark));
        page = fz_page_number_from_location(ctx, m_state->doc.get(), location);
    }));
    if (page < 0)
        return fail(ErrorKind::InvalidArgument, "the position is not in this book");
    int count = m_state->page_count.load();
    return count > 0 ? std::min(page, count - 1) : page;
}

Result<Size> Document::page_size(int page) const
{
    std::lock_guard lock(m_state->mutex);
    auto loaded = TRY(m_state->load_page(page));
    fz_context* ctx = m_state->ctx.get();
    fz_rect bounds {};
    TRY(guarded(ctx, ErrorKind::MalformedDocument, "measuring the page", [&] { bounds = fz_bound_page(ctx, loaded.get()); }));
    return Size { bounds.x1 - bounds.x0, bounds.y1 - bounds.y0 };
}

}
