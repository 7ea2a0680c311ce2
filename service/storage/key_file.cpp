#include "storage/key_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "hondana/base/text.h"
#include "hondana/base/unique_fd.h"

namespace hondana::storage {

namespace {

using Fd = base::UniqueFd;

Result<drm::SecretBytes> decode_key(const drm::SecretBytes& raw, const std::filesystem::path& path)
{
    size_t size = raw.size();
    if (size == 32)
        return raw.clone();
    if (size == 65 && raw.data()[64] == '\n')
        size = 64;
    if (size != 64)
        return fail(ErrorKind::KeyFile, path.string() + ": expected 64 hex digits or 32 raw bytes");
    drm::SecretBytes key(32);
    for (size_t i = 0; i < 32; ++i) {
        int hi = base::hex_digit(static_cast<char>(raw.data()[2 * i]));
        int lo = base::hex_digit(static_cast<char>(raw.data()[2 * i + 1]));
        if (hi < 0 || lo < 0)
            return fail(ErrorKind::KeyFile, path.string() + ": not hexadecimal");
        key.data()[i] = static_cast<uint8_t>(hi * 16 + lo);
    }
    return key;
}

}

Result<drm::SecretBytes> read_key_file(const std::filesystem::path& path)
{
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (fd.get() < 0)
        return fail(ErrorKind::KeyFile, "cannot open key file " + path.string() + ": " + std::strerror(errno));
    struct stat info { };
    if (::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode))
        return fail(ErrorKind::KeyFile, path.string() + " is not a regular file");
    if ((info.st_mode & 077) != 0)
        return fail(
            ErrorKind::KeyFile, path.string() + " is accessible by group or others; run: chmod 600 " + path.string());
    if (info.st_size > 128)
        return fail(ErrorKind::KeyFile, path.string() + ": too large for a key file");
    drm::SecretBytes raw(static_cast<size_t>(info.st_size));
    size_t done = 0;
    while (done < raw.size()) {
        ssize_t n = ::read(fd.get(), raw.data() + done, raw.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return fail(ErrorKind::KeyFile, "cannot read key file " + path.string());
        done += static_cast<size_t>(n);
    }
    return decode_key(raw, path);
}

Result<drm::SecretBytes> create_key_file(const std::filesystem::path& path)
{
    auto key = drm::random_secret(32);
    if (!key)
        return fail(ErrorKind::KeyFile, "cannot generate a key: " + key.error().message);
    Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (fd.get() < 0)
        return fail(ErrorKind::KeyFile, "cannot create key file " + path.string() + ": " + std::strerror(errno));
    static constexpr char digits[] = "0123456789abcdef";
    drm::SecretBytes text(65);
    for (size_t i = 0; i < 32; ++i) {
        text.data()[2 * i] = static_cast<uint8_t>(digits[key->data()[i] >> 4]);
        text.data()[2 * i + 1] = static_cast<uint8_t>(digits[key->data()[i] & 0xf]);
    }
    text.data()[64] = '\n';
    if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()) || ::fsync(fd.get()) != 0)
        return fail(ErrorKind::KeyFile, "cannot write key file " + path.string() + ": " + std::strerror(errno));
    return std::move(*key);
}

Result<drm::SecretBytes> load_database_key(const std::filesystem::path& path)
{
    if (const char* credentials = std::getenv("CREDENTIALS_DIRECTORY")) {
        auto credential = std::filesystem::path(credentials) / database_key_credential;
        std::error_code ec;
        if (std::filesystem::exists(credential, ec))
            return read_key_file(credential);
    }
    return read_key_file(path);
}

}
