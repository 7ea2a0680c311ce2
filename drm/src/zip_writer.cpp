#include "zip_writer.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

namespace hondana::drm::detail {

namespace {

Result<void> io_failure(const std::string& what)
{
    return fail(ErrorKind::Io, what + ": " + std::strerror(errno));
}

Result<std::string> sibling_name(const std::filesystem::path& output, std::string_view kind)
{
    std::string suffix = TRY(random_hex(6));
    return "." + output.filename().string() + "." + std::string(kind) + "-" + suffix;
}

Result<void> fsync_path(const std::filesystem::path& path, int flags)
{
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | flags);
    if (fd < 0)
        return io_failure("cannot open " + path.string() + " to sync it");
    int status = ::fsync(fd);
    int saved = errno;
    ::close(fd);
    errno = saved;
    if (status != 0)
        return io_failure("fsync of " + path.string());
    return {};
}

std::filesystem::path folder_of(const std::filesystem::path& path)
{
    return path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
}

}

// --- OutputFile ---

Result<OutputFile> OutputFile::create(const std::filesystem::path& path)
{
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return tl::make_unexpected(io_failure("cannot create " + path.string()).error());
    return OutputFile(fd, path);
}

OutputFile::OutputFile(int fd, std::filesystem::path path)
    : m_fd(fd)
    , m_path(std::move(path))
{
}

OutputFile::OutputFile(OutputFile&& other) noexcept
    : m_fd(std::exchange(other.m_fd, -1))
    , m_path(std::move(other.m_path))
{
}

OutputFile::~OutputFile()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

Result<void> OutputFile::write(ByteView bytes)
{
    size_t done = 0;
    while (done < bytes.size()) {
        ssize_t count = ::write(m_fd, bytes.data() + done, bytes.size() - done);
        if (count < 0) {
            if (errno == EINTR)
                continue;
            return io_failure("cannot write " + m_path.string());
        }
        done += static_cast<size_t>(count);
    }
    return {};
}

Result<void> OutputFile::close()
{
    int fd = std::exchange(m_fd, -1);
    if (::close(fd) != 0)
        return io_failure("cannot close " + m_path.string());
    return {};
}

// --- ZipWriter ---

ZipWriter::ZipWriter(std::filesystem::path temporary, std::filesystem::path output)
    : m_temporary(std::move(temporary))
    , m_output(std::move(output))
{
}

Result<std::unique_ptr<ZipWriter>> ZipWriter::create(const std::filesystem::path& output)
{
    std::filesystem::path temporary = folder_of(output) / TRY(sibling_name(output, "tmp"));
    std::unique_ptr<ZipWriter> writer(new ZipWriter(temporary, output)); // raw-new: private constructor
    int error = 0;
    writer->m_zip.reset(zip_open(temporary.c_str(), ZIP_CREATE | ZIP_EXCL, &error));
    if (!writer->m_zip) {
        zip_error_t details;
        zip_error_init_with_code(&details, error);
        std::string text = zip_error_strerror(&details);
        zip_error_fini(&details);
        return fail(ErrorKind::Io, "cannot create " + temporary.string() + ": " + text);
    }
    return writer;
}

Result<std::unique_ptr<ZipWriter>> ZipWriter::modify(
    const std::filesystem::path& input, const std::filesystem::path& output)
{
    std::filesystem::path temporary = folder_of(output) / TRY(sibling_name(output, "tmp"));
    std::error_code copy_error;
    std::filesystem::copy_file(input, temporary, copy_error);
    if (copy_error)
        return fail(ErrorKind::Io, "cannot copy " + input.string() + ": " + copy_error.message());
    std::unique_ptr<ZipWriter> writer(new ZipWriter(temporary, output)); // raw-new: private constructor
    int error = 0;
    writer->m_zip.reset(zip_open(temporary.c_str(), 0, &error));
    if (!writer->m_zip)
        return fail(ErrorKind::MalformedPackage, "cannot open " + input.string() + " as a ZIP archive");
    return writer;
}

ZipWriter::~ZipWriter()
{
    std::error_code ignored;
    m_zip.reset();
    if (!m_committed)
        std::filesystem::remove(m_temporary, ignored);
    if (!m_staging.empty())
        std::filesystem::remove_all(m_staging, ignored);
}

Result<void> ZipWriter::add_source(std::string_view name, zip_source_t* source, Compression compression)
{
    if (source == nullptr)
        return fail(
            ErrorKind::Io, "libzip cannot make a source for " + std::string(name) + ": " + zip_strerror(m_zip.get()));
    std::string entry_name(name);
    zip_int64_t index = zip_file_add(m_zip.get(), entry_name.c_str(), source, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
    if (index < 0) {
        zip_source_free(source);
        return fail(ErrorKind::Io, "cannot add " + entry_name + ": " + zip_strerror(m_zip.get()));
    }
    zip_int32_t method = compression == Compression::Store ? ZIP_CM_STORE : ZIP_CM_DEFLATE;
    if (zip_set_file_compression(m_zip.get(), static_cast<zip_uint64_t>(index), method, 0) != 0)
        return fail(ErrorKind::Io, "cannot set the compression of " + entry_name + ": " + zip_strerror(m_zip.get()));
    return {};
}

Result<void> ZipWriter::add_bytes(std::string_view name, Bytes bytes, Compression compression)
{
    m_buffers.push_back(std::move(bytes));
    const Bytes& kept = m_buffers.back();
    return add_source(name, zip_source_buffer(m_zip.get(), kept.data(), kept.size(), 0), compression);
}

Result<void> ZipWriter::add_file(std::string_view name, const std::filesystem::path& file, Compression compression)
{
    return add_source(name, zip_source_file(m_zip.get(), file.c_str(), 0, 0), compression);
}

Result<std::filesystem::path> ZipWriter::staging_file()
{
    if (m_staging.empty()) {
        std::filesystem::path folder = folder_of(m_output) / TRY(sibling_name(m_output, "staging"));
        std::error_code error;
        if (!std::filesystem::create_directory(folder, error))
            return fail(ErrorKind::Io, "cannot create " + folder.string() + ": " + error.message());
        m_staging = folder;
    }
    return m_staging / ("part-" + std::to_string(m_staged++));
}

Result<void> ZipWriter::commit()
{
    if (zip_close(m_zip.get()) != 0)
        return fail(ErrorKind::Io, "cannot write " + m_output.string() + ": " + zip_strerror(m_zip.get()));
    (void)m_zip.release(); // zip_close freed it
    if (!std::filesystem::exists(m_temporary))
        return fail(ErrorKind::InvalidArgument, "an archive without entries is not written");
    TRY(fsync_path(m_temporary, 0));
    if (::rename(m_temporary.c_str(), m_output.c_str()) != 0)
        return io_failure("cannot rename the new archive to " + m_output.string());
    m_committed = true;
    TRY(fsync_path(folder_of(m_output), O_DIRECTORY));
    return {};
}

}
