#pragma once

// An opened publication. PDF opens from a seekable plaintext stream; EPUB from
// a synthetic stored ZIP over its resources (resources.h). All MuPDF work on a
// document is serialized by the document's own lock, so every method may be
// called from any thread; rendering of prepared pages runs outside that lock
// (renderer.h).

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hondana/drm/byte_source.h"
#include "hondana/drm/package.h"
#include "hondana/render/engine.h"
#include "hondana/render/resources.h"
#include "hondana/render/types.h"

namespace hondana::render {

struct OpenOptions {
    ReflowSettings reflow;         // initial layout of reflowable books
    size_t stream_block_size { 64 * 1024 };
    size_t stream_cached_blocks { 4 };
    size_t max_pages { 100000 };   // more is treated as a malformed book
};

class Document {
public:
    // PDF from its plaintext. UnsupportedFormat, MalformedDocument,
    // SourceFailed (the decryptor refused: tampered, truncated), LimitExceeded.
    [[nodiscard]] static Result<std::unique_ptr<Document>> open_pdf(
        std::shared_ptr<Engine> engine, std::shared_ptr<drm::ByteSource> plaintext, const OpenOptions& options = {});
    // EPUB from its resources (presented to MuPDF as a synthetic stored ZIP).
    [[nodiscard]] static Result<std::unique_ptr<Document>> open_epub(
        std::shared_ptr<Engine> engine, std::shared_ptr<ResourceProvider> resources, const OpenOptions& options = {});
    // Either format from a drm package and its content key (null for a package in clear).
    [[nodiscard]] static Result<std::unique_ptr<Document>> open_package(std::shared_ptr<Engine> engine,
        std::shared_ptr<drm::Package> package, std::shared_ptr<const drm::SecretBytes> content_key,
        const OpenOptions& options = {});
    ~Document();
    Document(const Document&) = delete;
    Document& operator=(const Document&) = delete;

    [[nodiscard]] DocumentFormat format() const;
    [[nodiscard]] LayoutKind layout_kind() const;
    [[nodiscard]] ReadingProgression reading_progression() const;
    // The title (EPUB dc:title, else the book's metadata; empty when none).
    // Read from the book on first call, under the document lock.
    [[nodiscard]] std::string title() const;

    // Page counts. A PDF's is known at open (its page tree says). An EPUB's is
    // not: MuPDF must lay out every chapter to count it, and the first page
    // needs only the first chapter, so a reader shows that page first and
    // counts afterwards (off the UI thread). Until then every page method
    // accepts any page from 0 and lays out only the chapters up to it; a page
    // past the end is InvalidArgument (and finding that out counts the book).
    // The count is unknown again after relayout().
    //
    // The count if known, without counting (nullopt for an EPUB not yet counted).
    [[nodiscard]] std::optional<int> known_page_count() const;
    // Counts the pages if nobody has (EPUB: lays out each chapter not yet laid
    // out, one chapter per hold of the document lock, so rendering goes on in
    // between). MalformedDocument, SourceFailed or LimitExceeded when a chapter
    // cannot be laid out or the book has more than OpenOptions::max_pages.
    [[nodiscard]] Result<int> count_pages() const;
    // count_pages(), or 0 when counting failed. Blocks while counting.
    [[nodiscard]] int page_count() const;

    // Page bounds in points. InvalidArgument for a page out of range.
    // (Every page method below: a page past the end is InvalidArgument, see above.)
    [[nodiscard]] Result<Size> page_size(int page) const;
    // The printed label: PDF /PageLabels when present, else the page number from 1.
    [[nodiscard]] std::string page_label(int page) const;
    [[nodiscard]] Result<std::vector<OutlineItem>> outline() const;
    // Text of a page in reading order, lines separated by '\n'.
    [[nodiscard]] Result<std::string> page_text(int page) const;
    // Case-insensitive search of one page; up to `max_hits` hits.
    [[nodiscard]] Result<SearchHit> search_page(int page, std::string_view needle, int max_hits = 64) const;
    // Links of a page; anything off the book is Blocked and never followed.
    [[nodiscard]] Result<std::vector<Link>> links(int page) const;

    // Reflowable books only (InvalidArgument otherwise): lays the book out
    // again; page numbers change, Positions do not.
    [[nodiscard]] Result<void> relayout(const ReflowSettings& settings);
    [[nodiscard]] const ReflowSettings& reflow_settings() const;
    [[nodiscard]] Result<Position> position_of(int page) const;
    [[nodiscard]] Result<int> page_of(Position position) const;

    // Renders a whole page (or `tile`, in pixels at `scale`) on the calling
    // thread. Convenience for tools; the reader uses Renderer.
    [[nodiscard]] Result<PageImage> render_page(int page, float scale, Theme theme = Theme::Normal) const;
    // One tile of the page at `scale` (pixels outside the page are cut off;
    // InvalidArgument when nothing is left).
    [[nodiscard]] Result<PageImage> render_tile(int page, float scale, PixelRect tile, Theme theme = Theme::Normal) const;

    struct State;
    [[nodiscard]] State& state() const { return *m_state; }

private:
    explicit Document(std::unique_ptr<State> state);
    [[nodiscard]] std::vector<OutlineItem> navigation_outline() const;
    std::unique_ptr<State> m_state;
};

// PNG bytes of a rendered image (for screenshots and `hondana-cli render`).
[[nodiscard]] Result<std::vector<uint8_t>> encode_png(std::shared_ptr<Engine> engine, const PageImage& image);

// One call for `hondana-cli render ID --page N --out page.png [--scale S]`:
// page `page` (0-based) at `scale` as PNG bytes, through the same path as the reader.
[[nodiscard]] Result<std::vector<uint8_t>> render_page_png(
    std::shared_ptr<Engine> engine, const Document& document, int page, float scale, Theme theme = Theme::Normal);

}
