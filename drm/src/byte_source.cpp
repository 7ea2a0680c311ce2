#include "hondana/drm/byte_source.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hondana::drm {

Result<void> read_exact(ByteSource& source, uint64_t offset, std::span<uint8_t> out)
{
    size_t done = 0;
    while (done < out.size()) {
        size_t count = TRY(source.read_at(offset + done, out.subspan(done)));
        if (count == 0)
            return fail(ErrorKind::ContentLengthMismatch,
                "source ended at " + std::to_string(offset + done) + " of a read of " + std::to_string(out.size())
                    + " bytes at " + std::to_string(offset));
        done += count;
    }
    return {};
}

Result<Bytes> read_all(ByteSource& source, uint64_t max_bytes)
{
    uint64_t size = source.size();
    if (size > max_bytes)
        return fail(ErrorKind::LimitExceeded,
            "source of " + std::to_string(size) + " bytes is over the limit of " + std::to_string(max_bytes));
    Bytes bytes(static_cast<size_t>(size));
    TRY(read_exact(source, 0, bytes));
    return bytes;
}

std::optional<ByteView> ByteSource::contiguous(uint64_t, uint64_t) const
{
    return std::nullopt;
}

// --- MemoryByteSource ---

MemoryByteSource::MemoryByteSource(Bytes bytes)
    : m_bytes(std::move(bytes))
{
}

Result<size_t> MemoryByteSource::read_at(uint64_t offset, std::span<uint8_t> out)
{
    if (offset >= m_bytes.size())
        return 0;
    size_t count = std::min<uint64_t>(out.size(), m_bytes.size() - offset);
    std::copy_n(m_bytes.data() + offset, count, out.data());
    return count;
}

std::optional<ByteView> MemoryByteSource::contiguous(uint64_t offset, uint64_t length) const
{
    if (offset > m_bytes.size() || length > m_bytes.size() - offset)
        return std::nullopt;
    return ByteView(m_bytes).subspan(static_cast<size_t>(offset), static_cast<size_t>(length));
}

// --- FileByteSource ---

Result<std::unique_ptr<FileByteSource>> FileByteSource::open(const std::filesystem::path& path)
{
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(ErrorKind::Io, "cannot open " + path.string() + ": " + std::strerror(errno));
    struct stat info { };
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        int saved = errno;
        ::close(fd);
        return fail(ErrorKind::Io,
            path.string() + (saved != 0 ? std::string(": ") + std::strerror(saved) : ": not a regular file"));
    }
    return std::unique_ptr<FileByteSource>(
        new FileByteSource(fd, static_cast<uint64_t>(info.st_size))); // raw-new: private constructor
}

FileByteSource::FileByteSource(int fd, uint64_t size)
    : m_fd(fd)
    , m_size(size)
{
}

FileByteSource::~FileByteSource()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

Result<size_t> FileByteSource::read_at(uint64_t offset, std::span<uint8_t> out)
{
    if (offset >= m_size)
        return 0;
    size_t wanted = std::min<uint64_t>(out.size(), m_size - offset);
    size_t done = 0;
    while (done < wanted) {
        ssize_t count = ::pread(m_fd, out.data() + done, wanted - done, static_cast<off_t>(offset + done));
        if (count < 0) {
            if (errno == EINTR)
                continue;
            return fail(ErrorKind::Io, std::string("pread failed: ") + std::strerror(errno));
        }
        if (count == 0)
            break; // the file shrank since open: report what there is
        done += static_cast<size_t>(count);
    }
    return done;
}

// --- SubrangeByteSource ---

Result<std::unique_ptr<SubrangeByteSource>> SubrangeByteSource::create(
    std::shared_ptr<ByteSource> inner, uint64_t offset, uint64_t length)
{
    if (!inner)
        return fail(ErrorKind::InvalidArgument, "subrange of a null source");
    uint64_t size = inner->size();
    if (offset > size || length > size - offset)
        return fail(ErrorKind::InvalidArgument,
            "window [" + std::to_string(offset) + ", +" + std::to_string(length) + ") does not fit in a source of "
                + std::to_string(size) + " bytes");
    return std::unique_ptr<SubrangeByteSource>(
        new SubrangeByteSource(std::move(inner), offset, length)); // raw-new: private constructor
}

SubrangeByteSource::SubrangeByteSource(std::shared_ptr<ByteSource> inner, uint64_t offset, uint64_t length)
    : m_inner(std::move(inner))
    , m_offset(offset)
    , m_length(length)
{
}

Result<size_t> SubrangeByteSource::read_at(uint64_t offset, std::span<uint8_t> out)
{
    if (offset >= m_length)
        return 0;
    size_t count = std::min<uint64_t>(out.size(), m_length - offset);
    return m_inner->read_at(m_offset + offset, out.first(count));
}

std::optional<ByteView> SubrangeByteSource::contiguous(uint64_t offset, uint64_t length) const
{
    if (offset > m_length || length > m_length - offset)
        return std::nullopt;
    return m_inner->contiguous(m_offset + offset, length);
}

}
