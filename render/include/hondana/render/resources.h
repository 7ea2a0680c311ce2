#pragma once

// The resources of an EPUB as render/ sees them: plaintext byte sources
// opened on demand, one resource at a time. MuPDF 1.21 opens an EPUB only
// from a ZIP stream, so render/ presents these resources as a synthetic
// *stored* ZIP (headers generated here, entry bytes read from the sources
// when MuPDF reads them) and never holds the whole book's plaintext.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hondana/drm/byte_source.h"
#include "hondana/drm/package.h"
#include "hondana/render/error.h"

namespace hondana::render {

struct ResourceEntry {
    std::string path;  // as in the package, for example "OEBPS/chapter1.xhtml"
    uint64_t size { 0 }; // plaintext size
};

// Gives plaintext resources by path. Implementations must allow `open` from
// several threads at once.
class ResourceProvider {
public:
    virtual ~ResourceProvider() = default;
    [[nodiscard]] virtual const std::vector<ResourceEntry>& entries() const = 0;
    // SourceFailed when the resource cannot be opened (not found, tampered, …).
    [[nodiscard]] virtual Result<std::shared_ptr<drm::ByteSource>> open(std::string_view path) = 0;
};

// Resources from an opened drm package, decrypted with `content_key` (null
// for a package in clear). Sizes of encrypted resources come from their
// declared original length or from opening them once.
[[nodiscard]] Result<std::shared_ptr<ResourceProvider>> package_resources(
    std::shared_ptr<drm::Package> package, std::shared_ptr<const drm::SecretBytes> content_key);

// Resources held in memory, for tests and for the whole-book fallback.
[[nodiscard]] std::shared_ptr<ResourceProvider> memory_resources(
    std::vector<std::pair<std::string, drm::Bytes>> files);

// Immutable bytes in memory as a source (concurrent reads are safe).
[[nodiscard]] std::shared_ptr<drm::ByteSource> memory_source(drm::Bytes bytes);

struct SyntheticZipLimits {
    size_t max_entries { 20000 };
    uint64_t max_total_bytes { 0xFFFF0000u }; // no ZIP64: one stored ZIP under 4 GiB
    // Markup resources (XHTML, SVG, …) nested deeper than this are refused
    // when first read: MuPDF lays HTML out recursively.
    size_t max_markup_depth { 256 };
};

// The resources as a stored ZIP (no compression, CRC-32 fields zero: MuPDF's
// ZIP reader records only names, offsets and sizes and never checks them).
// Entry bytes are read from the provider only when that range is read.
// LimitExceeded past the limits; InvalidArgument for an unusable path. Reads
// of a markup resource nested past max_markup_depth fail with drm's LimitExceeded.
[[nodiscard]] Result<std::shared_ptr<drm::ByteSource>> synthetic_zip(
    std::shared_ptr<ResourceProvider> resources, const SyntheticZipLimits& limits = {});

}
