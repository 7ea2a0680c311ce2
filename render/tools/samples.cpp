#include <fstream>

#include <nlohmann/json.hpp>

#include "hondana/samples/samples.h"

namespace hondana::samples {

using render::ErrorKind;

namespace {

render::Result<GeneratedSample> make_pdf(const std::filesystem::path& assets, const std::filesystem::path& out,
    const std::string& id, const std::string& text, const std::string& language, bool rtl)
{
    auto book = TRY(load_book_text(assets / "samples" / text));
    GeneratedSample sample { id, out / (id + ".pdf"), book.title, language, rtl ? "rtl" : "ltr", "application/pdf", 0 };
    sample.pages = TRY(write_picture_pdf(book, sample.path, PdfOptions { language, rtl, 0 }));
    return sample;
}

render::Result<GeneratedSample> make_epub(const std::filesystem::path& assets, const std::filesystem::path& out,
    const std::string& id, const std::string& text, const std::string& language, bool rtl)
{
    auto book = TRY(load_book_text(assets / "samples" / text));
    GeneratedSample sample { id, out / (id + ".epub"), book.title, language, rtl ? "rtl" : "ltr", "application/epub+zip", 0 };
    TRY(write_epub(book, sample.path, EpubOptions { language, "urn:hondana:sample:" + id, rtl }));
    return sample;
}

}

render::Result<std::vector<GeneratedSample>> make_samples(
    const std::filesystem::path& assets_dir, const std::filesystem::path& output_dir)
{
    std::error_code error;
    std::filesystem::create_directories(output_dir, error);
    if (error)
        return render::fail(ErrorKind::InvalidArgument, "cannot create " + output_dir.string() + ": " + error.message());
    std::vector<GeneratedSample> samples;
    samples.push_back(TRY(make_pdf(assets_dir, output_dir, "kitsune-picture-book", "kitsune-picture-book.ja.txt", "ja", true)));
    samples.push_back(TRY(make_pdf(assets_dir, output_dir, "fox-in-kyoto", "fox-in-kyoto.en.txt", "en", false)));
    samples.push_back(TRY(make_epub(assets_dir, output_dir, "kitsune-novel", "kitsune-novel.ja.txt", "ja", true)));
    samples.push_back(TRY(make_epub(assets_dir, output_dir, "fox-novel", "fox-novel.en.txt", "en", false)));

    nlohmann::json list = nlohmann::json::array();
    for (const auto& sample : samples) {
        list.push_back({ { "id", sample.id }, { "file", sample.path.filename().string() }, { "title", sample.title },
            { "language", sample.language }, { "readingProgression", sample.reading_progression },
            { "mediaType", sample.media_type }, { "identifier", "urn:hondana:sample:" + sample.id } });
    }
    std::ofstream manifest(output_dir / "samples.json");
    manifest << nlohmann::json { { "canary", std::string(canary_sentence) }, { "samples", list } }.dump(2) << "\n";
    if (!manifest)
        return render::fail(ErrorKind::InvalidArgument, "cannot write samples.json in " + output_dir.string());
    return samples;
}

}
