#include <fstream>
#include <sstream>

#include "hondana/samples/samples.h"

namespace hondana::samples {

using render::ErrorKind;

render::Result<BookText> parse_book_text(std::string_view text)
{
    BookText book;
    std::string page;
    auto flush_page = [&] {
        if (!page.empty())
            book.pages.push_back(page);
        page.clear();
    };
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos)
            end = text.size();
        std::string line(text.substr(start, end - start));
        start = end + 1;
        if (line.rfind("# ", 0) == 0) {
            if (book.title.empty())
                book.title = line.substr(2);
            else
                book.subtitle.push_back(line.substr(2));
        } else if (line == "---") {
            flush_page();
        } else if (line.rfind("@ ", 0) == 0) {
            book.chapters.push_back({ line.substr(2), {} });
        } else if (!line.empty()) {
            if (!book.chapters.empty())
                book.chapters.back().second.push_back(line);
            else
                page += (page.empty() ? "" : " ") + line;
        }
        if (end == text.size())
            break;
    }
    flush_page();
    if (book.title.empty())
        return render::fail(ErrorKind::InvalidArgument, "a sample text needs a '# ' title line");
    if (book.pages.empty() && book.chapters.empty())
        return render::fail(ErrorKind::InvalidArgument, "a sample text needs pages or chapters");
    return book;
}

render::Result<BookText> load_book_text(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return render::fail(ErrorKind::InvalidArgument, "cannot read " + path.string());
    std::stringstream buffer;
    buffer << in.rdbuf();
    return parse_book_text(buffer.str());
}

}
