#pragma once

// Document internals shared by render/ sources.

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "byte_stream.h"
#include "engine_state.h"
#include "hondana/render/document.h"

namespace hondana::render {

// One /PageLabels range: pages from `first_page` on are labelled
// prefix + number in `style` ('D', 'R', 'r', 'A', 'a' or 0 for none), counting from `start`.
struct PageLabelRange {
    int first_page { 0 };
    char style { 'D' };
    std::string prefix;
    int start { 1 };
};

// An entry of an EPUB 3 navigation document (MuPDF 1.21 reads only NCX).
struct NavEntry {
    std::string title;
    std::string target; // path in the package, with any #fragment
    int depth { 0 };
};

struct Document::State {
    std::shared_ptr<Engine> engine;
    detail::ContextHandle ctx; // declared before `doc`: dropped after it
    std::shared_ptr<detail::SourceStatus> status;
    std::shared_ptr<drm::ByteSource> source;
    std::shared_ptr<ResourceProvider> resources;
    detail::DocumentHandle doc;
    mutable std::mutex mutex;

    OpenOptions options;
    DocumentFormat format { DocumentFormat::Pdf };
    LayoutKind layout { LayoutKind::Fixed };
    ReadingProgression progression { ReadingProgression::LeftToRight };
    // The EPUB's dc:title; else MuPDF's metadata, read on first title() (the
    // first page does not need it). Under `mutex`.
    mutable std::optional<std::string> title;
    // Pages in the book, or -1 until counted. Written under `mutex`, read
    // anywhere: an EPUB is counted only after its first page (every chapter
    // must be laid out to count it), a PDF at open (its page tree says).
    mutable std::atomic<int> page_count { -1 };
    uint64_t layout_generation { 0 }; // grows with every relayout (under `mutex`)
    std::optional<Error> count_error; // why counting this layout failed (under `mutex`)
    ReflowSettings reflow;
    std::optional<Size> fixed_epub_page; // pre-paginated EPUB: the viewport of its pages
    std::vector<PageLabelRange> labels;
    std::string nav_path; // EPUB 3 navigation document, read only when MuPDF finds no NCX
    mutable std::optional<std::vector<NavEntry>> navigation; // read from nav_path (under `mutex`)

    // The error to report for a failed MuPDF call: the source's own error
    // when the source failed underneath, else `error`.
    [[nodiscard]] Error explain(Error error) const;
    // The source's error if it failed underneath a MuPDF call that went on
    // regardless: MuPDF reads a ZIP entry whose read failed as a truncated
    // one, which would draw a tampered chapter as a short or blank page.
    [[nodiscard]] Result<void> check_source() const;
    // Whether `page` may be in the book: not negative, and below the count when it is known.
    [[nodiscard]] bool may_hold(int page) const;
    // The chapter and page of `page` (caller holds `mutex`). With the count
    // unknown, lays out the chapters up to that page only; running off the
    // end of the book counts it. InvalidArgument for a page outside the book.
    [[nodiscard]] Result<fz_location> locate(int page) const;
    // Records the count after checking it (caller holds `mutex`).
    [[nodiscard]] Result<int> set_page_count(int count) const;
    // Loads a page (caller holds `mutex`). The handle drops with `ctx`.
    [[nodiscard]] Result<detail::PageHandle> load_page(int page) const;
};

// Label text for `page` (0-based) under `ranges` (sorted by first_page).
[[nodiscard]] std::string format_page_label(const std::vector<PageLabelRange>& ranges, int page);
// Reads /PageLabels and /ViewerPreferences /Direction of a PDF (caller holds the lock).
[[nodiscard]] Result<void> read_pdf_catalog(Document::State& state);

// The readingProgression a PDF package's manifest.json declares ("rtl" or
// "ltr"); nullopt when it declares none (or "auto") or has no readable manifest.
[[nodiscard]] std::optional<ReadingProgression> declared_progression(drm::Package& package);

// What the OPF says that MuPDF 1.21 does not tell us.
struct EpubInfo {
    std::string nav_path; // the EPUB 3 navigation document, if the OPF names one
    std::string title;
    ReadingProgression progression { ReadingProgression::LeftToRight };
    bool pre_paginated { false };
    std::optional<Size> viewport; // of the first spine item, for pre-paginated books
};
// `opf_path` is package_document_path()'s answer (empty: the error says why).
[[nodiscard]] Result<EpubInfo> read_epub_info(ResourceProvider& resources, const std::string& opf_path);
// The entries of the navigation document at `nav_path` (none when it cannot be read).
[[nodiscard]] std::vector<NavEntry> read_navigation(ResourceProvider& resources, const std::string& nav_path);
// The path of the package document named by META-INF/container.xml (empty when none).
[[nodiscard]] std::string package_document_path(ResourceProvider& resources);
// `resources`, keeping the plaintext of META-INF/container.xml and the
// package document once read (both are read again by MuPDF at open).
[[nodiscard]] std::shared_ptr<ResourceProvider> remembering_metadata(std::shared_ptr<ResourceProvider> resources);
// `resources` plus a package document made from their XHTML files, at `opf_path`.
[[nodiscard]] std::shared_ptr<ResourceProvider> repair_missing_package_document(
    std::shared_ptr<ResourceProvider> resources, const std::string& opf_path);
// The entries of the `toc` nav in an EPUB 3 navigation document whose path is `nav_path`.
[[nodiscard]] std::vector<NavEntry> parse_navigation(std::string_view nav, const std::string& nav_path);

// For a ZIP made by synthetic_zip(): where a stream read from an offset stops
// so that it touches one resource's bytes (StreamOptions::read_end); empty otherwise.
[[nodiscard]] std::function<uint64_t(uint64_t)> synthetic_zip_read_end(const std::shared_ptr<drm::ByteSource>& zip);

// The user style sheet for a layout: text size is MuPDF's em, line spacing and
// margins come from here.
[[nodiscard]] std::string layout_css(const ReflowSettings& settings, bool fixed_layout);

}
