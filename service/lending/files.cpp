#include "lending/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "hondana/base/unique_fd.h"
#include "lending/ids.h"

namespace hondana::lending {

namespace {

using Fd = base::UniqueFd;

Result<void> io_failure(const std::string& what, const std::filesystem::path& path)
{
    return fail(ErrorKind::Internal, what + " " + path.string() + ": " + std::strerror(errno));
}

}

Result<void> write_file(const std::filesystem::path& path, drm::ByteView bytes, mode_t mode, Overwrite overwrite)
{
    std::error_code ec;
    if (overwrite == Overwrite::No && std::filesystem::exists(path, ec))
        return fail(ErrorKind::Conflict, path.string() + " exists already");
    auto temporary = path;
    temporary += ".tmp-" + TRY(new_uuid());
    {
        Fd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
        if (fd.get() < 0)
            return io_failure("cannot create", temporary);
        size_t done = 0;
        while (done < bytes.size()) {
            ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                ::unlink(temporary.c_str());
                return io_failure("cannot write", temporary);
            }
            done += static_cast<size_t>(n);
        }
        if (::fsync(fd.get()) != 0 || ::close(fd.release()) != 0) {
            ::unlink(temporary.c_str());
            return io_failure("cannot flush", temporary);
        }
    }
    if (overwrite == Overwrite::No) {
        // link(2) fails when the target exists: no race with another writer.
        if (::link(temporary.c_str(), path.c_str()) != 0) {
            auto saved = errno;
            ::unlink(temporary.c_str());
            errno = saved;
            if (saved == EEXIST)
                return fail(ErrorKind::Conflict, path.string() + " exists already");
            return io_failure("cannot create", path);
        }
        ::unlink(temporary.c_str());
    } else if (::rename(temporary.c_str(), path.c_str()) != 0) {
        ::unlink(temporary.c_str());
        return io_failure("cannot replace", path);
    }
    Fd directory(
        ::open(path.parent_path().empty() ? "." : path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (directory.get() >= 0)
        ::fsync(directory.get());
    return {};
}

Result<std::string> read_text_file(const std::filesystem::path& path, size_t max_bytes)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return fail(ErrorKind::InvalidArgument, "cannot read " + path.string());
    std::string text;
    char buffer[65536];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        text.append(buffer, static_cast<size_t>(in.gcount()));
        if (text.size() > max_bytes)
            return fail(
                ErrorKind::InvalidArgument, path.string() + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
    return text;
}

Result<void> make_directory(const std::filesystem::path& path, mode_t mode)
{
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec)
        return fail(ErrorKind::Internal, "cannot create " + path.string() + ": " + ec.message());
    if (::chmod(path.c_str(), mode) != 0)
        return io_failure("cannot set the mode of", path);
    return {};
}

}
