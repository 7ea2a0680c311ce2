// An EPUB's container and package document are read twice at open: by
// render/ (title, direction, layout, the OPF's path) and by MuPDF right
// after. Each open of a protected resource finds its ZIP entry, inflates it
// and sets up its decryptor, so their plaintext is kept from the first read.

#include <map>
#include <mutex>

#include "document_state.h"

namespace hondana::render {

namespace {

constexpr uint64_t max_remembered_bytes = 1024 * 1024;

bool is_metadata(std::string_view path)
{
    return path == "META-INF/container.xml" || (path.size() > 4 && path.substr(path.size() - 4) == ".opf");
}

class MetadataResources final : public ResourceProvider {
public:
    explicit MetadataResources(std::shared_ptr<ResourceProvider> resources)
        : m_resources(std::move(resources))
    {
    }

    [[nodiscard]] const std::vector<ResourceEntry>& entries() const override { return m_resources->entries(); }

    [[nodiscard]] Result<std::shared_ptr<drm::ByteSource>> open(std::string_view path) override
    {
        if (!is_metadata(path))
            return m_resources->open(path);
        {
            std::lock_guard lock(m_mutex);
            if (auto found = m_remembered.find(path); found != m_remembered.end())
                return found->second;
        }
        auto source = TRY(m_resources->open(path));
        if (source->size() > max_remembered_bytes)
            return source;
        auto bytes = drm::read_all(*source, max_remembered_bytes);
        if (!bytes)
            return fail(ErrorKind::SourceFailed,
                std::string(drm::error_code(bytes.error().kind)) + ": " + bytes.error().message);
        auto remembered = memory_source(std::move(*bytes));
        std::lock_guard lock(m_mutex);
        m_remembered.emplace(std::string(path), remembered);
        return remembered;
    }

private:
    std::shared_ptr<ResourceProvider> m_resources;
    std::mutex m_mutex;
    std::map<std::string, std::shared_ptr<drm::ByteSource>, std::less<>> m_remembered;
};

}

std::shared_ptr<ResourceProvider> remembering_metadata(std::shared_ptr<ResourceProvider> resources)
{
    return std::make_shared<MetadataResources>(std::move(resources));
}

}
