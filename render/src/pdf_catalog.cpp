// What render/ reads from a PDF's catalog itself: page labels (MuPDF 1.21
// has no API for them) and the reading direction (/ViewerPreferences /Direction).

#include <algorithm>
#include <cstring>

#include "document_state.h"

namespace hondana::render {

using detail::guarded;

namespace {

struct RawLabel {
    int first_page;
    char style;
    const char* prefix; // owned by the document's objects, valid under the lock
    int start;
};

// Walks a number tree (PDF 32000-1 §7.9.7) with bounded depth and size.
void collect_labels(fz_context* ctx, pdf_obj* node, int depth, std::vector<RawLabel>& out)
{
    if (!node || depth > 8 || out.size() > 10000)
        return;
    pdf_obj* nums = pdf_dict_get(ctx, node, PDF_NAME(Nums));
    int length = pdf_array_len(ctx, nums);
    for (int i = 0; i + 1 < length && out.size() <= 10000; i += 2) {
        pdf_obj* label = pdf_array_get(ctx, nums, i + 1);
        const char* style = pdf_to_name(ctx, pdf_dict_get(ctx, label, PDF_NAME(S)));
        pdf_obj* prefix = pdf_dict_get(ctx, label, PDF_NAME(P));
        int start = pdf_to_int(ctx, pdf_dict_gets(ctx, label, "St"));
        out.push_back({ pdf_to_int(ctx, pdf_array_get(ctx, nums, i)), style[0],
            prefix ? pdf_to_text_string(ctx, prefix) : "", start > 0 ? start : 1 });
    }
    pdf_obj* kids = pdf_dict_get(ctx, node, PDF_NAME(Kids));
    for (int i = 0; i < pdf_array_len(ctx, kids); ++i)
        collect_labels(ctx, pdf_array_get(ctx, kids, i), depth + 1, out);
}

std::string roman(int number, bool upper)
{
    static constexpr std::pair<int, const char*> digits[] = { { 1000, "m" }, { 900, "cm" }, { 500, "d" },
        { 400, "cd" }, { 100, "c" }, { 90, "xc" }, { 50, "l" }, { 40, "xl" }, { 10, "x" }, { 9, "ix" },
        { 5, "v" }, { 4, "iv" }, { 1, "i" } };
    std::string out;
    number = std::min(number, 100000);
    for (const auto& [value, text] : digits) {
        while (number >= value) {
            out += text;
            number -= value;
        }
    }
    if (upper)
        std::transform(out.begin(), out.end(), out.begin(), [](char c) { return static_cast<char>(c - 'a' + 'A'); });
    return out;
}

// A, B, …, Z, AA, BB, … (PDF 32000-1 §12.4.2).
std::string letters(int number, bool upper)
{
    number = std::clamp(number, 1, 26 * 100);
    char letter = static_cast<char>((upper ? 'A' : 'a') + (number - 1) % 26);
    return std::string(static_cast<size_t>((number - 1) / 26 + 1), letter);
}

}

std::string format_page_label(const std::vector<PageLabelRange>& ranges, int page)
{
    const PageLabelRange* range = nullptr;
    for (const auto& candidate : ranges) {
        if (candidate.first_page <= page)
            range = &candidate;
    }
    if (!range)
        return std::to_string(page + 1);
    int number = range->start + (page - range->first_page);
    switch (range->style) {
    case 'D':
        return range->prefix + std::to_string(number);
    case 'R':
    case 'r':
        return range->prefix + roman(number, range->style == 'R');
    case 'A':
    case 'a':
        return range->prefix + letters(number, range->style == 'A');
    default:
        return range->prefix;
    }
}

Result<void> read_pdf_catalog(Document::State& state)
{
    fz_context* ctx = state.ctx.get();
    std::vector<RawLabel> raw;
    bool right_to_left = false;
    auto read = guarded(ctx, ErrorKind::MalformedDocument, "reading the catalog", [&] {
        pdf_document* pdf = pdf_document_from_fz_document(ctx, state.doc.get());
        if (!pdf)
            return;
        pdf_obj* root = pdf_dict_get(ctx, pdf_trailer(ctx, pdf), PDF_NAME(Root));
        collect_labels(ctx, pdf_dict_gets(ctx, root, "PageLabels"), 0, raw);
        pdf_obj* direction = pdf_dict_getp(ctx, root, "ViewerPreferences/Direction");
        right_to_left = direction && strcmp(pdf_to_name(ctx, direction), "R2L") == 0;
    });
    if (!read)
        return {}; // a broken catalog entry costs labels and direction, not the book
    for (const auto& label : raw) {
        if (label.first_page >= 0 && label.first_page < state.page_count)
            state.labels.push_back({ label.first_page, label.style, label.prefix, label.start });
    }
    std::sort(state.labels.begin(), state.labels.end(),
        [](const auto& a, const auto& b) { return a.first_page < b.first_page; });
    if (right_to_left)
        state.progression = ReadingProgression::RightToLeft;
    return {};
}

}
