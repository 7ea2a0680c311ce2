#include "hondana/drm/package.h"

#include <random>

#include <nlohmann/json.hpp>

#include "fixtures.h"
#include "hondana/drm/licence.h"
#include "package_test_support.h"

using namespace hondana::drm;
using namespace hondana::drm::test;

namespace {

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
    auto packaged = package_pdf(dir / "in.pdf", dir / "out.lcpdf", key.view(), { "Title", "urn:uuid:1", "ja", "" }, 8192);
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
    ASSERT_TRUE(package_pdf(dir / "in.pdf", dir / "out.lcpdf", test_key().view(), { "本", "urn:uuid:2", "ja", "" }));
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

TEST(PackagePdf, declares_the_reading_progression_only_when_given_and_refuses_other_values)
{
    ScratchDir dir;
    write_file_bytes(dir / "in.pdf", sample_pdf(10));
    auto progression_of = [&](const std::string& file) {
        auto package = open_package(dir / file);
        Bytes text = resource(*package, "manifest.json", nullptr);
        return nlohmann::json::parse(text.begin(), text.end())["metadata"].value("readingProgression", "");
    };
    ASSERT_TRUE(package_pdf(dir / "in.pdf", dir / "rtl.lcpdf", test_key().view(), { "絵本", "urn:uuid:3", "ja", "rtl" }));
    EXPECT_EQ(progression_of("rtl.lcpdf"), "rtl");
    ASSERT_TRUE(package_pdf(dir / "in.pdf", dir / "plain.lcpdf", test_key().view(), { "本", "urn:uuid:4", "ja", "" }));
    EXPECT_EQ(progression_of("plain.lcpdf"), "") << "not declared unless asked";
    auto refused = package_pdf(dir / "in.pdf", dir / "up.lcpdf", test_key().view(), { "本", "urn:uuid:5", "ja", "ttb" });
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::InvalidValue);
    EXPECT_NE(refused.error().message.find("ttb"), std::string::npos) << refused.error().message;
    EXPECT_FALSE(std::filesystem::exists(dir / "up.lcpdf"));
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

TEST(PackageEpub, opening_resources_again_or_with_another_key_never_reuses_a_wrong_key)
{
    ScratchDir dir;
    write_file_bytes(dir / "in.epub", sample_epub());
    SecretBytes key = test_key();
    ASSERT_TRUE(package_epub(dir / "in.epub", dir / "out.epub", key.view(), 4096));
    auto package = open_package(dir / "out.epub");
    ASSERT_TRUE(package);
    const std::string chapter = "OPS/text/chapter 1.xhtml";
    Bytes first = resource(*package, chapter, &key);
    EXPECT_EQ(resource(*package, chapter, &key), first); // opened again: its key is kept
    SecretBytes wrong = test_key(0x99);
    for (const auto& path : { chapter, std::string("OPS/images/pic.jpg") }) {
        auto refused = package->open_resource(path, &wrong);
        ASSERT_FALSE(refused) << path << " opened with another content key";
        EXPECT_EQ(refused.error().kind, ErrorKind::ContentTampered);
    }
    EXPECT_EQ(resource(*package, chapter, &key), first); // and back to the right key
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

TEST(Sha256File, hashes_in_chunks)
{
    ScratchDir dir;
    Bytes data = pattern_bytes(3 * 1024 * 1024 + 5);
    write_file_bytes(dir / "data", data);
    EXPECT_EQ(sha256_file_hex(dir / "data").value(), hex_encode(sha256(data)));
    EXPECT_EQ(sha256_file_hex(dir / "missing").error().kind, ErrorKind::Io);
}
