#include "hondana/sync/downloader.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <thread>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hondana/drm/package.h"
#include "hondana/platform/files.h"
#include "part_files.h"

namespace hondana::sync {

namespace fs = std::filesystem;

namespace {

// An append-only file descriptor for the partial download.
class PartFile {
public:
    static Result<PartFile> open(const fs::path& path, bool truncate)
    {
        int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : O_APPEND);
        int fd = ::open(path.c_str(), flags, 0600);
        if (fd < 0)
            return fail(ErrorKind::Io, "cannot open " + path.string() + ": " + std::strerror(errno));
        return PartFile(fd, path);
    }
    PartFile(PartFile&& other) noexcept
        : m_fd(std::exchange(other.m_fd, -1))
        , m_path(std::move(other.m_path))
    {
    }
    PartFile(const PartFile&) = delete;
    ~PartFile()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Result<void> append(drm::ByteView bytes)
    {
        size_t done = 0;
        while (done < bytes.size()) {
            ssize_t n = ::write(m_fd, bytes.data() + done, bytes.size() - done);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return fail(ErrorKind::Io, "cannot write " + m_path.string() + ": " + std::strerror(errno));
            done += static_cast<size_t>(n);
        }
        return {};
    }
    Result<void> sync()
    {
        if (::fsync(m_fd) != 0)
            return fail(ErrorKind::Io, "cannot sync " + m_path.string() + ": " + std::strerror(errno));
        return {};
    }

private:
    PartFile(int fd, fs::path path)
        : m_fd(fd)
        , m_path(std::move(path))
    {
    }
    int m_fd;
    fs::path m_path;
};

Result<void> write_small(const fs::path& path, const std::string& text)
{
    return platform::write_file_atomic(path, drm::as_bytes(text), 0600).map_error([](const platform::Error& e) {
        return Error { ErrorKind::Io, e.message };
    });
}

struct Paths {
    fs::path part;
    fs::path etag;
};

// SHA-256 of the part file's bytes, kept up to date as bytes arrive, so a
// finished download is verified without reading it again.
struct PartHash {
    drm::Sha256 hasher;
    uint64_t hashed { 0 };

    void reset()
    {
        hasher = drm::Sha256();
        hashed = 0;
    }
    void update(drm::ByteView bytes)
    {
        hasher.update(bytes);
        hashed += bytes.size();
    }
    // Brings the hash level with the part file (after a restart or an earlier run).
    Result<void> catch_up(const fs::path& part)
    {
        uint64_t size = detail::size_or_zero(part);
        if (hashed > size)
            reset();
        if (hashed == size)
            return {};
        std::ifstream file(part, std::ios::binary);
        file.seekg(static_cast<std::streamoff>(hashed));
        std::vector<uint8_t> buffer(1 << 20);
        while (hashed < size && file) {
            file.read(reinterpret_cast<char*>(buffer.data()),
                static_cast<std::streamsize>(std::min<uint64_t>(buffer.size(), size - hashed)));
            auto got = static_cast<size_t>(file.gcount());
            if (got == 0)
                break;
            update({ buffer.data(), got });
        }
        if (hashed != size)
            return fail(ErrorKind::Io, "cannot read " + part.string());
        return {};
    }
};

Result<bool> verify_and_commit(const DownloadRequest& request, const Paths& paths, PartHash& part_hash)
{
    TRY(part_hash.catch_up(paths.part));
    auto hash = std::optional<std::string>(drm::hex_encode(part_hash.hasher.finish()));
    uint64_t length = detail::size_or_zero(paths.part);
    bool length_ok = !request.expected_length || *request.expected_length == length;
    if (!length_ok || *hash != request.expected_sha256) {
        std::error_code ignored;
        fs::remove(paths.part, ignored);
        fs::remove(paths.etag, ignored);
        return fail(ErrorKind::HashMismatch,
            "downloaded content does not match the licence (length " + std::to_string(length) + ", sha256 " + *hash
                + "); it was discarded");
    }
    {
        auto file = TRY(PartFile::open(paths.part, false));
        TRY(file.sync());
    }
    if (::rename(paths.part.c_str(), request.destination.c_str()) != 0)
        return fail(ErrorKind::Io, "cannot move the download into place: " + std::string(std::strerror(errno)));
    std::error_code ignored;
    fs::remove(paths.etag, ignored);
    TRY(platform::sync_directory(request.destination.parent_path()).map_error([](const platform::Error& e) {
        return Error { ErrorKind::Io, e.message };
    }));
    return true;
}

// One transfer from `offset`. Returns true when the server says the file is complete.
Result<void> transfer_once(HttpClient& client, const DownloadRequest& request, const Paths& paths, uint64_t offset,
    DownloadResult& result, PartHash& part_hash, const ProgressCallback& progress)
{
    HttpRequest http { "GET", request.url, request.headers, {}, Idempotent::Yes, 64 * 1024 };
    std::string etag = detail::first_line(paths.etag);
    bool resuming = offset > 0 && !etag.empty();
    if (resuming) {
        http.headers.emplace_back("Range", "bytes=" + std::to_string(offset) + "-");
        http.headers.emplace_back("If-Range", etag);
    }
    std::optional<PartFile> file;
    uint64_t base = 0;
    // curl calls the sink only after the headers, and only for 2xx: a 206
    // continues the part file, a 200 (new ETag, or no range support) restarts it.
    BodySink sink = [&](const HttpResponse& head, drm::ByteView bytes) -> Result<void> {
        if (!file) {
            bool partial = resuming && head.status == 206;
            base = partial ? offset : 0;
            if (!partial) {
                TRY(write_small(paths.etag, head.header("etag").value_or("")));
                part_hash.reset();
            }
            file.emplace(TRY(PartFile::open(paths.part, !partial)));
        }
        result.transferred += bytes.size();
        part_hash.update(bytes);
        return file->append(bytes);
    };
    ProgressCallback on_progress = [&](uint64_t received, uint64_t total) {
        if (progress)
            progress(base + received, total ? base + total : request.expected_length.value_or(0));
    };
    auto response = TRY(client.stream(http, sink, on_progress));
    if (response.status == 416 && offset > 0)
        return {}; // we have everything already (verified next)
    if (response.status < 200 || response.status >= 300)
        return fail(
            ErrorKind::HttpStatus, "download of " + request.url + " answered " + std::to_string(response.status));
    if (!file) {
        // An empty 2xx body: the part file is whatever the status implies.
        if (response.status == 200)
            file.emplace(TRY(PartFile::open(paths.part, true)));
    }
    return {};
}

}

Result<DownloadResult> download(HttpClient& client, const DownloadRequest& request, const ProgressCallback& progress)
{
    DownloadResult result;
    Paths paths { request.destination, request.destination };
    paths.part += ".part";
    paths.etag += ".part.etag";
    std::error_code error;
    if (fs::exists(request.destination, error)) {
        auto hash = drm::sha256_file_hex(request.destination);
        if (hash && *hash == request.expected_sha256) { // not-secret: a public content digest
            result.length = detail::size_or_zero(request.destination);
            result.already_complete = true;
            return result;
        }
        fs::remove(request.destination, error);
    }
    if (detail::size_or_zero(paths.part) > 0)
        ++result.resumes;
    PartHash part_hash;
    for (int attempt = 0;; ++attempt) {
        uint64_t offset = detail::size_or_zero(paths.part);
        if (request.expected_length && offset > *request.expected_length) {
            fs::remove(paths.part, error);
            offset = 0;
        }
        TRY(part_hash.catch_up(paths.part));
        auto sent = transfer_once(client, request, paths, offset, result, part_hash, progress);
        if (sent)
            break;
        bool transient = is_transient(sent.error().kind) && sent.error().kind != ErrorKind::RateLimited;
        if (!transient || attempt >= request.max_resumes)
            return tl::make_unexpected(sent.error());
        ++result.resumes;
        std::this_thread::sleep_for(backoff_delay(attempt, std::chrono::milliseconds(100), std::chrono::seconds(4)));
    }
    TRY(verify_and_commit(request, paths, part_hash));
    result.length = detail::size_or_zero(request.destination);
    return result;
}

}
