#include "sample_pdf_catalog.h"

#include <system_error>

namespace hondana::samples {

using render::ErrorKind;
using render::detail::guarded;

namespace {

void put_labels(fz_context* ctx, pdf_document* doc, pdf_obj* root, const char* cover_label)
{
    pdf_obj* labels = pdf_dict_puts_dict(ctx, root, "PageLabels", 1);
    pdf_obj* nums = pdf_dict_put_array(ctx, labels, PDF_NAME(Nums), 4);
    pdf_array_push_int(ctx, nums, 0);
    pdf_obj* cover = pdf_array_push_dict(ctx, nums, 1);
    pdf_dict_put_text_string(ctx, cover, PDF_NAME(P), cover_label);
    pdf_array_push_int(ctx, nums, 1);
    pdf_obj* numbered = pdf_array_push_dict(ctx, nums, 2);
    pdf_dict_put_name(ctx, numbered, PDF_NAME(S), "D");
    pdf_dict_puts_drop(ctx, numbered, "St", pdf_new_int(ctx, 1));
    (void)doc;
}

void put_outline(fz_context* ctx, pdf_document* doc, pdf_obj* root, const std::vector<OutlineEntry>& entries)
{
    pdf_obj* outlines = pdf_add_new_dict(ctx, doc, 4);
    pdf_dict_put_drop(ctx, root, PDF_NAME(Outlines), outlines);
    pdf_dict_put_name(ctx, outlines, PDF_NAME(Type), "Outlines");
    pdf_obj* previous = nullptr;
    int count = 0;
    for (const auto& entry : entries) {
        pdf_obj* item = pdf_add_new_dict(ctx, doc, 6);
        pdf_dict_put_text_string(ctx, item, PDF_NAME(Title), entry.title.c_str());
        pdf_dict_put(ctx, item, PDF_NAME(Parent), outlines);
        pdf_obj* dest = pdf_dict_put_array(ctx, item, PDF_NAME(Dest), 2);
        pdf_array_push(ctx, dest, pdf_lookup_page_obj(ctx, doc, entry.page));
        pdf_array_push_name(ctx, dest, "Fit");
        if (previous) {
            pdf_dict_put(ctx, item, PDF_NAME(Prev), previous);
            pdf_dict_put(ctx, previous, PDF_NAME(Next), item);
            pdf_drop_obj(ctx, previous);
        } else {
            pdf_dict_put(ctx, outlines, PDF_NAME(First), item);
        }
        previous = item;
        ++count;
    }
    if (previous) {
        pdf_dict_put(ctx, outlines, PDF_NAME(Last), previous);
        pdf_drop_obj(ctx, previous);
    }
    pdf_dict_put_int(ctx, outlines, PDF_NAME(Count), count);
}

}

render::Result<void> edit_pdf_catalog(fz_context* ctx, const std::filesystem::path& path, const CatalogEdits& edits)
{
    std::string source = path.string();
    std::string temporary = source + ".tmp";
    const char* cover_label = edits.language == "ja" ? "表紙" : "Cover";
    pdf_document* doc = nullptr;
    TRY(guarded(ctx, ErrorKind::Internal, "editing the PDF catalog", [&] {
        doc = pdf_open_document(ctx, source.c_str());
        fz_try(ctx)
        {
            // Adding an object starts a new xref section with its own copy
            // of the trailer, so the trailer is looked up after that.
            pdf_obj* info = pdf_add_new_dict(ctx, doc, 2);
            pdf_obj* trailer = pdf_trailer(ctx, doc);
            pdf_dict_put_drop(ctx, trailer, PDF_NAME(Info), info);
            pdf_obj* root = pdf_dict_get(ctx, trailer, PDF_NAME(Root));
            pdf_dict_put_text_string(ctx, info, PDF_NAME(Title), edits.title.c_str());
            pdf_dict_put_text_string(ctx, root, PDF_NAME(Lang), edits.language.c_str());
            if (edits.right_to_left) {
                pdf_obj* preferences = pdf_dict_puts_dict(ctx, root, "ViewerPreferences", 1);
                pdf_dict_puts_drop(ctx, preferences, "Direction", pdf_new_name(ctx, "R2L"));
            }
            if (edits.labels_start_after_cover)
                put_labels(ctx, doc, root, cover_label);
            if (!edits.outline.empty())
                put_outline(ctx, doc, root, edits.outline);
            pdf_write_options options = pdf_default_write_options;
            options.do_compress = 1;
            options.do_garbage = 1;
            pdf_save_document(ctx, doc, temporary.c_str(), &options);
        }
        fz_always(ctx) pdf_drop_document(ctx, doc);
        fz_catch(ctx) fz_rethrow(ctx);
    }));
    std::error_code error;
    std::filesystem::rename(temporary, path, error);
    if (error)
        return render::fail(ErrorKind::Internal, "cannot replace " + source + ": " + error.message());
    return {};
}

}
