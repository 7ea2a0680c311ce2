// An EPUB whose container names a package document that is not there (the
// LCP fixture's case) is read with a package document made here: every XHTML
// resource in the spine, a cover first, the rest in path order.

#include <algorithm>

#include "document_state.h"

namespace hondana::render {

namespace {

class RepairedResources final : public ResourceProvider {
public:
    RepairedResources(std::shared_ptr<ResourceProvider> inner, std::string opf_path, std::string opf)
        : m_inner(std::move(inner))
        , m_opf_path(std::move(opf_path))
        , m_opf(std::move(opf))
    {
        m_entries = m_inner->entries();
        m_entries.push_back({ m_opf_path, m_opf.size() });
    }
    [[nodiscard]] const std::vector<ResourceEntry>& entries() const override { return m_entries; }
    [[nodiscard]] Result<std::shared_ptr<drm::ByteSource>> open(std::string_view path) override
    {
        if (path == m_opf_path)
            return memory_source(drm::Bytes(m_opf.begin(), m_opf.end()));
        return m_inner->open(path);
    }

private:
    std::shared_ptr<ResourceProvider> m_inner;
    std::string m_opf_path;
    std::string m_opf;
    std::vector<ResourceEntry> m_entries;
};

bool is_chapter(const std::string& path)
{
    return path.ends_with(".xhtml") || path.ends_with(".html") || path.ends_with(".htm");
}

std::string xml_escape(const std::string& text)
{
    std::string out;
    for (char c : text) {
        if (c == '&')
            out += "&amp;";
        else if (c == '"')
            out += "&quot;";
        else if (c == '<')
            out += "&lt;";
        else
            out += c;
    }
    return out;
}

}

std::shared_ptr<ResourceProvider> repair_missing_package_document(
    std::shared_ptr<ResourceProvider> resources, const std::string& opf_path)
{
    std::string base = opf_path.substr(0, opf_path.rfind('/') == std::string::npos ? 0 : opf_path.rfind('/') + 1);
    std::vector<std::string> chapters;
    for (const auto& entry : resources->entries()) {
        if (is_chapter(entry.path) && entry.path.starts_with(base))
            chapters.push_back(entry.path.substr(base.size()));
    }
    std::stable_sort(chapters.begin(), chapters.end(), [](const std::string& a, const std::string& b) {
        bool a_cover = a.find("cover") != std::string::npos, b_cover = b.find("cover") != std::string::npos;
        return a_cover != b_cover ? a_cover : a < b;
    });
    std::string manifest, spine;
    for (size_t i = 0; i < chapters.size(); ++i) {
        auto id = "r" + std::to_string(i);
        manifest += "<item id=\"" + id + "\" href=\"" + xml_escape(chapters[i]) + "\" media-type=\"application/xhtml+xml\"/>";
        spine += "<itemref idref=\"" + id + "\"/>";
    }
    std::string opf = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><package xmlns=\"http://www.idpf.org/2007/opf\" "
                      "version=\"3.0\"><metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title></dc:title>"
                      "</metadata><manifest>" + manifest + "</manifest><spine>" + spine + "</spine></package>";
    return std::make_shared<RepairedResources>(std::move(resources), opf_path, std::move(opf));
}

}
