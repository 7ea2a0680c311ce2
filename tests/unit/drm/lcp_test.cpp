#include "hondana/drm/lcp.h"

#include <random>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <pugixml.hpp>

#include "content_test_support.h"
#include "fixtures.h"
#include "hondana/drm/package.h"

using namespace hondana::drm;
using hondana::drm::test::pattern_bytes;
using hondana::drm::test::test_key;
using hondana::test::shared_fixtures;

namespace {

// An independent AES-256-CBC pass over everything (IV first, W3C padding:
// only the last byte counts), the reference every random-access read must match.
Bytes decrypt_whole(ByteView key, ByteView ciphertext)
{
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    Bytes plain(ciphertext.size() - 16);
    int length = 0;
    EXPECT_EQ(EVP_DecryptInit_ex(ctx, EVP_aes_256_cbc(), nullptr, key.data(), ciphertext.data()), 1);
    EVP_CIPHER_CTX_set_padding(ctx, 0);
    EXPECT_EQ(EVP_DecryptUpdate(ctx, plain.data(), &length, ciphertext.data() + 16, static_cast<int>(plain.size())), 1);
    EVP_CIPHER_CTX_free(ctx);
    plain.resize(plain.size() - plain.back());
    return plain;
}

// IV | AES-256-CBC(plaintext + W3C padding whose filler bytes are arbitrary).
Bytes encrypt_w3c(ByteView key, ByteView plaintext, uint8_t filler)
{
    Bytes padded(plaintext.begin(), plaintext.end());
    size_t padding = 16 - plaintext.size() % 16;
    padded.insert(padded.end(), padding - 1, filler);
    padded.push_back(static_cast<uint8_t>(padding));
    Bytes out(16 + padded.size());
    EXPECT_TRUE(random_bytes(std::span(out).first(16)));
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    int length = 0;
    EXPECT_EQ(EVP_EncryptInit_ex(ctx, EVP_aes_256_cbc(), nullptr, key.data(), out.data()), 1);
    EVP_CIPHER_CTX_set_padding(ctx, 0);
    EXPECT_EQ(EVP_EncryptUpdate(ctx, out.data() + 16, &length, padded.data(), static_cast<int>(padded.size())), 1);
    EVP_CIPHER_CTX_free(ctx);
    return out;
}

struct OpenedFixture {
    std::unique_ptr<Package> package;
    Licence licence;
};

OpenedFixture open_fixture(const std::string& name)
{
    auto file = FileByteSource::open(shared_fixtures() / "lcp" / name);
    EXPECT_TRUE(file) << file.error().message;
    auto package = Package::open(std::move(*file));
    EXPECT_TRUE(package) << package.error().message;
    auto text = (*package)->embedded_licence();
    EXPECT_TRUE(text && *text) << name << " has no embedded licence";
    auto licence = parse_licence(**text);
    EXPECT_TRUE(licence) << licence.error().message;
    return { std::move(*package), std::move(*licence) };
}

void expect_ranges_match(ByteSource& source, const Bytes& reference, uint32_t seed)
{
    ASSERT_EQ(source.size(), reference.size());
    std::vector<std::pair<uint64_t, size_t>> ranges;
    for (uint64_t edge : { uint64_t(0), uint64_t(15), uint64_t(16), uint64_t(17), uint64_t(4095), uint64_t(4096) })
        ranges.emplace_back(edge, 33);
    for (uint64_t back : { 1u, 15u, 16u, 17u, 100u })
        ranges.emplace_back(reference.size() - std::min<uint64_t>(back, reference.size()), 200);
    std::mt19937 generator(seed);
    for (int i = 0; i < 400; ++i)
        ranges.emplace_back(generator() % reference.size(), 1 + generator() % 70000);
    for (auto [offset, length] : ranges) {
        Bytes out(length);
        auto count = source.read_at(offset, out);
        ASSERT_TRUE(count) << count.error().message;
        size_t expected = offset >= reference.size() ? 0 : std::min<uint64_t>(length, reference.size() - offset);
        ASSERT_EQ(*count, expected) << "offset " << offset;
        ASSERT_TRUE(std::equal(out.begin(), out.begin() + expected, reference.begin() + offset))
            << "offset " << offset << " length " << length;
    }
}

}

TEST(LcpBasicProfile, daisy_pdf_decrypts_with_random_access_equal_to_a_full_pass)
{
    HONDANA_REQUIRE_SHARED_FIXTURE("lcp/daisy.lcpdf");
    auto [package, licence] = open_fixture("daisy.lcpdf");
    ASSERT_TRUE(package);
    EXPECT_EQ(package->format(), PublicationFormat::Pdf);
    EXPECT_EQ(package->main_resource(), "publication.pdf");
    const PackageEntry* entry = package->entry("publication.pdf");
    ASSERT_TRUE(entry && entry->encryption);
    EXPECT_EQ(entry->encryption->algorithm, aes256_cbc_uri);
    EXPECT_TRUE(entry->zip_compressed); // this fixture's PDF entry is ZIP-deflated

    auto key = lcp_basic_content_key(licence, "test");
    ASSERT_TRUE(key) << key.error().message;
    ASSERT_EQ(key->size(), 32u);

    auto raw = package->open_raw("publication.pdf");
    ASSERT_TRUE(raw);
    Bytes ciphertext = read_all(**raw, 64 << 20).value();
    Bytes reference = decrypt_whole(key->view(), ciphertext);
    ASSERT_GT(reference.size(), 1000u);
    EXPECT_EQ(std::string(reference.begin(), reference.begin() + 4), "%PDF");

    auto pdf = package->open_resource("publication.pdf", &*key);
    ASSERT_TRUE(pdf) << pdf.error().message;
    expect_ranges_match(**pdf, reference, 1);
    EXPECT_EQ(read_all(**pdf, 64 << 20).value(), reference);
}

TEST(LcpBasicProfile, epub_chapter_decrypts_and_inflates_to_well_formed_xhtml)
{
    HONDANA_REQUIRE_SHARED_FIXTURE("lcp/epub-lcp.epub");
    auto [package, licence] = open_fixture("epub-lcp.epub");
    ASSERT_TRUE(package);
    EXPECT_EQ(package->format(), PublicationFormat::Epub);
    EXPECT_EQ(package->main_resource(), "OPS/package.opf");
    const PackageEntry* entry = package->entry("OPS/chapter_001.xhtml");
    ASSERT_TRUE(entry && entry->encryption);
    EXPECT_TRUE(entry->encryption->deflated);
    EXPECT_EQ(entry->encryption->original_length, 13877u);

    auto key = lcp_basic_content_key(licence, "test");
    ASSERT_TRUE(key) << key.error().message;
    for (const char* path : { "OPS/chapter_001.xhtml", "OPS/cover.xhtml" }) {
        auto chapter = package->open_resource(path, &*key);
        ASSERT_TRUE(chapter) << path << ": " << chapter.error().message;
        Bytes xhtml = read_all(**chapter, 1 << 20).value();
        pugi::xml_document document;
        auto parsed = document.load_buffer(xhtml.data(), xhtml.size());
        ASSERT_TRUE(parsed) << path << ": " << parsed.description();
        EXPECT_STREQ(document.document_element().name(), "html") << path;
    }
    auto chapter = package->open_resource("OPS/chapter_001.xhtml", &*key);
    Bytes text = read_all(**chapter, 1 << 20).value();
    EXPECT_EQ(text.size(), 13877u);
    EXPECT_NE(std::string(text.begin(), text.end()).find("Loomings"), std::string::npos);
}

TEST(LcpBasicProfile, wrong_passphrase_is_reported_as_such)
{
    HONDANA_REQUIRE_SHARED_FIXTURE("lcp/daisy.lcpdf");
    auto [package, licence] = open_fixture("daisy.lcpdf");
    for (const char* passphrase : { "", "Test", "test ", "wrong passphrase" }) {
        auto key = lcp_basic_content_key(licence, passphrase);
        ASSERT_FALSE(key) << passphrase;
        EXPECT_EQ(key.error().kind, ErrorKind::WrongPassphrase);
    }
}

TEST(LcpBasicProfile, refuses_other_profiles_and_missing_key_check)
{
    HONDANA_REQUIRE_SHARED_FIXTURE("lcp/epub-lcp.epub");
    auto fixture = open_fixture("epub-lcp.epub");
    Licence other = fixture.licence;
    other.profile = std::string(hondana_device_profile);
    EXPECT_EQ(lcp_basic_content_key(other, "test").error().kind, ErrorKind::UnsupportedProfile);
    Licence algorithm = fixture.licence;
    algorithm.content_key.algorithm = "http://www.w3.org/2001/04/xmlenc#aes128-cbc";
    EXPECT_EQ(lcp_basic_content_key(algorithm, "test").error().kind, ErrorKind::UnsupportedAlgorithm);
    Licence unchecked = fixture.licence;
    unchecked.user_key.key_check.reset();
    EXPECT_EQ(lcp_basic_content_key(unchecked, "test").error().kind, ErrorKind::MissingField);
}

TEST(CbcReader, random_access_matches_for_every_padding_length)
{
    SecretBytes key = test_key(0x21);
    for (size_t size :
        { size_t(1), size_t(15), size_t(16), size_t(17), size_t(31), size_t(32), size_t(1000), size_t(70001) }) {
        Bytes plaintext = pattern_bytes(size, static_cast<uint32_t>(size));
        Bytes ciphertext = encrypt_w3c(key.view(), plaintext, 0xEE);
        auto reader = CbcReader::open(std::make_shared<MemoryByteSource>(ciphertext), key.view());
        ASSERT_TRUE(reader) << size << ": " << reader.error().message;
        expect_ranges_match(**reader, plaintext, static_cast<uint32_t>(size));
    }
}

TEST(CbcReader, reads_through_a_source_without_a_contiguous_view)
{
    hondana::drm::test::ScratchDir dir;
    SecretBytes key = test_key(0x31);
    Bytes plaintext = pattern_bytes(5000, 4);
    hondana::drm::test::write_file_bytes(dir / "cbc.bin", encrypt_w3c(key.view(), plaintext, 0));
    auto file = FileByteSource::open(dir / "cbc.bin");
    ASSERT_TRUE(file);
    auto reader = CbcReader::open(std::move(*file), key.view());
    ASSERT_TRUE(reader);
    expect_ranges_match(**reader, plaintext, 9);
}

TEST(CbcReader, rejects_impossible_lengths_and_padding)
{
    SecretBytes key = test_key(0x41);
    auto open = [&](Bytes bytes) {
        return CbcReader::open(std::make_shared<MemoryByteSource>(std::move(bytes)), key.view());
    };
    EXPECT_EQ(open(Bytes(16)).error().kind, ErrorKind::MalformedPackage);
    EXPECT_EQ(open(Bytes(33)).error().kind, ErrorKind::MalformedPackage);
    EXPECT_EQ(open(Bytes {}).error().kind, ErrorKind::MalformedPackage);
    // A last block whose final byte decrypts to 0 or to more than 16 cannot be W3C padding.
    for (uint8_t bad : { uint8_t(0), uint8_t(17), uint8_t(255) }) {
        Bytes plaintext = pattern_bytes(32);
        plaintext.back() = bad;
        Bytes ciphertext = encrypt_w3c(key.view(), plaintext, 0);
        ciphertext.resize(ciphertext.size() - 16); // drop the padding block: the data's last byte is now "padding"
        EXPECT_EQ(open(ciphertext).error().kind, ErrorKind::ContentTampered) << int(bad);
    }
    EXPECT_EQ(CbcReader::open(std::make_shared<MemoryByteSource>(Bytes(32)), Bytes(16)).error().kind,
        ErrorKind::InvalidArgument);
}
