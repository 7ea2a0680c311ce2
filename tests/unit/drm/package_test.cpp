#include "hondana/drm/package.h"

#include <atomic>
#include <random>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "content_test_support.h"
#include "fixtures.h"
#include "hondana/drm/licence.h"
#include "zip_builder.h"

using namespace hondana::drm;
using hondana::drm::test::pattern_bytes;
using hondana::drm::test::read_file_bytes;
using hondana::drm::test::ScratchDir;
using hondana::drm::test::test_key;
using hondana::drm::test::write_file_bytes;
using hondana::drm::test::ZipBuilder;
using Method = ZipBuilder::Method;

namespace {

// A small PDF of our own: a real header and trailer around pseudo-random body
// bytes, long enough to span several segments.
Bytes sample_pdf(size_t body_size)
{
    std::string head = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
    Bytes pdf(head.begin(), head.end());
    Bytes body = pattern_bytes(body_size, 77);
    pdf.insert(pdf.end(), body.begin(), body.end());
    std::string tail = "\n%%EOF\n";
    pdf.insert(pdf.end(), tail.begin(), tail.end());
    return pdf;
}

std::unique_ptr<Package> open_package(const std::filesystem::path& path, const PackageLimits& limits = {})
{
    auto file = FileByteSource::open(path);
    EXPECT_TRUE(file) << file.error().message;
    auto package = Package::open(std::move(*file), limits);
    EXPECT_TRUE(package) << path << ": " << package.error().message;
    return package ? std::move(*package) : nullptr;
}

Result<std::unique_ptr<Package>> open_bytes(Bytes bytes, const PackageLimits& limits = {})
{
    return Package::open(std::make_shared<MemoryByteSource>(std::move(bytes)), limits);
}

Bytes resource(Package& package, const std::string& path, const SecretBytes* key)
{
    auto source = package.open_resource(path, key);
    EXPECT_TRUE(source) << path << ": " << source.error().message;
    if (!source)
        return {};
    auto bytes = read_all(**source, 512 << 20);
    EXPECT_TRUE(bytes) << path << ": " << bytes.error().message;
    return bytes.value_or(Bytes {});
}

Bytes bytes_of(std::string_view text)
{
    return Bytes(text.begin(), text.end());
}

std::vector<std::string> folder_listing(const std::filesystem::path& folder)
{
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(folder))
        names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

const char* minimal_container
    = R"(<?xml version="1.0"?><container xmlns="urn:oasis:names:tc:opendocument:xmlns:container" version="1.0"><rootfiles><rootfile full-path="OPS/package.opf" media-type="application/oebps-package+xml"/></rootfiles></container>)";

const char* minimal_opf
    = R"(<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata/><manifest>)"
      R"(<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>)"
      R"(<item id="c1" href="text/chapter%201.xhtml" media-type="application/xhtml+xml"/>)"
      R"(<item id="img" href="images/cover.png" media-type="image/png" properties="cover-image"/>)"
      R"(<item id="pic" href="images/pic.jpg" media-type="image/jpeg"/>)"
      R"(</manifest><spine><itemref idref="c1"/></spine></package>)";

// An EPUB of our own with a resource name that needs percent-encoding.
Bytes sample_epub()
{
    std::string chapter = "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body>";
    for (int i = 0; i < 3000; ++i)
        chapter += "<p>本棚 paragraph " + std::to_string(i) + "</p>";
    chapter += "</body></html>";
    return ZipBuilder()
        .add("mimetype", "application/epub+zip")
        .add("META-INF/container.xml", minimal_container, Method::Deflate)
        .add("OPS/package.opf", minimal_opf, Method::Deflate)
        .add("OPS/nav.xhtml", "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><nav/></body></html>")
        .add("OPS/text/chapter 1.xhtml", chapter, Method::Deflate)
        .add("OPS/images/cover.png", pattern_bytes(3000, 1))
        .add("OPS/images/pic.jpg", pattern_bytes(150000, 2))
        .add("OPS/extra.bin", pattern_bytes(1500000, 3))
        .build();
}

// Every resource of `original` (an unprotected EPUB) equals the protected one's plaintext.
void expect_same_resources(const std::filesystem::path& original, Package& protected_package, const SecretBytes& key)
{
    auto plain = open_package(original);
    ASSERT_TRUE(plain);
    size_t compared = 0;
    for (const auto& entry : plain->entries()) {
        ASSERT_TRUE(protected_package.entry(entry.path)) << entry.path << " is missing";
        Bytes expected = resource(*plain, entry.path, nullptr);
        Bytes actual = resource(protected_package, entry.path, &key);
        ASSERT_EQ(actual, expected) << entry.path;
        ++compared;
    }
    EXPECT_GT(compared, 2u);
}

void expect_epub_layout(Package& package, const std::string& opf, const std::vector<std::string>& clear)
{
    ASSERT_FALSE(package.entries().empty());
    EXPECT_EQ(package.entries().front().path, "mimetype");
    EXPECT_FALSE(package.entries().front().zip_compressed);
    EXPECT_FALSE(package.entries().front().encryption);
    EXPECT_EQ(package.main_resource(), opf);
    for (const auto& path : clear) {
        const PackageEntry* entry = package.entry(path);
        ASSERT_TRUE(entry) << path;
        EXPECT_FALSE(entry->encryption) << path << " must stay in clear";
    }
    size_t encrypted = 0;
    for (const auto& entry : package.entries()) {
        if (entry.path.starts_with("META-INF/")) {
            EXPECT_FALSE(entry.encryption) << entry.path;
        }
        if (!entry.encryption)
            continue;
        ++encrypted;
        EXPECT_EQ(entry.encryption->algorithm, segmented_gcm_uri) << entry.path;
        EXPECT_FALSE(entry.zip_compressed) << entry.path << ": encrypted entries are stored";
        EXPECT_TRUE(entry.encryption->original_length) << entry.path;
        bool text = entry.path.ends_with(".xhtml") || entry.path.ends_with(".css") || entry.path.ends_with(".html");
        if (text) {
            EXPECT_TRUE(entry.encryption->deflated) << entry.path;
        }
        if (entry.path.ends_with(".jpg") || entry.path.ends_with(".png")) {
            EXPECT_FALSE(entry.encryption->deflated) << entry.path;
        }
    }
    EXPECT_GT(encrypted, 0u);
}

}

// --- PDF packages ---

TEST(PackagePdf, round_trips_and_describes_the_package)
{
    ScratchDir dir;
    Bytes pdf = sample_pdf(300000);
    write_file_bytes(dir / "in.pdf", pdf);
    SecretBytes key = test_key();
    auto packaged = package_pdf(dir / "in.pdf", dir / "out.lcpdf", key.view(), { "Title", "urn:uuid:1", "ja" }, 8192);
    ASSERT_TRUE(packaged) << packaged.error().message;
    EXPECT_EQ(packaged->format, PublicationFormat::Pdf);
    Bytes file = read_file_bytes(dir / "out.lcpdf");
    EXPECT_EQ(packaged->length, file.size());
    EXPECT_EQ(packaged->sha256_hex, hex_encode(sha256(file)));
    EXPECT_EQ(folder_listing(dir.path()), (std::vector<std::string> { "in.pdf", "out.lcpdf" }));

    auto package = open_package(dir / "out.lcpdf");
    ASSERT_TRUE(package);
    EXPECT_EQ(package->format(), PublicationFormat::Pdf);
    EXPECT_EQ(package->main_resource(), "publication.pdf");
    const PackageEntry* entry = package->entry("publication.pdf");
    ASSERT_TRUE(entry && entry->encryption);
    EXPECT_FALSE(entry->zip_compressed);
    EXPECT_EQ(entry->encryption->algorithm, segmented_gcm_uri);
    EXPECT_EQ(entry->size, segmented_ciphertext_size(pdf.size(), 8192));
    EXPECT_EQ(resource(*package, "publication.pdf", &key), pdf);

    auto source = package->open_resource("publication.pdf", &key);
    ASSERT_TRUE(source);
    std::mt19937 generator(5);
    for (int i = 0; i < 200; ++i) {
        uint64_t offset = generator() % pdf.size();
        Bytes out(1 + generator() % 20000);
        size_t count = (*source)->read_at(offset, out).value();
        ASSERT_TRUE(std::equal(out.begin(), out.begin() + count, pdf.begin() + offset));
    }
}

TEST(PackagePdf, manifest_is_a_readium_manifest_naming_our_profile)
{
    ScratchDir dir;
    write_file_bytes(dir / "in.pdf", sample_pdf(10));
    ASSERT_TRUE(package_pdf(dir / "in.pdf", dir / "out.lcpdf", test_key().view(), { "本", "urn:uuid:2", "ja" }));
    auto package = open_package(dir / "out.lcpdf");
    ASSERT_TRUE(package);
    Bytes text = resource(*package, "manifest.json", nullptr);
    auto manifest = nlohmann::json::parse(text.begin(), text.end());
    EXPECT_EQ(manifest["metadata"]["title"], "本");
    EXPECT_EQ(manifest["metadata"]["language"], "ja");
    const auto& item = manifest["readingOrder"][0];
    EXPECT_EQ(item["href"], "publication.pdf");
    EXPECT_EQ(item["type"], "application/pdf");
    EXPECT_EQ(item["properties"]["encrypted"]["scheme"], "http://readium.org/2014/01/lcp");
    EXPECT_EQ(item["properties"]["encrypted"]["profile"], std::string(hondana_device_profile));
    EXPECT_EQ(item["properties"]["encrypted"]["algorithm"], std::string(segmented_gcm_uri));
}

TEST(PackagePdf, needs_the_key_and_the_right_one)
{
    ScratchDir dir;
    write_file_bytes(dir / "in.pdf", sample_pdf(5000));
    ASSERT_TRUE(package_pdf(dir / "in.pdf", dir / "out.lcpdf", test_key().view(), {}));
    auto package = open_package(dir / "out.lcpdf");
    ASSERT_TRUE(package);
    EXPECT_EQ(package->open_resource("publication.pdf", nullptr).error().kind, ErrorKind::InvalidArgument);
    SecretBytes wrong = test_key(0x99);
    EXPECT_EQ(package->open_resource("publication.pdf", &wrong).error().kind, ErrorKind::ContentTampered);
    EXPECT_EQ(package->open_resource("nothing.pdf", &wrong).error().kind, ErrorKind::ResourceNotFound);
}

TEST(PackagePdf, refuses_what_is_not_a_pdf_and_leaves_nothing_behind)
{
    ScratchDir dir;
    write_file_bytes(dir / "in.txt", as_bytes("hello, not a PDF"));
    auto packaged = package_pdf(dir / "in.txt", dir / "out.lcpdf", test_key().view(), {});
    ASSERT_FALSE(packaged);
    EXPECT_EQ(packaged.error().kind, ErrorKind::MalformedPackage);
    EXPECT_EQ(folder_listing(dir.path()), (std::vector<std::string> { "in.txt" }));
    EXPECT_EQ(package_pdf(dir / "missing.pdf", dir / "out.lcpdf", test_key().view(), {}).error().kind, ErrorKind::Io);
    write_file_bytes(dir / "in.pdf", sample_pdf(10));
    EXPECT_EQ(package_pdf(dir / "in.pdf", dir / "no" / "such" / "folder.lcpdf", test_key().view(), {}).error().kind,
        ErrorKind::Io);
    EXPECT_EQ(package_pdf(dir / "in.pdf", dir / "out.lcpdf", SecretBytes(16).view(), {}).error().kind,
        ErrorKind::InvalidArgument);
    EXPECT_EQ(folder_listing(dir.path()), (std::vector<std::string> { "in.pdf", "in.txt" }));
}

TEST(PackagePdf, a_failed_packaging_keeps_the_previous_output)
{
    ScratchDir dir;
    write_file_bytes(dir / "in.pdf", sample_pdf(100));
    ASSERT_TRUE(package_pdf(dir / "in.pdf", dir / "out.lcpdf", test_key().view(), {}));
    Bytes before = read_file_bytes(dir / "out.lcpdf");
    write_file_bytes(dir / "bad.pdf", as_bytes("%PD"));
    ASSERT_FALSE(package_pdf(dir / "bad.pdf", dir / "out.lcpdf", test_key().view(), {}));
    EXPECT_EQ(read_file_bytes(dir / "out.lcpdf"), before);
    EXPECT_EQ(folder_listing(dir.path()), (std::vector<std::string> { "bad.pdf", "in.pdf", "out.lcpdf" }));
}

// --- EPUB packages ---

TEST(PackageEpub, round_trips_our_sample_with_escaped_names_and_a_staged_payload)
{
    ScratchDir dir;
    write_file_bytes(dir / "in.epub", sample_epub());
    SecretBytes key = test_key();
    auto packaged = package_epub(dir / "in.epub", dir / "out.epub", key.view(), 4096);
    ASSERT_TRUE(packaged) << packaged.error().message;
    EXPECT_EQ(packaged->format, PublicationFormat::Epub);
    EXPECT_EQ(packaged->sha256_hex, hex_encode(sha256(read_file_bytes(dir / "out.epub"))));
    EXPECT_EQ(folder_listing(dir.path()), (std::vector<std::string> { "in.epub", "out.epub" }));
    auto package = open_package(dir / "out.epub");
    ASSERT_TRUE(package);
    expect_epub_layout(*package, "OPS/package.opf",
        { "META-INF/container.xml", "META-INF/encryption.xml", "OPS/package.opf", "OPS/nav.xhtml",
            "OPS/images/cover.png" });
    EXPECT_TRUE(package->entry("OPS/text/chapter 1.xhtml")->encryption);
    EXPECT_TRUE(package->entry("OPS/images/pic.jpg")->encryption);
    EXPECT_TRUE(package->entry("OPS/extra.bin")->encryption);
    expect_same_resources(dir / "in.epub", *package, key);
}

TEST(PackageEpub, round_trips_every_shared_epub_fixture)
{
    struct Case {
        const char* file;
        const char* opf;
    };
    for (Case c :
        { Case { "childrens-literature.epub", "EPUB/package.opf" }, Case { "moby-dick.epub", "OPS/package.opf" },
            Case { "page-blanche.epub", "EPUB/package.opf" }, Case { "haruko-html-jpeg.epub", "OPS/package.opf" } }) {
        SCOPED_TRACE(c.file);
        std::string relative = std::string("epub/") + c.file;
        HONDANA_REQUIRE_SHARED_FIXTURE(relative);
        ScratchDir dir;
        SecretBytes key = test_key(0x42);
        auto packaged = package_epub(hondana::test::shared_fixtures() / relative, dir / "out.epub", key.view());
        ASSERT_TRUE(packaged) << packaged.error().message;
        auto package = open_package(dir / "out.epub");
        ASSERT_TRUE(package);
        expect_epub_layout(*package, c.opf, { "META-INF/container.xml", c.opf });
        expect_same_resources(hondana::test::shared_fixtures() / relative, *package, key);
    }
}

TEST(PackageEpub, keeps_navigation_and_cover_in_clear)
{
    HONDANA_REQUIRE_SHARED_FIXTURE("epub/childrens-literature.epub");
    ScratchDir dir;
    ASSERT_TRUE(package_epub(
        hondana::test::shared_fixtures() / "epub/childrens-literature.epub", dir / "out.epub", test_key().view()));
    auto package = open_package(dir / "out.epub");
    ASSERT_TRUE(package);
    EXPECT_FALSE(package->entry("EPUB/nav.xhtml")->encryption);
    EXPECT_FALSE(package->entry("EPUB/images/cover.png")->encryption);
    EXPECT_TRUE(package->entry("EPUB/s04.xhtml")->encryption);
    EXPECT_TRUE(package->entry("EPUB/s04.xhtml")->encryption->deflated);
}

TEST(PackageEpub, tolerates_remote_items_and_a_mimetype_with_a_newline)
{
    std::string opf = minimal_opf;
    std::string remote = R"(<item id="audio" href="https://example.com/a.mp3" media-type="audio/mpeg"/>)";
    opf.insert(opf.find("</manifest>"), remote);
    ScratchDir dir;
    write_file_bytes(dir / "in.epub",
        ZipBuilder()
            .add("mimetype", "application/epub+zip\n")
            .add("META-INF/container.xml", minimal_container)
            .add("OPS/package.opf", opf)
            .add("OPS/nav.xhtml", "<html/>")
            .add("OPS/text/chapter 1.xhtml", "<html><body><p>one</p></body></html>")
            .build());
    ASSERT_TRUE(open_package(dir / "in.epub"));
    SecretBytes key = test_key();
    auto packaged = package_epub(dir / "in.epub", dir / "out.epub", key.view());
    ASSERT_TRUE(packaged) << packaged.error().message;
    auto package = open_package(dir / "out.epub");
    ASSERT_TRUE(package);
    EXPECT_FALSE(package->entry("OPS/nav.xhtml")->encryption);
    EXPECT_EQ(resource(*package, "OPS/text/chapter 1.xhtml", &key), bytes_of("<html><body><p>one</p></body></html>"));
}

TEST(PackageEpub, refuses_broken_or_already_protected_input_and_leaves_nothing_behind)
{
    ScratchDir dir;
    auto attempt = [&](const Bytes& epub) {
        write_file_bytes(dir / "in.epub", epub);
        auto result = package_epub(dir / "in.epub", dir / "out.epub", test_key().view());
        EXPECT_EQ(folder_listing(dir.path()), (std::vector<std::string> { "in.epub" }));
        return result ? std::optional<ErrorKind> {} : result.error().kind;
    };
    EXPECT_EQ(attempt(bytes_of("not a zip")), ErrorKind::MalformedPackage);
    EXPECT_EQ(
        attempt(ZipBuilder().add("META-INF/container.xml", minimal_container).build()), ErrorKind::MalformedPackage);
    EXPECT_EQ(
        attempt(
            ZipBuilder().add("mimetype", "application/zip").add("META-INF/container.xml", minimal_container).build()),
        ErrorKind::MalformedPackage);
    EXPECT_EQ(attempt(ZipBuilder()
                          .add("mimetype", "application/epub+zip")
                          .add("META-INF/container.xml", minimal_container)
                          .build()),
        ErrorKind::MalformedPackage); // the OPF is missing
    EXPECT_EQ(attempt(ZipBuilder()
                          .add("mimetype", "application/epub+zip")
                          .add("META-INF/container.xml", minimal_container)
                          .add("OPS/package.opf", "<package")
                          .build()),
        ErrorKind::MalformedXml);
    EXPECT_EQ(attempt(ZipBuilder()
                          .add("mimetype", "application/epub+zip")
                          .add("META-INF/container.xml", minimal_container)
                          .add("META-INF/encryption.xml", "<encryption/>")
                          .add("OPS/package.opf", minimal_opf)
                          .build()),
        ErrorKind::InvalidArgument);
}

// --- licences ---

TEST(EmbedLicence, puts_the_licence_in_the_slot_of_each_format)
{
    ScratchDir dir;
    write_file_bytes(dir / "in.pdf", sample_pdf(1000));
    write_file_bytes(dir / "in.epub", sample_epub());
    SecretBytes key = test_key();
    ASSERT_TRUE(package_pdf(dir / "in.pdf", dir / "book.lcpdf", key.view(), {}));
    ASSERT_TRUE(package_epub(dir / "in.epub", dir / "book.epub", key.view()));
    std::string licence = R"({"id":"licence-1","provider":"urn:hondana:test"})";
    for (const char* name : { "book.lcpdf", "book.epub" }) {
        SCOPED_TRACE(name);
        Bytes before = read_file_bytes(dir / name);
        std::string output = std::string("licensed-") + name;
        ASSERT_TRUE(embed_licence(dir / name, dir / output, licence));
        EXPECT_EQ(read_file_bytes(dir / name), before) << "the input package must not change";
        auto package = open_package(dir / output);
        ASSERT_TRUE(package);
        auto embedded = package->embedded_licence();
        ASSERT_TRUE(embedded && *embedded);
        EXPECT_EQ(**embedded, licence);
        std::string slot = std::string(name).ends_with(".epub") ? "META-INF/license.lcpl" : "license.lcpl";
        EXPECT_TRUE(package->entry(slot));
        EXPECT_FALSE(package->entry(slot)->encryption);
        EXPECT_EQ(package->entries().front().path, std::string(name).ends_with(".epub") ? "mimetype" : "manifest.json");
        // The content still reads.
        EXPECT_FALSE(resource(*package, package->main_resource(), &key).empty());
    }
    auto unlicensed = open_package(dir / "book.epub");
    ASSERT_TRUE(unlicensed);
    EXPECT_FALSE(unlicensed->embedded_licence().value());
}

TEST(EmbedLicence, replaces_a_licence_in_place)
{
    ScratchDir dir;
    write_file_bytes(dir / "in.pdf", sample_pdf(1000));
    ASSERT_TRUE(package_pdf(dir / "in.pdf", dir / "book.lcpdf", test_key().view(), {}));
    ASSERT_TRUE(embed_licence(dir / "book.lcpdf", dir / "book.lcpdf", R"({"id":"first"})"));
    ASSERT_TRUE(embed_licence(dir / "book.lcpdf", dir / "book.lcpdf", R"({"id":"second"})"));
    auto package = open_package(dir / "book.lcpdf");
    ASSERT_TRUE(package);
    EXPECT_EQ(package->embedded_licence().value(), std::optional<std::string>(R"({"id":"second"})"));
    size_t slots = std::count_if(package->entries().begin(), package->entries().end(),
        [](const PackageEntry& entry) { return entry.path == "license.lcpl"; });
    EXPECT_EQ(slots, 1u);
    EXPECT_EQ(folder_listing(dir.path()), (std::vector<std::string> { "book.lcpdf", "in.pdf" }));
}

TEST(EmbedLicence, refuses_bad_licences_and_bad_packages)
{
    ScratchDir dir;
    write_file_bytes(dir / "in.pdf", sample_pdf(1000));
    ASSERT_TRUE(package_pdf(dir / "in.pdf", dir / "book.lcpdf", test_key().view(), {}));
    EXPECT_EQ(embed_licence(dir / "book.lcpdf", dir / "out.lcpdf", "{not json").error().kind, ErrorKind::MalformedJson);
    EXPECT_EQ(
        embed_licence(dir / "book.lcpdf", dir / "out.lcpdf", std::string(max_licence_bytes + 1, ' ')).error().kind,
        ErrorKind::DocumentTooLarge);
    EXPECT_EQ(embed_licence(dir / "in.pdf", dir / "out.lcpdf", "{}").error().kind, ErrorKind::MalformedPackage);
    EXPECT_EQ(folder_listing(dir.path()), (std::vector<std::string> { "book.lcpdf", "in.pdf" }));
}

// --- opening: malformed containers and limits ---

TEST(PackageOpen, garbage_empty_and_truncated_zips_are_malformed)
{
    EXPECT_EQ(open_bytes({}).error().kind, ErrorKind::MalformedPackage);
    EXPECT_EQ(open_bytes(bytes_of("PK\x03\x04 and then nothing useful")).error().kind, ErrorKind::MalformedPackage);
    EXPECT_EQ(open_bytes(pattern_bytes(5000)).error().kind, ErrorKind::MalformedPackage);
    Bytes good = sample_epub();
    ASSERT_TRUE(open_bytes(good));
    for (size_t cut : { size_t(22), good.size() / 2, good.size() - 1, good.size() - 22 }) {
        Bytes truncated(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(good.size() - cut));
        auto opened = open_bytes(truncated);
        ASSERT_FALSE(opened) << "cut " << cut;
        EXPECT_EQ(opened.error().kind, ErrorKind::MalformedPackage) << "cut " << cut;
    }
}

TEST(PackageOpen, every_single_byte_change_is_an_error_or_still_reads)
{
    // Flip bytes across a whole small package: open and read every resource; never a crash.
    ScratchDir dir;
    write_file_bytes(dir / "in.pdf", sample_pdf(200));
    SecretBytes key = test_key();
    ASSERT_TRUE(package_pdf(dir / "in.pdf", dir / "out.lcpdf", key.view(), {}));
    Bytes good = read_file_bytes(dir / "out.lcpdf");
    size_t opened = 0;
    for (size_t i = 0; i < good.size(); ++i) {
        Bytes changed = good;
        changed[i] ^= 0x41;
        auto package = open_bytes(changed);
        if (!package)
            continue;
        ++opened;
        for (const auto& entry : (*package)->entries()) {
            auto source = (*package)->open_resource(entry.path, &key);
            if (source)
                (void)read_all(**source, 1 << 20);
        }
    }
    EXPECT_LT(opened, good.size());
}

namespace {

// A source whose reads fail, like a file on a failing disk.
class BrokenSource final : public ByteSource {
public:
    [[nodiscard]] uint64_t size() const override { return 4096; }
    [[nodiscard]] Result<size_t> read_at(uint64_t, std::span<uint8_t>) override
    {
        return fail(ErrorKind::Io, "disk error");
    }
};

}

TEST(PackageOpen, a_failing_source_is_an_io_error)
{
    auto opened = Package::open(std::make_shared<BrokenSource>());
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error().kind, ErrorKind::Io);
}

TEST(PackageOpen, neither_epub_nor_lcpdf_is_malformed)
{
    auto opened = open_bytes(ZipBuilder().add("hello.txt", "hi").build());
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error().kind, ErrorKind::MalformedPackage);
}

TEST(PackageOpen, duplicate_names_are_malformed)
{
    auto duplicate = open_bytes(ZipBuilder().add("manifest.json", "{}").add("manifest.json", "{}").build());
    ASSERT_FALSE(duplicate);
    EXPECT_EQ(duplicate.error().kind, ErrorKind::MalformedPackage);
}

TEST(PackageOpen, bad_manifests_are_reported)
{
    auto with_manifest = [](std::string_view manifest) {
        return open_bytes(ZipBuilder().add("manifest.json", manifest).add("publication.pdf", "%PDF-1.4").build());
    };
    EXPECT_EQ(with_manifest("{not json").error().kind, ErrorKind::MalformedJson);
    EXPECT_EQ(with_manifest("[]").error().kind, ErrorKind::MalformedJson);
    EXPECT_EQ(with_manifest("{}").error().kind, ErrorKind::MalformedPackage);
    EXPECT_EQ(with_manifest(R"({"readingOrder":[{"href":"other.pdf","type":"application/pdf"}]})").error().kind,
        ErrorKind::MalformedPackage);
    EXPECT_EQ(
        with_manifest(R"({"readingOrder":[{"href":"../publication.pdf","type":"application/pdf"}]})").error().kind,
        ErrorKind::MalformedPackage);
    EXPECT_EQ(
        with_manifest(
            R"({"readingOrder":[{"href":"publication.pdf","type":"application/pdf","properties":{"encrypted":{"algorithm":"rot13"}}}]})")
            .error()
            .kind,
        ErrorKind::UnsupportedAlgorithm);
    auto clear = with_manifest(R"({"readingOrder":[{"href":"publication.pdf","type":"application/pdf"}]})");
    ASSERT_TRUE(clear) << clear.error().message;
    EXPECT_EQ(resource(**clear, "publication.pdf", nullptr), bytes_of("%PDF-1.4"));
}

TEST(PackageOpen, bad_epub_metadata_is_reported)
{
    auto epub = [](std::string_view container, std::string_view encryption) {
        ZipBuilder builder;
        builder.add("mimetype", "application/epub+zip").add("META-INF/container.xml", container);
        if (!encryption.empty())
            builder.add("META-INF/encryption.xml", encryption);
        return open_bytes(builder.add("OPS/package.opf", minimal_opf).build());
    };
    ASSERT_TRUE(epub(minimal_container, ""));
    EXPECT_EQ(epub("<container", "").error().kind, ErrorKind::MalformedXml);
    EXPECT_EQ(epub(R"(<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container"/>)", "").error().kind,
        ErrorKind::MalformedPackage);
    EXPECT_EQ(epub(minimal_container, "<encryption").error().kind, ErrorKind::MalformedXml);
    EXPECT_EQ(
        epub(minimal_container,
            R"(<!DOCTYPE x [<!ENTITY a "b">]><encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container"/>)")
            .error()
            .kind,
        ErrorKind::MalformedXml);
    auto no_mimetype = open_bytes(ZipBuilder().add("META-INF/container.xml", minimal_container).build());
    EXPECT_EQ(no_mimetype.error().kind, ErrorKind::MalformedPackage);
}

TEST(PackageOpen, too_many_entries_is_a_limit)
{
    ZipBuilder builder;
    builder.add("manifest.json", "{}");
    for (int i = 0; i < 10; ++i)
        builder.add("f" + std::to_string(i), "x");
    PackageLimits limits;
    limits.max_entries = 10;
    EXPECT_EQ(open_bytes(builder.build(), limits).error().kind, ErrorKind::LimitExceeded);
}

TEST(PackageOpen, zip_bombs_are_stopped_by_size_and_ratio)
{
    Bytes zeros(3 * 1024 * 1024, 0);
    Bytes bomb = ZipBuilder()
                     .add("manifest.json", R"({"readingOrder":[{"href":"publication.pdf","type":"application/pdf"}]})")
                     .add("publication.pdf", zeros, Method::Deflate)
                     .build();
    ASSERT_LT(bomb.size(), 10000u);
    auto package = open_bytes(bomb); // ratio ~1000:1 over 1 MiB
    ASSERT_TRUE(package) << package.error().message;
    EXPECT_EQ((*package)->open_raw("publication.pdf").error().kind, ErrorKind::LimitExceeded);
    PackageLimits generous;
    generous.max_compression_ratio = 100000;
    auto allowed = open_bytes(bomb, generous);
    ASSERT_TRUE(allowed);
    EXPECT_EQ(resource(**allowed, "publication.pdf", nullptr), zeros);
    PackageLimits small;
    small.max_compression_ratio = 100000;
    small.max_inflated_resource = 1024 * 1024;
    auto capped = open_bytes(bomb, small);
    ASSERT_TRUE(capped);
    EXPECT_EQ((*capped)->open_raw("publication.pdf").error().kind, ErrorKind::LimitExceeded);
    small.max_metadata_bytes = 10;
    EXPECT_EQ(open_bytes(bomb, small).error().kind, ErrorKind::LimitExceeded);
}

TEST(PackageOpen, inflate_after_decrypt_is_limited_and_length_checked)
{
    // A protected EPUB whose encryption.xml lies about OriginalLength.
    ScratchDir dir;
    write_file_bytes(dir / "in.epub", sample_epub());
    SecretBytes key = test_key();
    ASSERT_TRUE(package_epub(dir / "in.epub", dir / "out.epub", key.view()));
    auto package = open_package(dir / "out.epub");
    ASSERT_TRUE(package);
    auto raw = package->open_raw("META-INF/encryption.xml");
    ASSERT_TRUE(raw);
    Bytes xml_bytes = read_all(**raw, 1 << 20).value();
    std::string xml(xml_bytes.begin(), xml_bytes.end());
    auto chapter = package->entry("OPS/text/chapter 1.xhtml");
    ASSERT_TRUE(chapter && chapter->encryption && chapter->encryption->original_length);
    std::string length = "OriginalLength=\"" + std::to_string(*chapter->encryption->original_length) + "\"";
    ASSERT_NE(xml.find(length), std::string::npos);

    auto rebuilt = [&](const std::string& new_xml, const PackageLimits& limits) {
        ZipBuilder builder;
        for (const auto& entry : package->entries()) {
            Bytes data = read_all(*package->open_raw(entry.path).value(), 16 << 20).value();
            if (entry.path == "META-INF/encryption.xml")
                data = bytes_of(new_xml);
            builder.add(entry.path, data);
        }
        return open_bytes(builder.build(), limits);
    };
    std::string lying = xml;
    lying.replace(xml.find(length), length.size(), "OriginalLength=\"5\"");
    auto liar = rebuilt(lying, {});
    ASSERT_TRUE(liar) << liar.error().message;
    EXPECT_EQ((*liar)->open_resource("OPS/text/chapter 1.xhtml", &key).error().kind, ErrorKind::ContentLengthMismatch);
    // The same for a resource stored without deflate (Method="0").
    auto picture = package->entry("OPS/images/pic.jpg");
    ASSERT_TRUE(picture && picture->encryption && !picture->encryption->deflated);
    std::string picture_length = "OriginalLength=\"" + std::to_string(*picture->encryption->original_length) + "\"";
    std::string lying_picture = xml;
    lying_picture.replace(xml.find(picture_length), picture_length.size(), "OriginalLength=\"7\"");
    auto picture_liar = rebuilt(lying_picture, {});
    ASSERT_TRUE(picture_liar);
    EXPECT_EQ(
        (*picture_liar)->open_resource("OPS/images/pic.jpg", &key).error().kind, ErrorKind::ContentLengthMismatch);
    PackageLimits tight;
    tight.max_inflated_resource = 1000;
    auto limited = rebuilt(xml, tight);
    ASSERT_TRUE(limited);
    EXPECT_EQ((*limited)->open_resource("OPS/text/chapter 1.xhtml", &key).error().kind, ErrorKind::LimitExceeded);
}

TEST(PackageOpen, byte_sources_outlive_the_package_and_read_concurrently)
{
    ScratchDir dir;
    Bytes pdf = sample_pdf(400000);
    write_file_bytes(dir / "in.pdf", pdf);
    SecretBytes key = test_key();
    ASSERT_TRUE(package_pdf(dir / "in.pdf", dir / "out.lcpdf", key.view(), {}));
    std::shared_ptr<ByteSource> source;
    {
        auto package = open_package(dir / "out.lcpdf");
        ASSERT_TRUE(package);
        source = package->open_resource("publication.pdf", &key).value();
    }
    std::vector<std::thread> threads;
    std::atomic<int> mismatches { 0 };
    for (uint32_t t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            std::mt19937 generator(t);
            for (int i = 0; i < 200; ++i) {
                uint64_t offset = generator() % pdf.size();
                Bytes out(1 + generator() % 100000);
                auto count = source->read_at(offset, out);
                if (!count || !std::equal(out.begin(), out.begin() + *count, pdf.begin() + offset))
                    ++mismatches;
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    EXPECT_EQ(mismatches.load(), 0);
}

TEST(Sha256File, hashes_in_chunks)
{
    ScratchDir dir;
    Bytes data = pattern_bytes(3 * 1024 * 1024 + 5);
    write_file_bytes(dir / "data", data);
    EXPECT_EQ(sha256_file_hex(dir / "data").value(), hex_encode(sha256(data)));
    EXPECT_EQ(sha256_file_hex(dir / "missing").error().kind, ErrorKind::Io);
}
