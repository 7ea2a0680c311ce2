#pragma once

// Reading ZIP containers with libzip, from any ByteSource. The one place in
// drm that reads ZIPs: everything libzip hands out is held by an RAII handle
// and every call into libzip is made under the archive's mutex, so the byte
// sources given out here may be read from several threads.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <zip.h>

#include "hondana/drm/byte_source.h"

namespace hondana::drm::detail {

template<auto Free> struct ZipDeleter {
    template<typename T> void operator()(T* p) const { Free(p); }
};
using ZipHandle = std::unique_ptr<zip_t, ZipDeleter<zip_discard>>;
using ZipFileHandle = std::unique_ptr<zip_file_t, ZipDeleter<zip_fclose>>;
using ZipSourceHandle = std::unique_ptr<zip_source_t, ZipDeleter<zip_source_free>>;

struct ZipEntryInfo {
    std::string name;
    uint64_t index { 0 };
    uint64_t size { 0 }; // uncompressed
    uint64_t compressed_size { 0 };
    bool deflated { false };  // method 8; otherwise stored
    bool directory { false }; // a name ending in '/'
};

// How far deflated data may grow: at most `max_output`, and past 1 MiB at
// most `max_ratio` times the compressed size (a zip bomb is refused early).
struct InflateLimits {
    uint64_t max_output { 0 };
    uint64_t max_ratio { 0 };
    [[nodiscard]] uint64_t allowed_for(uint64_t compressed_size) const;
};

class ZipArchive {
public:
    // MalformedPackage for bytes that are not a consistent ZIP (libzip's
    // consistency checks are on), for ZIP-level encryption, compression
    // methods other than stored/deflate and duplicate or empty names;
    // LimitExceeded past `max_entries`; Io when the source fails.
    [[nodiscard]] static Result<std::shared_ptr<ZipArchive>> open(
        std::shared_ptr<ByteSource> source, size_t max_entries);
    ~ZipArchive();
    ZipArchive(const ZipArchive&) = delete;
    ZipArchive& operator=(const ZipArchive&) = delete;

    [[nodiscard]] const std::vector<ZipEntryInfo>& entries() const { return m_entries; }
    [[nodiscard]] const ZipEntryInfo* find(std::string_view name) const;

    // The whole entry (inflated when deflated). LimitExceeded when it would
    // pass `limits`; MalformedPackage when the data does not match the
    // directory (size, CRC, corrupt deflate).
    [[nodiscard]] Result<Bytes> read_entry(const ZipEntryInfo& entry, const InflateLimits& limits);
    // Reads part of a stored entry (random access; thread-safe).
    [[nodiscard]] Result<size_t> read_stored(const ZipEntryInfo& entry, uint64_t offset, std::span<uint8_t> out);
    // The entry as a byte source: a random-access view of a stored entry, or
    // a deflated entry inflated into memory within `limits`. The source keeps
    // the archive alive.
    [[nodiscard]] static Result<std::shared_ptr<ByteSource>> open_entry(
        const std::shared_ptr<ZipArchive>& archive, const ZipEntryInfo& entry, const InflateLimits& limits);

private:
    ZipArchive() = default;
    Result<void> load_entries(size_t max_entries, uint64_t archive_size);
    Result<zip_file_t*> stored_file(uint64_t index);

    std::mutex m_mutex; // every libzip call on m_zip or its files
    ZipHandle m_zip;
    std::map<uint64_t, ZipFileHandle> m_open_files; // declared after m_zip: closed before it
    std::vector<ZipEntryInfo> m_entries;
    std::map<std::string, size_t, std::less<>> m_by_name;
};

}
