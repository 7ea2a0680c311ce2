#include "hondana/drm/package.h"

#include <algorithm>
#include <array>

#include <nlohmann/json.hpp>

#include "deflate.h"
#include "encryption_xml.h"
#include "epub_container.h"
#include "hondana/drm/licence.h"
#include "zip_writer.h"

namespace hondana::drm {

using detail::ZipWriter;

namespace {

constexpr size_t in_memory_payload = 1024 * 1024; // larger encrypted payloads are staged on disk
constexpr std::string_view lcp_scheme = "http://readium.org/2014/01/lcp";

Result<PackagedPublication> describe(const std::filesystem::path& output, PublicationFormat format)
{
    std::error_code error;
    uint64_t length = std::filesystem::file_size(output, error);
    if (error)
        return fail(ErrorKind::Io, "cannot stat " + output.string() + ": " + error.message());
    return PackagedPublication { format, length, TRY(sha256_file_hex(output)) };
}

// Encrypts `plaintext` into a staged file of the writer.
Result<std::filesystem::path> encrypt_to_staging(
    ZipWriter& writer, ByteSource& plaintext, ByteView content_key, uint32_t segment_size)
{
    std::filesystem::path staged = TRY(writer.staging_file());
    detail::OutputFile file = TRY(detail::OutputFile::create(staged));
    TRY(encrypt_segmented(
        plaintext, content_key, [&file](ByteView bytes) { return file.write(bytes); }, segment_size));
    TRY(file.close());
    return staged;
}

std::string pdf_manifest(const PackageMetadata& metadata)
{
    nlohmann::json meta = nlohmann::json::object();
    if (!metadata.title.empty())
        meta["title"] = metadata.title;
    if (!metadata.identifier.empty())
        meta["identifier"] = metadata.identifier;
    if (!metadata.language.empty())
        meta["language"] = metadata.language;
    if (!metadata.reading_progression.empty())
        meta["readingProgression"] = metadata.reading_progression;
    nlohmann::json encrypted = {
        { "scheme", lcp_scheme },
        { "profile", hondana_device_profile },
        { "algorithm", segmented_gcm_uri },
    };
    nlohmann::json manifest = {
        { "@context", "https://readium.org/webpub-manifest/context.jsonld" },
        { "metadata", meta },
        { "readingOrder",
            nlohmann::json::array({ {
                { "href", "publication.pdf" },
                { "type", "application/pdf" },
                { "properties", { { "encrypted", encrypted } } },
            } }) },
    };
    return manifest.dump();
}

// Media types worth deflating before encryption: text, and fonts that are not
// compressed already (LCP does the same).
bool compressible(std::string_view media_type)
{
    static constexpr std::array<std::string_view, 12> types {
        "application/xhtml+xml",
        "application/x-dtbncx+xml",
        "image/svg+xml",
        "application/javascript",
        "application/ecmascript",
        "application/xml",
        "application/smil+xml",
        "application/json",
        "font/otf",
        "font/ttf",
        "application/vnd.ms-opentype",
        "application/font-sfnt",
    };
    return media_type.starts_with("text/") || std::find(types.begin(), types.end(), media_type) != types.end();
}

struct EpubInput {
    std::shared_ptr<detail::ZipArchive> zip;
    std::string opf_path;
    detail::OpfManifest manifest;
    detail::InflateLimits limits;

    [[nodiscard]] Result<Bytes> read(const detail::ZipEntryInfo& entry) { return zip->read_entry(entry, limits); }
    [[nodiscard]] bool stays_clear(std::string_view path) const
    {
        return path == "mimetype" || path.starts_with("META-INF/") || path == opf_path || path == manifest.nav_path
            || path == manifest.ncx_path || path == manifest.cover_path;
    }
};

Result<EpubInput> open_epub_input(const std::filesystem::path& epub)
{
    PackageLimits defaults;
    std::shared_ptr<ByteSource> file = TRY(FileByteSource::open(epub));
    EpubInput input;
    input.limits = { defaults.max_inflated_resource, defaults.max_compression_ratio };
    input.zip = TRY(detail::ZipArchive::open(std::move(file), defaults.max_entries));
    const detail::ZipEntryInfo* mimetype = input.zip->find("mimetype");
    const detail::ZipEntryInfo* container = input.zip->find(detail::container_path);
    if (!mimetype || !container)
        return fail(ErrorKind::MalformedPackage, epub.string() + " is not an EPUB (no mimetype or container.xml)");
    Bytes type = TRY(input.read(*mimetype));
    if (!detail::is_epub_mimetype({ reinterpret_cast<const char*>(type.data()), type.size() }))
        return fail(ErrorKind::MalformedPackage, epub.string() + " has a mimetype other than application/epub+zip");
    if (input.zip->find(detail::encryption_path))
        return fail(ErrorKind::InvalidArgument,
            epub.string() + " already has META-INF/encryption.xml (protected or font-obfuscated EPUBs are refused)");
    Bytes container_xml = TRY(input.read(*container));
    input.opf_path
        = TRY(detail::parse_container_xml({ reinterpret_cast<const char*>(container_xml.data()), container_xml.size() })
                  .map_error([](Error error) {
                      error.kind = ErrorKind::MalformedPackage;
                      return error;
                  }));
    const detail::ZipEntryInfo* opf = input.zip->find(input.opf_path);
    if (!opf)
        return fail(ErrorKind::MalformedPackage, epub.string() + " lacks its OPF " + input.opf_path);
    Bytes opf_xml = TRY(input.read(*opf));
    input.manifest
        = TRY(detail::parse_opf({ reinterpret_cast<const char*>(opf_xml.data()), opf_xml.size() }, input.opf_path));
    return input;
}

// Encrypts one resource (deflating text first) and adds it, stored.
Result<ResourceEncryption> add_encrypted(ZipWriter& writer, const std::string& path, Bytes data,
    std::string_view media_type, ByteView key, uint32_t segment_size)
{
    ResourceEncryption encryption { std::string(segmented_gcm_uri), false, data.size() };
    if (compressible(media_type)) {
        data = TRY(detail::deflate_raw(data));
        encryption.deflated = true;
    }
    if (data.size() <= in_memory_payload) {
        Bytes ciphertext = TRY(encrypt_segmented(data, key, segment_size));
        TRY(writer.add_bytes(path, std::move(ciphertext), ZipWriter::Compression::Store));
        return encryption;
    }
    MemoryByteSource source(std::move(data));
    std::filesystem::path staged = TRY(encrypt_to_staging(writer, source, key, segment_size));
    TRY(writer.add_file(path, staged, ZipWriter::Compression::Store));
    return encryption;
}

}

Result<std::string> sha256_file_hex(const std::filesystem::path& path)
{
    auto file = TRY(FileByteSource::open(path));
    Sha256 hash;
    Bytes buffer(1024 * 1024);
    uint64_t offset = 0;
    while (offset < file->size()) {
        size_t count = TRY(file->read_at(offset, buffer));
        if (count == 0)
            return fail(ErrorKind::Io, path.string() + " shrank while it was hashed");
        hash.update(ByteView(buffer).first(count));
        offset += count;
    }
    return hex_encode(hash.finish());
}

Result<PackagedPublication> package_pdf(const std::filesystem::path& pdf, const std::filesystem::path& output,
    ByteView content_key, const PackageMetadata& metadata, uint32_t segment_size)
{
    if (content_key.size() != 32)
        return fail(ErrorKind::InvalidArgument, "packaging needs a 32-byte content key");
    if (!metadata.reading_progression.empty() && metadata.reading_progression != "rtl"
        && metadata.reading_progression != "ltr")
        return fail(ErrorKind::InvalidValue,
            "readingProgression must be rtl or ltr, not \"" + metadata.reading_progression + "\"");
    auto source = TRY(FileByteSource::open(pdf));
    std::array<uint8_t, 5> magic {};
    if (source->size() < magic.size() || !read_exact(*source, 0, magic)
        || std::string_view(reinterpret_cast<const char*>(magic.data()), magic.size()) != "%PDF-")
        return fail(ErrorKind::MalformedPackage, pdf.string() + " is not a PDF (it does not start with %PDF-)");
    auto writer = TRY(ZipWriter::create(output));
    std::string manifest = pdf_manifest(metadata);
    TRY(writer->add_bytes("manifest.json", Bytes(manifest.begin(), manifest.end()), ZipWriter::Compression::Deflate));
    std::filesystem::path staged = TRY(encrypt_to_staging(*writer, *source, content_key, segment_size));
    TRY(writer->add_file("publication.pdf", staged, ZipWriter::Compression::Store));
    TRY(writer->commit());
    return describe(output, PublicationFormat::Pdf);
}

Result<PackagedPublication> package_epub(
    const std::filesystem::path& epub, const std::filesystem::path& output, ByteView content_key, uint32_t segment_size)
{
    if (content_key.size() != 32)
        return fail(ErrorKind::InvalidArgument, "packaging needs a 32-byte content key");
    EpubInput input = TRY(open_epub_input(epub));
    auto writer = TRY(ZipWriter::create(output));
    TRY(writer->add_bytes(
        "mimetype", Bytes(detail::epub_mimetype.begin(), detail::epub_mimetype.end()), ZipWriter::Compression::Store));
    std::vector<std::pair<std::string, ResourceEncryption>> encrypted;
    for (const auto& entry : input.zip->entries()) {
        if (entry.directory || entry.name == "mimetype")
            continue;
        Bytes data = TRY(input.read(entry));
        if (input.stays_clear(entry.name)) {
            TRY(writer->add_bytes(entry.name, std::move(data), ZipWriter::Compression::Deflate));
            continue;
        }
        const detail::OpfItem* item = input.manifest.item_at(entry.name);
        std::string_view media_type = item ? std::string_view(item->media_type) : std::string_view();
        ResourceEncryption encryption
            = TRY(add_encrypted(*writer, entry.name, std::move(data), media_type, content_key, segment_size));
        encrypted.emplace_back(entry.name, std::move(encryption));
    }
    std::string xml = detail::encryption_xml_document(encrypted);
    TRY(writer->add_bytes(detail::encryption_path, Bytes(xml.begin(), xml.end()), ZipWriter::Compression::Deflate));
    TRY(writer->commit());
    return describe(output, PublicationFormat::Epub);
}

Result<void> embed_licence(
    const std::filesystem::path& package, const std::filesystem::path& output, std::string_view licence_json)
{
    if (licence_json.size() > max_licence_bytes)
        return fail(ErrorKind::DocumentTooLarge, "licence of " + std::to_string(licence_json.size()) + " bytes");
    if (!nlohmann::json::accept(licence_json))
        return fail(ErrorKind::MalformedJson, "the licence to embed is not JSON");
    std::shared_ptr<ByteSource> file = TRY(FileByteSource::open(package));
    auto opened = TRY(Package::open(std::move(file)));
    std::string_view slot = opened->format() == PublicationFormat::Pdf ? "license.lcpl" : "META-INF/license.lcpl";
    opened.reset();
    auto writer = TRY(ZipWriter::modify(package, output));
    TRY(writer->add_bytes(slot, Bytes(licence_json.begin(), licence_json.end()), ZipWriter::Compression::Deflate));
    return writer->commit();
}

}
