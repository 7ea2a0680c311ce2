// hondana-make-samples: writes the sample titles (and samples.json) into a folder.
//   hondana-make-samples --out DIR [--assets DIR]
//   hondana-make-samples --out DIR --illustrated-pages 300   (one long English PDF, for benchmarks)

#include <iostream>

#include <CLI/CLI.hpp>

#include "hondana/samples/samples.h"

int main(int argc, char** argv)
{
    using namespace hondana;
    CLI::App app { "Writes Hondana's sample titles" };
    std::string out;
    std::string assets = samples::default_assets_dir().string();
    int illustrated_pages = 0;
    app.add_option("--out", out, "output folder")->required();
    app.add_option("--assets", assets, "the assets folder with samples/*.txt");
    app.add_option("--illustrated-pages", illustrated_pages, "only write fox-in-kyoto-long.pdf with this many pages");
    CLI11_PARSE(app, argc, argv);

    if (illustrated_pages > 0) {
        auto book = samples::load_book_text(std::filesystem::path(assets) / "samples" / "fox-in-kyoto.en.txt");
        if (!book) {
            std::cerr << "hondana-make-samples: " << book.error().message << "\n";
            return 1;
        }
        std::filesystem::create_directories(out);
        auto path = std::filesystem::path(out) / "fox-in-kyoto-long.pdf";
        auto pages = samples::write_picture_pdf(*book, path, { "en", false, illustrated_pages });
        if (!pages) {
            std::cerr << "hondana-make-samples: " << render::error_code(pages.error().kind) << ": " << pages.error().message << "\n";
            return 1;
        }
        std::cout << path.string() << "\t" << *pages << " pages\n";
        return 0;
    }
    auto made = samples::make_samples(assets, out);
    if (!made) {
        std::cerr << "hondana-make-samples: " << render::error_code(made.error().kind) << ": " << made.error().message << "\n";
        return 1;
    }
    for (const auto& sample : *made)
        std::cout << sample.id << "\t" << sample.path.string() << "\t" << sample.reading_progression << "\n";
    return 0;
}
