#include <algorithm>
#include <cstring>

#include "hondana/render/resources.h"

namespace hondana::render {

namespace {

// Shared immutable bytes; concurrent reads are safe.
class SharedBytesSource final : public drm::ByteSource {
public:
    explicit SharedBytesSource(std::shared_ptr<const drm::Bytes> bytes)
        : m_bytes(std::move(bytes))
    {
    }
    [[nodiscard]] uint64_t size() const override { return m_bytes->size(); }
    [[nodiscard]] drm::Result<size_t> read_at(uint64_t offset, std::span<uint8_t> out) override
    {
        if (offset >= m_bytes->size())
            return 0;
        size_t count = std::min<size_t>(out.size(), m_bytes->size() - static_cast<size_t>(offset));
        std::memcpy(out.data(), m_bytes->data() + offset, count);
        return count;
    }

private:
    std::shared_ptr<const drm::Bytes> m_bytes;
};

class MemoryResources final : public ResourceProvider {
public:
    explicit MemoryResources(std::vector<std::pair<std::string, drm::Bytes>> files)
    {
        for (auto& [path, bytes] : files) {
            m_entries.push_back({ path, bytes.size() });
            m_files.push_back(std::make_shared<const drm::Bytes>(std::move(bytes)));
        }
    }
    [[nodiscard]] const std::vector<ResourceEntry>& entries() const override { return m_entries; }
    [[nodiscard]] Result<std::shared_ptr<drm::ByteSource>> open(std::string_view path) override
    {
        for (size_t i = 0; i < m_entries.size(); ++i) {
            if (m_entries[i].path == path)
                return std::shared_ptr<drm::ByteSource>(std::make_shared<SharedBytesSource>(m_files[i]));
        }
        return fail(ErrorKind::SourceFailed, "no resource " + std::string(path) + " in the book");
    }

private:
    std::vector<ResourceEntry> m_entries;
    std::vector<std::shared_ptr<const drm::Bytes>> m_files;
};

}

std::shared_ptr<ResourceProvider> memory_resources(std::vector<std::pair<std::string, drm::Bytes>> files)
{
    return std::make_shared<MemoryResources>(std::move(files));
}

std::shared_ptr<drm::ByteSource> memory_source(drm::Bytes bytes)
{
    return std::make_shared<SharedBytesSource>(std::make_shared<const drm::Bytes>(std::move(bytes)));
}

}
