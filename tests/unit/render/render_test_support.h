#pragma once

// Shared inputs for render tests: the sample titles (generated once per run
// into a temporary folder), EPUB files unpacked into memory resources, and
// byte sources that fail on purpose.

#include <filesystem>
#include <memory>

#include "hondana/drm/byte_source.h"
#include "hondana/render/document.h"
#include "hondana/render/resources.h"

namespace hondana::test {

// The folder with the generated sample titles (made on first use).
const std::filesystem::path& sample_titles();

std::shared_ptr<render::Engine> test_engine();

// Every file of a ZIP (an EPUB) as memory resources, unpacked with libzip.
std::shared_ptr<render::ResourceProvider> unzip_resources(const std::filesystem::path& epub);

drm::Bytes read_file(const std::filesystem::path& path);

// A source whose reads fail with `kind` from `failing_offset` on.
class FailingSource final : public drm::ByteSource {
public:
    FailingSource(drm::Bytes bytes, uint64_t failing_offset, drm::ErrorKind kind);
    [[nodiscard]] uint64_t size() const override { return m_bytes.size(); }
    [[nodiscard]] drm::Result<size_t> read_at(uint64_t offset, std::span<uint8_t> out) override;

private:
    drm::Bytes m_bytes;
    uint64_t m_failing_offset;
    drm::ErrorKind m_kind;
};

}
