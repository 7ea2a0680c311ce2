#include <gtest/gtest.h>

#include "fixtures.h"
#include "hondana/drm/licence.h"
#include "hondana/drm/package.h"

using namespace hondana::drm;

namespace {

std::string encrypted_data(
    std::string_view uri, std::string_view algorithm = aes256_cbc_uri, std::string_view compression = "")
{
    std::string out = R"(<EncryptedData xmlns="http://www.w3.org/2001/04/xmlenc#">)";
    out += R"(<EncryptionMethod Algorithm=")" + std::string(algorithm) + R"("/>)";
    out += R"(<CipherData><CipherReference URI=")" + std::string(uri) + R"("/></CipherData>)";
    if (!compression.empty())
        out += R"(<EncryptionProperties><EncryptionProperty><Compression xmlns="http://www.idpf.org/2016/encryption#compression" )"
            + std::string(compression) + "/></EncryptionProperty></EncryptionProperties>";
    return out + "</EncryptedData>";
}

std::string document(const std::string& body)
{
    return R"(<?xml version="1.0" encoding="UTF-8"?><encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container">)"
        + body + "</encryption>";
}

ErrorKind kind_of(const std::string& xml, size_t max_entries = 100000)
{
    auto parsed = parse_encryption_xml(xml, max_entries);
    EXPECT_FALSE(parsed) << xml;
    return parsed ? ErrorKind::InvalidArgument : parsed.error().kind;
}

}

TEST(EncryptionXml, parses_algorithm_path_and_compression)
{
    std::string xml
        = document(encrypted_data("OPS/chapter%201.xhtml", aes256_cbc_uri, R"(Method="8" OriginalLength="13877")")
            + encrypted_data("OPS/images/cover.jpg", segmented_gcm_uri, R"(Method="0" OriginalLength="5")")
            + encrypted_data("/OPS/font.otf", segmented_gcm_uri));
    auto parsed = parse_encryption_xml(xml);
    ASSERT_TRUE(parsed) << parsed.error().message;
    ASSERT_EQ(parsed->size(), 3u);
    const auto& chapter = parsed->at("OPS/chapter 1.xhtml");
    EXPECT_EQ(chapter.algorithm, aes256_cbc_uri);
    EXPECT_TRUE(chapter.deflated);
    EXPECT_EQ(chapter.original_length, 13877u);
    const auto& cover = parsed->at("OPS/images/cover.jpg");
    EXPECT_EQ(cover.algorithm, segmented_gcm_uri);
    EXPECT_FALSE(cover.deflated);
    EXPECT_EQ(cover.original_length, 5u);
    const auto& font = parsed->at("OPS/font.otf");
    EXPECT_FALSE(font.deflated);
    EXPECT_FALSE(font.original_length);
}

TEST(EncryptionXml, matches_namespaces_not_prefixes)
{
    std::string xml
        = R"(<c:encryption xmlns:c="urn:oasis:names:tc:opendocument:xmlns:container" xmlns:e="http://www.w3.org/2001/04/xmlenc#">)"
          R"(<e:EncryptedData><e:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes256-cbc"/>)"
          R"(<e:CipherData><e:CipherReference URI="a.xhtml"/></e:CipherData></e:EncryptedData>)"
          R"(<EncryptedData><EncryptionMethod Algorithm="x"/></EncryptedData></c:encryption>)";
    auto parsed = parse_encryption_xml(xml);
    ASSERT_TRUE(parsed) << parsed.error().message;
    ASSERT_EQ(parsed->size(), 1u); // the unqualified EncryptedData is not xmlenc's: ignored
    EXPECT_TRUE(parsed->contains("a.xhtml"));
}

TEST(EncryptionXml, empty_document_lists_nothing)
{
    auto parsed = parse_encryption_xml(document(""));
    ASSERT_TRUE(parsed);
    EXPECT_TRUE(parsed->empty());
}

TEST(EncryptionXml, refuses_doctype_and_entities)
{
    std::string laughs
        = R"(<?xml version="1.0"?><!DOCTYPE encryption [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>)"
          R"(<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container">&b;</encryption>)";
    EXPECT_EQ(kind_of(laughs), ErrorKind::MalformedXml);
    std::string external
        = R"(<!DOCTYPE encryption SYSTEM "file:///etc/passwd"><encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container"/>)";
    EXPECT_EQ(kind_of(external), ErrorKind::MalformedXml);
}

TEST(EncryptionXml, refuses_malformed_xml_and_wrong_roots)
{
    EXPECT_EQ(kind_of(""), ErrorKind::MalformedXml);
    EXPECT_EQ(kind_of("<encryption"), ErrorKind::MalformedXml);
    EXPECT_EQ(kind_of(document(encrypted_data("a.xhtml")).substr(0, 120)), ErrorKind::MalformedXml);
    EXPECT_EQ(kind_of(R"(<encryption xmlns="urn:other"/>)"), ErrorKind::MalformedXml);
    EXPECT_EQ(kind_of("<container/>"), ErrorKind::MalformedXml);
}

TEST(EncryptionXml, refuses_unknown_algorithms)
{
    EXPECT_EQ(kind_of(document(encrypted_data("f.otf", "http://www.idpf.org/2008/embedding"))),
        ErrorKind::UnsupportedAlgorithm);
    EXPECT_EQ(kind_of(document(encrypted_data("f.otf", "http://www.w3.org/2001/04/xmlenc#aes128-cbc"))),
        ErrorKind::UnsupportedAlgorithm);
}

TEST(EncryptionXml, refuses_missing_parts)
{
    std::string no_method
        = R"(<EncryptedData xmlns="http://www.w3.org/2001/04/xmlenc#"><CipherData><CipherReference URI="a"/></CipherData></EncryptedData>)";
    EXPECT_EQ(kind_of(document(no_method)), ErrorKind::MissingField);
    std::string no_reference
        = R"(<EncryptedData xmlns="http://www.w3.org/2001/04/xmlenc#"><EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes256-cbc"/></EncryptedData>)";
    EXPECT_EQ(kind_of(document(no_reference)), ErrorKind::MissingField);
}

TEST(EncryptionXml, refuses_bad_uris)
{
    for (const char* uri : { "../outside.xhtml", "OPS/../../x", "http://example.com/a", "a%zz", "a%2", "", "OPS/a?x=1",
             "OPS/a#frag", "/", "a%00b" })
        EXPECT_EQ(kind_of(document(encrypted_data(uri))), ErrorKind::InvalidValue) << uri;
}

TEST(EncryptionXml, refuses_bad_compression)
{
    for (const char* compression : { R"(Method="9")", R"(Method="")", R"(Method="8" OriginalLength="-1")",
             R"(Method="8" OriginalLength="12a")", R"(Method="8" OriginalLength="")",
             R"(Method="8" OriginalLength="99999999999999999999999")", R"(Method="8" OriginalLength=" 12")" })
        EXPECT_EQ(kind_of(document(encrypted_data("a.xhtml", aes256_cbc_uri, compression))), ErrorKind::InvalidValue)
            << compression;
}

TEST(EncryptionXml, refuses_duplicates_and_too_many_entries)
{
    EXPECT_EQ(kind_of(document(encrypted_data("a.xhtml") + encrypted_data("./a.xhtml"))), ErrorKind::InvalidValue);
    std::string body;
    for (int i = 0; i < 5; ++i)
        body += encrypted_data("r" + std::to_string(i));
    EXPECT_EQ(kind_of(document(body), 4), ErrorKind::LimitExceeded);
    EXPECT_TRUE(parse_encryption_xml(document(body), 5));
}

TEST(EncryptionXml, reads_the_lcp_fixture)
{
    HONDANA_REQUIRE_SHARED_FIXTURE("lcp/epub-lcp.epub");
    auto file = FileByteSource::open(hondana::test::shared_fixtures() / "lcp" / "epub-lcp.epub");
    ASSERT_TRUE(file);
    auto package = Package::open(std::move(*file));
    ASSERT_TRUE(package) << package.error().message;
    auto raw = (*package)->open_raw("META-INF/encryption.xml");
    ASSERT_TRUE(raw);
    Bytes xml = read_all(**raw, 1 << 20).value();
    auto parsed = parse_encryption_xml(std::string_view(reinterpret_cast<const char*>(xml.data()), xml.size()));
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_GT(parsed->size(), 100u);
    EXPECT_EQ(parsed->at("OPS/chapter_001.xhtml").original_length, 13877u);
    EXPECT_TRUE(parsed->at("OPS/chapter_001.xhtml").deflated);
    EXPECT_FALSE(parsed->at("OPS/images/Moby-Dick_FE_title_page.jpg").deflated);
}
