#include "hondana/platform/files.h"

#include <cerrno>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hondana/base/unique_fd.h"

namespace hondana::platform {

namespace fs = std::filesystem;

namespace {

using Fd = base::UniqueFd;

auto io_failure(const std::string& what, const fs::path& path)
{
    return fail(ErrorKind::Io, what + " " + path.string() + ": " + std::strerror(errno));
}

Result<void> write_all(int fd, std::span<const uint8_t> bytes, const fs::path& path)
{
    size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return io_failure("cannot write", path);
        done += static_cast<size_t>(n);
    }
    return {};
}

}

Result<void> ensure_private_dir(const fs::path& dir)
{
    std::error_code error;
    fs::create_directories(dir, error);
    if (error)
        return fail(ErrorKind::Io, "cannot create directory " + dir.string() + ": " + error.message());
    if (::chmod(dir.c_str(), 0700) != 0)
        return io_failure("cannot set permissions of", dir);
    return {};
}

Result<void> sync_directory(const fs::path& dir)
{
    Fd fd(::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd.valid())
        return io_failure("cannot open directory", dir);
    if (::fsync(fd.get()) != 0)
        return io_failure("cannot sync directory", dir);
    return {};
}

Result<void> write_file_atomic(const fs::path& path, std::span<const uint8_t> bytes, unsigned mode)
{
    auto suffix = TRY(drm::random_hex(6).map_error([](auto e) { return Error { ErrorKind::Crypto, e.message }; }));
    fs::path temporary = path;
    temporary += ".tmp-" + suffix;
    Fd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
    if (!fd.valid())
        return io_failure("cannot create", temporary);
    auto written = write_all(fd.get(), bytes, temporary);
    bool ok = written && ::fchmod(fd.get(), mode) == 0 && ::fsync(fd.get()) == 0;
    ok = fd.close_checked() && ok;
    if (!ok || ::rename(temporary.c_str(), path.c_str()) != 0) {
        auto failure = io_failure("cannot write", path);
        ::unlink(temporary.c_str());
        return failure;
    }
    return sync_directory(path.parent_path());
}

Result<drm::Bytes> read_file(const fs::path& path, uint64_t max_bytes)
{
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid())
        return io_failure("cannot open", path);
    struct stat info { };
    if (::fstat(fd.get(), &info) != 0)
        return io_failure("cannot stat", path);
    if (!S_ISREG(info.st_mode))
        return fail(ErrorKind::Io, path.string() + " is not a regular file");
    if (static_cast<uint64_t>(info.st_size) > max_bytes)
        return fail(ErrorKind::Io, path.string() + " is larger than " + std::to_string(max_bytes) + " bytes");
    drm::Bytes bytes(static_cast<size_t>(info.st_size));
    size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::read(fd.get(), bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return io_failure("cannot read", path);
        if (n == 0)
            break;
        done += static_cast<size_t>(n);
    }
    bytes.resize(done);
    return bytes;
}

Result<std::string> read_text_file(const fs::path& path, uint64_t max_bytes)
{
    auto bytes = TRY(read_file(path, max_bytes));
    return std::string(bytes.begin(), bytes.end());
}

Result<void> overwrite_and_remove(const fs::path& path)
{
    struct stat info { };
    if (::lstat(path.c_str(), &info) != 0) {
        if (errno == ENOENT)
            return {};
        return io_failure("cannot stat", path);
    }
    if (S_ISREG(info.st_mode) && info.st_size > 0) {
        Fd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
        if (!fd.valid())
            return io_failure("cannot open for erasing", path);
        std::vector<uint8_t> zeros(64 * 1024, 0);
        auto remaining = static_cast<uint64_t>(info.st_size);
        while (remaining > 0) {
            size_t chunk = static_cast<size_t>(std::min<uint64_t>(remaining, zeros.size()));
            TRY(write_all(fd.get(), { zeros.data(), chunk }, path));
            remaining -= chunk;
        }
        if (::fsync(fd.get()) != 0)
            return io_failure("cannot sync", path);
    }
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
        return io_failure("cannot remove", path);
    return sync_directory(path.parent_path());
}

Result<void> overwrite_and_remove_tree(const fs::path& dir)
{
    std::error_code error;
    if (!fs::exists(dir, error))
        return {};
    std::vector<fs::path> files;
    for (auto it = fs::recursive_directory_iterator(dir, error); !error && it != fs::recursive_directory_iterator();
         it.increment(error)) {
        if (it->is_regular_file(error))
            files.push_back(it->path());
    }
    if (error)
        return fail(ErrorKind::Io, "cannot list " + dir.string() + ": " + error.message());
    for (const auto& file : files)
        TRY(overwrite_and_remove(file));
    fs::remove_all(dir, error);
    if (error)
        return fail(ErrorKind::Io, "cannot remove " + dir.string() + ": " + error.message());
    return sync_directory(dir.parent_path());
}

Result<unsigned> file_mode(const fs::path& path)
{
    struct stat info { };
    if (::stat(path.c_str(), &info) != 0)
        return io_failure("cannot stat", path);
    return static_cast<unsigned>(info.st_mode & 07777);
}

}
