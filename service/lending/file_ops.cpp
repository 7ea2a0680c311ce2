#include "lending/file_ops.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "hondana/base/unique_fd.h"
#include "hondana/drm/crypto.h"

namespace hondana::lending {

namespace {

using Fd = base::UniqueFd;

constexpr size_t chunk = 64 * 1024;

Error io_error(const std::string& what, const std::filesystem::path& path)
{
    return Error { ErrorKind::Internal, what + " " + path.string() + ": " + std::strerror(errno) };
}

bool write_all(int fd, const uint8_t* data, size_t size)
{
    size_t done = 0;
    while (done < size) {
        ssize_t n = ::write(fd, data + done, size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += static_cast<size_t>(n);
    }
    return true;
}

// Reads through `fd` in chunks, hashing, and hands each chunk to `sink`.
template<typename Sink> Result<FileDigest> stream(int fd, const std::filesystem::path& path, Sink&& sink)
{
    drm::Sha256 hash;
    FileDigest digest;
    std::array<uint8_t, chunk> buffer {};
    for (;;) {
        ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return tl::make_unexpected(io_error("cannot read", path));
        if (n == 0)
            break;
        drm::ByteView bytes(buffer.data(), static_cast<size_t>(n));
        hash.update(bytes);
        digest.length += bytes.size();
        TRY(sink(bytes));
    }
    auto value = hash.finish();
    digest.sha256 = drm::hex_encode(drm::ByteView(value.data(), value.size()));
    return digest;
}

}

Result<FileDigest> digest_file(const std::filesystem::path& path)
{
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd.valid())
        return fail(ErrorKind::InvalidArgument, "cannot read " + path.string() + ": " + std::strerror(errno));
    return stream(fd.get(), path, [](drm::ByteView) -> Result<void> { return {}; });
}

Result<FileDigest> copy_file_hashed(const std::filesystem::path& from, const std::filesystem::path& to, mode_t mode)
{
    Fd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!in.valid())
        return fail(ErrorKind::InvalidArgument, "cannot read " + from.string() + ": " + std::strerror(errno));
    Fd out(::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode));
    if (!out.valid())
        return tl::make_unexpected(io_error("cannot create", to));
    auto copied = stream(in.get(), from, [&](drm::ByteView bytes) -> Result<void> {
        if (!write_all(out.get(), bytes.data(), bytes.size()))
            return tl::make_unexpected(io_error("cannot write", to));
        return {};
    });
    if (copied && ::fsync(out.get()) != 0)
        copied = tl::make_unexpected(io_error("cannot flush", to));
    if (!copied)
        ::unlink(to.c_str());
    return copied;
}

Result<uint64_t> shred_file(const std::filesystem::path& path)
{
    struct stat info { };
    if (::lstat(path.c_str(), &info) != 0)
        return errno == ENOENT ? Result<uint64_t>(0) : tl::make_unexpected(io_error("cannot inspect", path));
    uint64_t overwritten = 0;
    // A file with other hard links (content shared by backup generations)
    // is only unlinked: overwriting it would destroy the copies that stay.
    if (S_ISREG(info.st_mode) && info.st_nlink <= 1) {
        Fd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW));
        if (!fd.valid())
            return tl::make_unexpected(io_error("cannot open for overwriting", path));
        drm::SecretBytes noise(chunk);
        for (uint64_t at = 0; at < static_cast<uint64_t>(info.st_size); at += chunk) {
            auto size = static_cast<size_t>(std::min<uint64_t>(chunk, static_cast<uint64_t>(info.st_size) - at));
            if (!drm::random_bytes(noise.span().first(size)))
                return fail(ErrorKind::Internal, "no random bytes to overwrite " + path.string());
            if (!write_all(fd.get(), noise.data(), size))
                return tl::make_unexpected(io_error("cannot overwrite", path));
            overwritten += size;
        }
        if (::fsync(fd.get()) != 0)
            return tl::make_unexpected(io_error("cannot flush", path));
    }
    if (::unlink(path.c_str()) != 0)
        return tl::make_unexpected(io_error("cannot remove", path));
    return overwritten;
}

Result<ShredTally> shred_tree(const std::filesystem::path& root, KeepRoot keep_root)
{
    ShredTally tally;
    std::error_code ec;
    if (!std::filesystem::exists(std::filesystem::symlink_status(root, ec)))
        return tally;
    std::vector<std::filesystem::path> folders;
    for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_directory(ec) && !it->is_symlink(ec)) {
            folders.push_back(it->path());
            continue;
        }
        tally.bytes += TRY(shred_file(it->path()));
        tally.files.push_back(it->path());
    }
    if (ec)
        return fail(ErrorKind::Internal, "cannot list " + root.string() + ": " + ec.message());
    for (auto folder = folders.rbegin(); folder != folders.rend(); ++folder)
        if (::rmdir(folder->c_str()) != 0)
            return tl::make_unexpected(io_error("cannot remove", *folder));
    if (keep_root == KeepRoot::No && ::rmdir(root.c_str()) != 0)
        return tl::make_unexpected(io_error("cannot remove", root));
    sync_directory(keep_root == KeepRoot::No ? root.parent_path() : root);
    return tally;
}

Result<void> chown_like(const std::filesystem::path& path, const std::filesystem::path& reference)
{
    if (::geteuid() != 0)
        return {};
    struct stat owner { };
    if (::stat(reference.c_str(), &owner) != 0)
        return tl::make_unexpected(io_error("cannot inspect", reference));
    auto give = [&](const std::filesystem::path& p) -> Result<void> {
        if (::lchown(p.c_str(), owner.st_uid, owner.st_gid) != 0)
            return tl::make_unexpected(io_error("cannot change the owner of", p));
        return {};
    };
    TRY(give(path));
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(path, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
        TRY(give(it->path()));
    if (ec)
        return fail(ErrorKind::Internal, "cannot list " + path.string() + ": " + ec.message());
    return {};
}

void sync_directory(const std::filesystem::path& path)
{
    Fd fd(::open(path.empty() ? "." : path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.valid())
        ::fsync(fd.get());
}

}
