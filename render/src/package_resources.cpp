#include <mutex>

#include "hondana/render/resources.h"

namespace hondana::render {

namespace {

Error source_error(const drm::Error& error, std::string_view path)
{
    return Error { ErrorKind::SourceFailed,
        std::string(drm::error_code(error.kind)) + ": " + std::string(path) + ": " + error.message };
}

// drm::Package is not safe for concurrent use; the sources it returns are.
class PackageResources final : public ResourceProvider {
public:
    PackageResources(std::shared_ptr<drm::Package> package, std::shared_ptr<const drm::SecretBytes> key)
        : m_package(std::move(package))
        , m_key(std::move(key))
    {
    }

    Result<void> load_entries()
    {
        for (const auto& entry : m_package->entries()) {
            if (!entry.path.empty() && entry.path.back() == '/')
                continue;
            uint64_t size = entry.size;
            if (entry.encryption) {
                if (entry.encryption->original_length) {
                    size = *entry.encryption->original_length;
                } else {
                    auto source = TRY(open(entry.path));
                    size = source->size();
                }
            }
            m_entries.push_back({ entry.path, size });
        }
        return {};
    }

    [[nodiscard]] const std::vector<ResourceEntry>& entries() const override { return m_entries; }

    [[nodiscard]] Result<std::shared_ptr<drm::ByteSource>> open(std::string_view path) override
    {
        std::lock_guard lock(m_mutex);
        auto source = m_package->open_resource(path, m_key.get());
        if (!source)
            return tl::make_unexpected(source_error(source.error(), path));
        return std::move(*source);
    }

private:
    std::shared_ptr<drm::Package> m_package;
    std::shared_ptr<const drm::SecretBytes> m_key;
    std::vector<ResourceEntry> m_entries;
    std::mutex m_mutex;
};

}

Result<std::shared_ptr<ResourceProvider>> package_resources(
    std::shared_ptr<drm::Package> package, std::shared_ptr<const drm::SecretBytes> content_key)
{
    auto resources = std::make_shared<PackageResources>(std::move(package), std::move(content_key));
    TRY(resources->load_entries());
    return std::shared_ptr<ResourceProvider>(std::move(resources));
}

}
