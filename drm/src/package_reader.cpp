#include "hondana/drm/package.h"

#include <functional>

#include <nlohmann/json.hpp>

#include "deflate.h"
#include "epub_container.h"
#include "hondana/drm/lcp.h"
#include "hondana/drm/licence.h"
#include "xml_util.h"
#include "zip_archive.h"

namespace hondana::drm {

namespace {

constexpr std::string_view manifest_path = "manifest.json";
constexpr std::string_view pdf_licence_path = "license.lcpl";
constexpr std::string_view epub_licence_path = "META-INF/license.lcpl";
constexpr std::string_view pdf_media_type = "application/pdf";

bool known_algorithm(std::string_view algorithm)
{
    return algorithm == aes256_cbc_uri || algorithm == segmented_gcm_uri;
}

}

struct Package::State {
    std::shared_ptr<detail::ZipArchive> zip;
    PackageLimits limits;
    PublicationFormat format { PublicationFormat::Epub };
    std::string main_resource;
    std::vector<PackageEntry> entries;
    std::map<std::string, size_t, std::less<>> by_path;
    std::optional<std::string> licence_path;
    // Segment keys of the content key resources were last opened with,
    // derived once per resource for the package's lifetime, wiped with it.
    std::unique_ptr<SegmentKeyring> keyring;

    [[nodiscard]] detail::InflateLimits inflate_limits() const
    {
        return { limits.max_inflated_resource, limits.max_compression_ratio };
    }
    [[nodiscard]] PackageEntry* find(std::string_view path)
    {
        auto found = by_path.find(path);
        return found == by_path.end() ? nullptr : &entries[found->second];
    }
    Result<std::string> read_metadata(std::string_view path);
    Result<std::reference_wrapper<SegmentKeyring>> keyring_for(const SecretBytes& content_key);
    Result<void> open_epub();
    Result<void> open_pdf();
};

Result<std::reference_wrapper<SegmentKeyring>> Package::State::keyring_for(const SecretBytes& content_key)
{
    if (!keyring || !keyring->is_for(content_key.view()))
        keyring = TRY(SegmentKeyring::create(content_key.view()));
    return std::ref(*keyring);
}

Result<std::string> Package::State::read_metadata(std::string_view path)
{
    const detail::ZipEntryInfo* entry = zip->find(path);
    if (!entry)
        return fail(ErrorKind::ResourceNotFound, "package has no " + std::string(path));
    detail::InflateLimits metadata_limits { limits.max_metadata_bytes, limits.max_compression_ratio };
    Bytes bytes = TRY(zip->read_entry(*entry, metadata_limits));
    return std::string(bytes.begin(), bytes.end());
}

Result<void> Package::State::open_epub()
{
    format = PublicationFormat::Epub;
    auto mimetype = read_metadata("mimetype");
    if (!mimetype || !detail::is_epub_mimetype(*mimetype))
        return fail(ErrorKind::MalformedPackage, "EPUB without an application/epub+zip mimetype entry");
    std::string container = TRY(read_metadata(detail::container_path));
    main_resource = TRY(detail::parse_container_xml(container).map_error([](Error error) {
        if (error.kind == ErrorKind::MissingField || error.kind == ErrorKind::InvalidValue)
            error.kind = ErrorKind::MalformedPackage;
        return error;
    }));
    if (zip->find(detail::encryption_path)) {
        std::string xml = TRY(read_metadata(detail::encryption_path));
        auto resources = TRY(parse_encryption_xml(xml, limits.max_entries));
        // LCP packages list resources that are absent (the fixture does): only present ones matter.
        for (auto& [path, encryption] : resources) {
            if (PackageEntry* entry = find(path))
                entry->encryption = std::move(encryption);
        }
    }
    if (find(epub_licence_path))
        licence_path = std::string(epub_licence_path);
    return {};
}

Result<void> Package::State::open_pdf()
{
    format = PublicationFormat::Pdf;
    std::string text = TRY(read_metadata(manifest_path));
    nlohmann::json manifest = nlohmann::json::parse(text, nullptr, false);
    if (manifest.is_discarded() || !manifest.is_object())
        return fail(ErrorKind::MalformedJson, "manifest.json is not a JSON object");
    auto order = manifest.find("readingOrder");
    if (order == manifest.end() || !order->is_array() || order->empty())
        return fail(ErrorKind::MalformedPackage, "manifest.json has no readingOrder");
    const nlohmann::json* pdf = nullptr;
    for (const auto& link : *order) {
        if (link.is_object() && link.value("type", nlohmann::json()).is_string()
            && link["type"].get<std::string>() == pdf_media_type) {
            pdf = &link;
            break;
        }
    }
    if (!pdf || !(*pdf).contains("href") || !(*pdf)["href"].is_string())
        return fail(ErrorKind::MalformedPackage, "manifest.json readingOrder has no PDF with an href");
    main_resource = TRY(detail::resolve_uri_path("", (*pdf)["href"].get<std::string>()).map_error([](Error error) {
        error.kind = ErrorKind::MalformedPackage;
        return error;
    }));
    PackageEntry* entry = find(main_resource);
    if (!entry)
        return fail(ErrorKind::MalformedPackage, "manifest.json names " + main_resource + ", which the package lacks");
    const nlohmann::json* encrypted = nullptr;
    if (auto properties = pdf->find("properties"); properties != pdf->end() && properties->is_object()) {
        if (auto found = properties->find("encrypted"); found != properties->end())
            encrypted = &*found;
    }
    if (encrypted) {
        if (!encrypted->is_object() || !encrypted->contains("algorithm") || !(*encrypted)["algorithm"].is_string())
            return fail(ErrorKind::MalformedPackage, "manifest.json: properties.encrypted without an algorithm");
        std::string algorithm = (*encrypted)["algorithm"].get<std::string>();
        if (!known_algorithm(algorithm))
            return fail(ErrorKind::UnsupportedAlgorithm, "manifest.json: algorithm " + algorithm);
        entry->encryption = ResourceEncryption { algorithm, false, std::nullopt };
    }
    if (find(pdf_licence_path))
        licence_path = std::string(pdf_licence_path);
    return {};
}

Result<std::unique_ptr<Package>> Package::open(std::shared_ptr<ByteSource> zip, const PackageLimits& limits)
{
    auto state = std::make_unique<State>();
    state->limits = limits;
    state->zip = TRY(detail::ZipArchive::open(std::move(zip), limits.max_entries));
    for (const auto& info : state->zip->entries()) {
        if (info.directory)
            continue;
        state->by_path.emplace(info.name, state->entries.size());
        state->entries.push_back(PackageEntry { info.name, info.size, info.deflated, std::nullopt });
    }
    if (state->zip->find(detail::container_path))
        TRY(state->open_epub());
    else if (state->zip->find(manifest_path))
        TRY(state->open_pdf());
    else
        return fail(ErrorKind::MalformedPackage, "neither an EPUB (no container.xml) nor an LCPDF (no manifest.json)");
    return std::unique_ptr<Package>(new Package(std::move(state))); // raw-new: private constructor
}

Package::Package(std::unique_ptr<State> state)
    : m_state(std::move(state))
{
}

Package::~Package() = default;

PublicationFormat Package::format() const
{
    return m_state->format;
}

const std::string& Package::main_resource() const
{
    return m_state->main_resource;
}

const std::vector<PackageEntry>& Package::entries() const
{
    return m_state->entries;
}

const PackageEntry* Package::entry(std::string_view path) const
{
    return m_state->find(path);
}

Result<std::optional<std::string>> Package::embedded_licence()
{
    if (!m_state->licence_path)
        return std::optional<std::string> {};
    return std::optional<std::string> { TRY(m_state->read_metadata(*m_state->licence_path)) };
}

Result<std::shared_ptr<ByteSource>> Package::open_raw(std::string_view path)
{
    const detail::ZipEntryInfo* info = m_state->zip->find(path);
    if (!info || info->directory)
        return fail(ErrorKind::ResourceNotFound, "package has no resource " + std::string(path));
    return detail::ZipArchive::open_entry(m_state->zip, *info, m_state->inflate_limits());
}

Result<std::shared_ptr<ByteSource>> Package::open_resource(std::string_view path, const SecretBytes* content_key)
{
    const PackageEntry* entry = m_state->find(path);
    if (!entry)
        return fail(ErrorKind::ResourceNotFound, "package has no resource " + std::string(path));
    std::shared_ptr<ByteSource> raw = TRY(open_raw(path));
    if (!entry->encryption)
        return raw;
    const ResourceEncryption& encryption = *entry->encryption;
    if (!content_key || content_key->size() != 32)
        return fail(ErrorKind::InvalidArgument, std::string(path) + " is encrypted: a 32-byte content key is needed");
    std::shared_ptr<ByteSource> plain;
    if (encryption.algorithm == aes256_cbc_uri) {
        plain = TRY(CbcReader::open(std::move(raw), content_key->view()));
    } else {
        SegmentKeyring& keys = TRY(m_state->keyring_for(*content_key));
        plain = TRY(SegmentedReader::open(std::move(raw), keys));
    }
    if (!encryption.deflated) {
        if (encryption.original_length && *encryption.original_length != plain->size())
            return fail(ErrorKind::ContentLengthMismatch,
                std::string(path) + " decrypts to " + std::to_string(plain->size()) + " bytes, not the "
                    + std::to_string(*encryption.original_length) + " encryption.xml says");
        return plain;
    }
    uint64_t allowed = m_state->inflate_limits().allowed_for(plain->size());
    if (encryption.original_length && *encryption.original_length > allowed)
        return fail(ErrorKind::LimitExceeded,
            std::string(path) + " inflates to " + std::to_string(*encryption.original_length)
                + " bytes, over the limit");
    Bytes inflated = TRY(detail::inflate_raw(*plain, allowed));
    if (encryption.original_length && inflated.size() != *encryption.original_length)
        return fail(ErrorKind::ContentLengthMismatch,
            std::string(path) + " inflates to " + std::to_string(inflated.size()) + " bytes, not the "
                + std::to_string(*encryption.original_length) + " encryption.xml says");
    return std::shared_ptr<ByteSource>(std::make_shared<MemoryByteSource>(std::move(inflated)));
}

}
