#include "hondana/drm/package.h"

#include <atomic>
#include <random>
#include <thread>

#include "package_test_support.h"

using namespace hondana::drm;
using namespace hondana::drm::test;

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
