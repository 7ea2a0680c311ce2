// hondana-cli's reading commands: positions (kept in the user's encrypted
// store and synced with the service) and page rendering, both through
// render/ — the same path the reader app takes.

#include <algorithm>
#include <charconv>
#include <fstream>
#include <iostream>

#include "commands.h"
#include "hondana/drm/byte_source.h"
#include "hondana/render/document.h"

namespace hondana::cli {

using reader::ErrorKind;

namespace {

reader::Error from_render(const render::Error& error)
{
    auto kind = error.kind == render::ErrorKind::InvalidArgument ? ErrorKind::Usage : ErrorKind::ContentInvalid;
    return { kind, "[" + std::string(render::error_code(error.kind)) + "] " + error.message };
}

// The title opened through render/ after every licence check (Reader::title_key).
reader::Result<std::unique_ptr<render::Document>> open_document(
    reader::Reader& reader, const std::string& title_id, const std::shared_ptr<render::Engine>& engine)
{
    auto key = TRY(reader.title_key(title_id));
    auto file = drm::FileByteSource::open(key.second);
    if (!file)
        return reader::fail(ErrorKind::Io, "cannot read " + key.second.string() + ": " + file.error().message);
    auto package = drm::Package::open(std::shared_ptr<drm::ByteSource>(std::move(*file)));
    if (!package)
        return reader::fail(ErrorKind::ContentInvalid,
            "[" + std::string(drm::error_code(package.error().kind)) + "] " + package.error().message);
    auto content_key = std::make_shared<const drm::SecretBytes>(std::move(key.first));
    return render::Document::open_package(engine, std::move(*package), content_key).map_error(from_render);
}

reader::Result<std::shared_ptr<render::Engine>> engine()
{
    return render::Engine::create().map_error(from_render);
}

reader::Result<int> checked_page(const render::Document& document, int page)
{
    int count = TRY(document.count_pages().map_error(from_render));
    if (page < 1 || page > count)
        return reader::fail(ErrorKind::Usage,
            "page " + std::to_string(page) + " is not in the book (1 to " + std::to_string(count) + ")");
    return page - 1;
}

// The 0-based page a stored locator ("mark:<n>;page:<n>") names.
std::optional<int> page_index_of(std::string_view locator)
{
    auto at = locator.find(";page:");
    int page = 0;
    if (at == std::string_view::npos
        || std::from_chars(locator.data() + at + 6, locator.data() + locator.size(), page).ec != std::errc {}
        || page < 0)
        return std::nullopt;
    return page;
}

std::string page_of(std::string_view locator)
{
    auto page = page_index_of(locator);
    return page ? std::to_string(*page + 1) : "?";
}

// The 0-based page a stored position points at in this layout: by its MuPDF
// bookmark first (it survives relayout), else by its page number.
std::optional<int> saved_page(reader::Reader& reader, const std::string& title_id, const render::Document& document)
{
    auto positions = reader.positions();
    if (!positions)
        return std::nullopt;
    auto stored = (*positions)->position(title_id);
    if (!stored || !*stored)
        return std::nullopt;
    const auto& locator = (**stored).locator;
    uint64_t mark = 0;
    if (locator.starts_with("mark:")
        && std::from_chars(locator.data() + 5, locator.data() + locator.size(), mark).ec == std::errc {}) {
        if (auto page = document.page_of(render::Position { mark }))
            return *page;
    }
    return page_index_of(locator);
}

reader::Result<void> write_file(const std::string& path, const std::vector<uint8_t>& bytes)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out)
        return reader::fail(ErrorKind::Io, "cannot write " + path);
    return {};
}

reader::Result<std::string> locator_for_page(reader::Reader& reader, const std::string& title_id, int page)
{
    auto shared_engine = TRY(engine());
    auto document = TRY(open_document(reader, title_id, shared_engine));
    auto index = TRY(checked_page(*document, page));
    auto position = TRY(document->position_of(index).map_error(from_render));
    return "mark:" + std::to_string(position.mark) + ";page:" + std::to_string(index);
}

// Sends and fetches positions when online; offline the position stays here.
void sync_quietly(reader::Reader& reader)
{
    auto synced = reader.sync_positions();
    if (!synced) {
        std::cerr << "hondana-cli: positions not synced: " << synced.error().message << "\n";
        return;
    }
    if (synced->sent || synced->adopted)
        std::cout << "synced positions: sent " << synced->sent << ", took " << synced->adopted << "\n";
}

}

int run_position(reader::Reader& reader, const std::string& title_id, std::optional<int> page)
{
    if (auto failed = resume(reader))
        return *failed;
    auto positions = reader.positions();
    if (!positions)
        return report(positions.error());
    if (page) {
        auto locator = locator_for_page(reader, title_id, *page);
        if (!locator)
            return report(locator.error());
        if (auto saved = (*positions)->save(title_id, *locator); !saved)
            return report(saved.error());
    }
    sync_quietly(reader);
    auto stored = (*positions)->position(title_id);
    if (!stored)
        return report(stored.error());
    if (!*stored) {
        std::cout << "position " << title_id << " none\n";
        return 0;
    }
    const auto& position = **stored;
    std::cout << "position " << title_id << " page " << page_of(position.locator) << " locator " << position.locator
              << " updated " << base::format_rfc3339(position.updated_at) << (position.pending ? " (not sent yet)" : "")
              << "\n";
    return 0;
}

int run_render(reader::Reader& reader, const RenderRequest& request)
{
    if (auto failed = resume(reader))
        return *failed;
    if (request.out.empty())
        return report({ ErrorKind::Usage, "--out FILE.png is required" });
    auto rendered = [&]() -> reader::Result<std::string> {
        auto shared_engine = TRY(engine());
        auto document = TRY(open_document(reader, request.title_id, shared_engine));
        if (!request.page)
            sync_quietly(reader); // a newer place read on another device wins
        int count = TRY(document->count_pages().map_error(from_render));
        int index = request.page
            ? TRY(checked_page(*document, *request.page))
            : std::clamp(saved_page(reader, request.title_id, *document).value_or(0), 0, std::max(0, count - 1));
        auto png = TRY(render::render_page_png(shared_engine, *document, index, request.scale).map_error(from_render));
        TRY(write_file(request.out, png));
        return "rendered " + request.title_id + " page " + std::to_string(index + 1) + " of " + std::to_string(count)
            + (request.page ? "" : " (the reading position)") + " to " + request.out + " (" + std::to_string(png.size())
            + " bytes)";
    }();
    if (!rendered)
        return report(rendered.error());
    std::cout << *rendered << "\n";
    return 0;
}

}
