#pragma once

// Protected publication packages (ZIP containers, read and written with libzip):
//  - PDF: an `.lcpdf`-style ZIP with `publication.pdf` (encrypted),
//    `manifest.json` (Readium Web Publication Manifest) and, optionally, a
//    `license.lcpl` (the licence slot).
//  - EPUB: resources encrypted in place and listed in META-INF/encryption.xml;
//    mimetype, META-INF/*, the OPF, the navigation document and the cover
//    image stay in clear, as LCP does. Text resources are deflated before
//    encryption (Compression Method="8").
// Encrypted entries are stored (not ZIP-compressed) so any byte range can be
// read without inflating the rest. Both our segmented AES-256-GCM and LCP's
// AES-256-CBC are read.

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hondana/drm/byte_source.h"
#include "hondana/drm/crypto.h"
#include "hondana/drm/segmented.h"

namespace hondana::drm {

enum class PublicationFormat { Pdf, Epub };

// How one resource is protected (from encryption.xml or manifest.json).
struct ResourceEncryption {
    std::string algorithm;   // aes256_cbc_uri or segmented_gcm_uri
    bool deflated { false }; // Compression Method="8": inflate after decrypting
    std::optional<uint64_t> original_length;
};

// Parses META-INF/encryption.xml: resource path (as in the ZIP, the
// CipherReference URI percent-decoded) → protection. Elements are matched by
// namespace (OCF container, xmlenc, IDPF compression), not by prefix;
// EncryptedData is read, anything else ignored. MalformedXml for bad XML, a
// DOCTYPE or a root other than OCF <encryption>; MissingField for an
// EncryptedData without Algorithm or CipherReference URI; UnsupportedAlgorithm
// for an algorithm we cannot read (font obfuscation included); InvalidValue
// for a bad URI (absolute, "..", escapes), a Method other than 0/8, a bad
// OriginalLength or a path listed twice; LimitExceeded past `max_entries`.
// No DTD or entity is ever expanded.
[[nodiscard]] Result<std::map<std::string, ResourceEncryption>> parse_encryption_xml(
    std::string_view xml, size_t max_entries = 100000);

// Limits against hostile containers (zip bombs, huge directories). Inflated
// data — a ZIP-deflated entry, or a resource deflated before encryption — may
// reach max_inflated_resource, and past 1 MiB at most max_compression_ratio
// times its compressed size; more is LimitExceeded, stopped while inflating.
struct PackageLimits {
    size_t max_entries { 20000 };
    uint64_t max_metadata_bytes { 8 * 1024 * 1024 };      // encryption.xml, manifest, container.xml, licence
    uint64_t max_inflated_resource { 256 * 1024 * 1024 }; // per deflated resource
    uint64_t max_compression_ratio { 200 };
};

struct PackageEntry {
    std::string path;
    uint64_t size { 0 }; // uncompressed ZIP entry size (ciphertext size for encrypted entries)
    bool zip_compressed { false };
    std::optional<ResourceEncryption> encryption;
};

// An opened package. Not safe for concurrent use; byte sources it returns are,
// and they stay valid after the Package is gone. Stored entries are read in
// place (random access); ZIP-deflated ones are inflated into memory, within
// the limits.
class Package {
public:
    // MalformedPackage (not a consistent ZIP, duplicate names, ZIP-level
    // encryption, neither container.xml nor manifest.json, an EPUB without its
    // mimetype, a manifest without a PDF in readingOrder), LimitExceeded,
    // MalformedXml / MalformedJson for bad metadata, UnsupportedAlgorithm.
    // Resources listed in encryption.xml but absent from the ZIP are ignored
    // (LCP packages list them).
    [[nodiscard]] static Result<std::unique_ptr<Package>> open(
        std::shared_ptr<ByteSource> zip, const PackageLimits& limits = {});
    ~Package();

    [[nodiscard]] PublicationFormat format() const;
    // PDF: "publication.pdf" (from manifest.json); EPUB: the OPF path from container.xml.
    [[nodiscard]] const std::string& main_resource() const;
    [[nodiscard]] const std::vector<PackageEntry>& entries() const;
    [[nodiscard]] const PackageEntry* entry(std::string_view path) const;
    // license.lcpl (PDF) or META-INF/license.lcpl (EPUB), if the package has one.
    [[nodiscard]] Result<std::optional<std::string>> embedded_licence();

    // The entry's bytes after ZIP decompression (ciphertext for encrypted
    // entries). ResourceNotFound, LimitExceeded.
    [[nodiscard]] Result<std::shared_ptr<ByteSource>> open_raw(std::string_view path);
    // The entry's plaintext: decrypted (CBC or segmented GCM, per its
    // encryption) and, when it was deflated before encryption, inflated into
    // memory. Its size is OriginalLength when encryption.xml gives one
    // (ContentLengthMismatch otherwise), so callers may list that size.
    // `content_key` may be null only for entries in clear (InvalidArgument
    // otherwise); a wrong key gives ContentTampered (GCM) or garbage that
    // fails to inflate or parse (LCP's CBC cannot tell).
    [[nodiscard]] Result<std::shared_ptr<ByteSource>> open_resource(
        std::string_view path, const SecretBytes* content_key);

private:
    struct State;
    explicit Package(std::unique_ptr<State> state);
    std::unique_ptr<State> m_state;
};

struct PackageMetadata {
    std::string title;
    std::string identifier; // URN or UUID of the title
    std::string language;   // BCP 47, for example "ja"
    // "rtl" or "ltr" as manifest.json's metadata.readingProgression; empty:
    // not declared (the reader then follows the PDF's own /Direction).
    std::string reading_progression;
};

// The result of packaging: what goes into the licence's publication link.
// Hash and length are of the package as written, without a licence: the
// package is served as is, and the licence travels separately (or is
// embedded later by embed_licence, which changes the file's bytes).
struct PackagedPublication {
    PublicationFormat format;
    uint64_t length { 0 };
    std::string sha256_hex;
};

// Protects a PDF into an LCPDF-style package at `output`, written to a
// temporary file beside it, fsynced and renamed into place: on failure
// nothing is left behind and an existing `output` is untouched.
// Entries: manifest.json (deflated; RWPM whose readingOrder item carries
// properties.encrypted {scheme LCP, profile hondana_device_profile,
// algorithm segmented_gcm_uri}), publication.pdf (segmented GCM, stored).
// MalformedPackage when `pdf` does not start with %PDF-; Io; InvalidArgument
// for a key that is not 32 bytes.
[[nodiscard]] Result<PackagedPublication> package_pdf(const std::filesystem::path& pdf,
    const std::filesystem::path& output, ByteView content_key, const PackageMetadata& metadata,
    uint32_t segment_size = default_segment_size);

// Protects an EPUB into `output` (atomically, as above): mimetype first and
// stored; mimetype, META-INF/*, the OPF, the navigation document (and an
// EPUB 2 NCX) and the cover image in clear (deflated); every other resource
// encrypted in place with segmented GCM and stored, text (and OTF/TTF fonts)
// deflated first; META-INF/encryption.xml lists them with Compression
// Method 8 or 0 and OriginalLength. MalformedPackage for an EPUB without
// mimetype, container.xml or OPF; MalformedXml for a broken OPF;
// InvalidArgument when the input already carries an encryption.xml (protected
// or font-obfuscated EPUBs are refused).
[[nodiscard]] Result<PackagedPublication> package_epub(const std::filesystem::path& epub,
    const std::filesystem::path& output, ByteView content_key, uint32_t segment_size = default_segment_size);

// Writes a copy of `package` with `licence_json` in its licence slot
// (license.lcpl for PDF, META-INF/license.lcpl for EPUB), replacing one that
// is there; other entries are copied unchanged (atomically, as above;
// `output` may be `package`). DocumentTooLarge past max_licence_bytes,
// MalformedJson when it is not JSON, MalformedPackage when `package` does
// not open.
[[nodiscard]] Result<void> embed_licence(
    const std::filesystem::path& package, const std::filesystem::path& output, std::string_view licence_json);

// Lower-case hex SHA-256 of a file, read in chunks.
[[nodiscard]] Result<std::string> sha256_file_hex(const std::filesystem::path& path);

}
