#pragma once

// Writing ZIP containers with libzip, atomically: the archive is built in a
// temporary file beside the output and renamed into place on commit (after
// fsync), so readers see the old file or the whole new one. Whatever is not
// committed — the temporary archive, staged payload files — is removed when
// the writer is destroyed.

#include <deque>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "hondana/drm/crypto.h"
#include "zip_archive.h"

namespace hondana::drm::detail {

// A file written with write(2), closed (and its errors reported) by close().
class OutputFile {
public:
    // Io when the file exists already or cannot be created.
    [[nodiscard]] static Result<OutputFile> create(const std::filesystem::path& path);
    OutputFile(OutputFile&& other) noexcept;
    OutputFile& operator=(OutputFile&&) = delete;
    OutputFile(const OutputFile&) = delete;
    ~OutputFile();
    [[nodiscard]] Result<void> write(ByteView bytes);
    [[nodiscard]] Result<void> close();

private:
    OutputFile(int fd, std::filesystem::path path);
    int m_fd { -1 };
    std::filesystem::path m_path;
};

class ZipWriter {
public:
    enum class Compression { Store, Deflate };

    // A new, empty archive that commit() renames to `output`.
    [[nodiscard]] static Result<std::unique_ptr<ZipWriter>> create(const std::filesystem::path& output);
    // A copy of the archive `input` to change; commit() renames it to `output`
    // (which may be `input`). Entries not replaced are copied as they are.
    [[nodiscard]] static Result<std::unique_ptr<ZipWriter>> modify(
        const std::filesystem::path& input, const std::filesystem::path& output);
    ~ZipWriter();
    ZipWriter(const ZipWriter&) = delete;
    ZipWriter& operator=(const ZipWriter&) = delete;

    // Adds (or replaces) entry `name`; entries are written in the order added.
    [[nodiscard]] Result<void> add_bytes(std::string_view name, Bytes bytes, Compression compression);
    // Adds an entry whose data is read from `file` when the archive is committed.
    [[nodiscard]] Result<void> add_file(
        std::string_view name, const std::filesystem::path& file, Compression compression);
    // A fresh path in a staging folder beside the output (removed with the
    // writer), for payloads too large to keep in memory until commit.
    [[nodiscard]] Result<std::filesystem::path> staging_file();
    // Writes the archive, fsyncs it and renames it to the output.
    [[nodiscard]] Result<void> commit();

private:
    ZipWriter(std::filesystem::path temporary, std::filesystem::path output);
    Result<void> add_source(std::string_view name, zip_source_t* source, Compression compression);

    std::filesystem::path m_temporary;
    std::filesystem::path m_output;
    std::filesystem::path m_staging;
    size_t m_staged { 0 };
    std::deque<Bytes> m_buffers; // kept alive until zip_close reads them
    ZipHandle m_zip;             // declared after the buffers: discarded before they go
    bool m_committed { false };
};

}
