#include "hondana/sync/content_prefetch.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>

#include "hondana/platform/files.h"
#include "hondana/sync/service_client.h"
#include "part_files.h"

namespace hondana::sync {

namespace fs = std::filesystem;

namespace {

Error io_error(const fs::path& path)
{
    return Error { ErrorKind::Io, "cannot write " + path.string() + ": " + std::strerror(errno) };
}

}

Result<PrefetchResult> prefetch_content(
    HttpClient& client, const PrefetchRequest& request, const ProgressCallback& progress)
{
    PrefetchResult result;
    std::error_code error;
    if (fs::exists(request.destination, error)) {
        result.length = detail::size_or_zero(request.destination);
        result.already_complete = true;
        return result;
    }
    fs::path part = request.destination.string() + ".part";
    fs::path etag_path = request.destination.string() + ".part.etag";
    uint64_t offset = detail::size_or_zero(part);
    std::string etag = detail::first_line(etag_path);
    HttpRequest http { "GET", request.url, request.headers, {}, Idempotent::Yes, 64 * 1024 };
    bool resuming = offset > 0 && !etag.empty();
    if (resuming) {
        http.headers.emplace_back("Range", "bytes=" + std::to_string(offset) + "-");
        http.headers.emplace_back("If-Range", etag);
    }
    std::optional<std::ofstream> file;
    uint64_t base = 0;
    BodySink sink = [&](const HttpResponse& head, drm::ByteView bytes) -> Result<void> {
        if (!file) {
            bool partial = resuming && head.status == 206;
            base = partial ? offset : 0;
            if (!partial) {
                auto text = head.header("etag").value_or("");
                TRY(platform::write_file_atomic(etag_path, drm::as_bytes(text), 0600)
                        .map_error([](const platform::Error& e) {
                            return Error { ErrorKind::Io, e.message };
                        }));
            }
            file.emplace(part, std::ios::binary | (partial ? std::ios::app : std::ios::trunc));
            if (!*file)
                return tl::make_unexpected(io_error(part));
        }
        file->write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        if (!*file)
            return tl::make_unexpected(io_error(part));
        result.transferred += bytes.size();
        return {};
    };
    ProgressCallback on_progress = [&](uint64_t received, uint64_t total) {
        if (progress)
            progress(base + received, total ? base + total : 0);
    };
    auto response = TRY(client.stream(http, sink, on_progress));
    if (file) {
        file->flush();
        if (!*file)
            return tl::make_unexpected(io_error(part));
    }
    bool complete_already = response.status == 416 && resuming;
    if (!complete_already && (response.status < 200 || response.status >= 300))
        return tl::make_unexpected(error_from_response(response, "GET " + request.url));
    result.length = detail::size_or_zero(part);
    return result;
}

}
