#include "hondana/drm/canonical_json.h"

#include <gtest/gtest.h>

#include "trust_test_support.h"

using namespace hondana::drm;
using hondana::drm::test::ok;

namespace {

std::string canonical_of(std::string_view text) { return ok(canonical_json(ok(parse_json_strict(text, 1 << 20)))); }

// The canonical form of a licence without its signature, and the signature.
struct SignedParts {
    std::string bytes;
    Bytes value;
    Certificate certificate;
};

SignedParts signed_parts(const std::string& licence_text)
{
    nlohmann::json document = ok(parse_json_strict(licence_text, max_licence_bytes));
    nlohmann::json signature = document.at("signature");
    document.erase("signature");
    return { ok(canonical_json(document)), ok(base64_decode(signature.at("value").get<std::string>())),
        ok(Certificate::from_der(ok(base64_decode(signature.at("certificate").get<std::string>())))) };
}

}

TEST(CanonicalJson, sorts_members_by_code_point_recursively_and_keeps_array_order)
{
    // U+0041 < U+005A < U+0061 < U+00E9 < U+30A2 < U+FF21 < U+1F600: byte
    // order of UTF-8 is code point order (UTF-16 order would put U+1F600
    // before U+FF21).
    std::string text = R"({"😀":1,"Ａ":2,"ア":3,"é":4,"a":{"z":[3,1,2],"b":{"y":true,"x":null}},"Z":5,"A":6})";
    EXPECT_EQ(canonical_of(text),
        R"({"A":6,"Z":5,"a":{"b":{"x":null,"y":true},"z":[3,1,2]},"é":4,"ア":3,"Ａ":2,"😀":1})");
}

TEST(CanonicalJson, removes_insignificant_whitespace)
{
    EXPECT_EQ(canonical_of(" {\n\t\"b\" : [ 1 , 2 ] ,\r\n \"a\" : \"x y\" } "), R"({"a":"x y","b":[1,2]})");
    EXPECT_EQ(canonical_of("[ ]"), "[]");
    EXPECT_EQ(canonical_of("{ }"), "{}");
}

TEST(CanonicalJson, escapes_only_what_json_requires)
{
    nlohmann::json value = std::string("q\" b\\ \b\f\n\r\t \x01\x1f \x7f / <>& é 日本");
    EXPECT_EQ(ok(canonical_json(value)), "\"q\\\" b\\\\ \\b\\f\\n\\r\\t \\u0001\\u001f \x7f / <>& é 日本\"");
    // An escaped input that needs no escape comes out raw.
    EXPECT_EQ(canonical_of(R"(["\u00e9\/\u0041"])"), "[\"é/A\"]");
    nlohmann::json nul = std::string("a\0b", 3);
    EXPECT_EQ(ok(canonical_json(nul)), "\"a\\u0000b\"");
}

TEST(CanonicalJson, writes_integers_and_literals)
{
    EXPECT_EQ(canonical_of("[0,-1,9223372036854775807,-9223372036854775808,18446744073709551615,true,false,null]"),
        "[0,-1,9223372036854775807,-9223372036854775808,18446744073709551615,true,false,null]");
}

TEST(CanonicalJson, refuses_numbers_without_a_single_form)
{
    for (const char* text : { "1.5", "[1e3]", "{\"a\":0.0}", "18446744073709551616" }) {
        auto result = canonical_json(ok(parse_json_strict(text, 100)));
        ASSERT_FALSE(result) << text;
        EXPECT_EQ(result.error().kind, ErrorKind::InvalidValue) << text;
    }
}

TEST(CanonicalJson, refuses_strings_that_are_not_utf8)
{
    for (std::string bad : { std::string("\xff"), std::string("\xc0\xaf"), std::string("\xed\xa0\x80"),
             std::string("\xe3\x81"), std::string("\xf4\x90\x80\x80") }) {
        auto as_value = canonical_json(nlohmann::json(bad));
        ASSERT_FALSE(as_value);
        EXPECT_EQ(as_value.error().kind, ErrorKind::InvalidValue);
        nlohmann::json as_name = nlohmann::json::object();
        as_name[bad] = 1;
        EXPECT_FALSE(canonical_json(as_name));
    }
}

TEST(ParseJsonStrict, rejects_duplicate_member_names_at_any_depth)
{
    for (const char* text : { R"({"a":1,"a":1})", R"({"x":{"b":1,"c":2,"b":3}})", R"([{"k":[]},{"k":1,"k":2}])",
             R"({"a":1,"\u0061":2})" }) {
        auto result = parse_json_strict(text, 1000);
        ASSERT_FALSE(result) << text;
        EXPECT_EQ(result.error().kind, ErrorKind::MalformedJson) << text;
        EXPECT_NE(result.error().message.find("duplicate"), std::string::npos) << result.error().message;
    }
    // The same name in sibling objects is fine.
    EXPECT_TRUE(parse_json_strict(R"({"a":{"k":1},"b":{"k":1}})", 1000));
}

TEST(ParseJsonStrict, limits_nesting_depth)
{
    auto nested = [](size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); };
    EXPECT_TRUE(parse_json_strict(nested(8), 1000, 8));
    auto deep = parse_json_strict(nested(9), 1000, 8);
    ASSERT_FALSE(deep);
    EXPECT_EQ(deep.error().kind, ErrorKind::LimitExceeded);
    auto very_deep = parse_json_strict(std::string(100000, '['), 1 << 20, 32);
    ASSERT_FALSE(very_deep);
    EXPECT_EQ(very_deep.error().kind, ErrorKind::LimitExceeded);
    EXPECT_FALSE(parse_json_strict(R"({"a":{"b":{"c":1}}})", 1000, 2));
    EXPECT_TRUE(parse_json_strict(R"({"a":{"b":{"c":1}}})", 1000, 3));
}

TEST(ParseJsonStrict, rejects_oversize_input_before_parsing)
{
    std::string text = "\"" + std::string(98, 'x') + "\"";
    EXPECT_TRUE(parse_json_strict(text, 100));
    auto result = parse_json_strict(text + " ", 100);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, ErrorKind::DocumentTooLarge);
}

TEST(ParseJsonStrict, rejects_malformed_text)
{
    for (std::string text : { std::string(""), std::string("{"), std::string("{\"a\":1} x"), std::string("{'a':1}"),
             std::string("[1,]"), std::string("{\"a\":1,}"), std::string("// c\n{}"), std::string("\"\xff\""),
             std::string("\"\\ud800\""), std::string("[01]"), std::string("\"a\nb\"") }) {
        auto result = parse_json_strict(text, 1000);
        ASSERT_FALSE(result) << text;
        EXPECT_EQ(result.error().kind, ErrorKind::MalformedJson) << text;
    }
}

TEST(CanonicalJson, lcp_fixture_signatures_verify_over_our_canonical_form)
{
    HONDANA_REQUIRE_SHARED_FIXTURE("lcp/daisy.lcpdf");
    HONDANA_REQUIRE_SHARED_FIXTURE("lcp/epub-lcp.epub");
    for (const std::string& text : { test::daisy_licence_text(), test::epub_licence_text() }) {
        ASSERT_FALSE(text.empty());
        SignedParts parts = signed_parts(text);
        EXPECT_EQ(parts.bytes.find_first_of(" \n"), std::string::npos);
        EXPECT_TRUE(verify_signature(
            parts.certificate.public_key(), SignatureAlgorithm::RsaPkcs1Sha256, as_bytes(parts.bytes), parts.value));
        // One byte off and it no longer verifies: the check is real.
        std::string altered = parts.bytes;
        altered[altered.size() / 2] ^= 1;
        EXPECT_FALSE(verify_signature(
            parts.certificate.public_key(), SignatureAlgorithm::RsaPkcs1Sha256, as_bytes(altered), parts.value));
    }
}

TEST(CanonicalJson, lcp_fixture_verifies_whatever_its_layout)
{
    HONDANA_REQUIRE_SHARED_FIXTURE("lcp/daisy.lcpdf");
    std::string text = test::daisy_licence_text();
    // Re-serialised with indentation and escaped non-ASCII: same canonical form.
    std::string pretty = ok(parse_json_strict(text, max_licence_bytes)).dump(4, ' ', true);
    ASSERT_NE(pretty, text);
    SignedParts original = signed_parts(text);
    SignedParts reformatted = signed_parts(pretty);
    EXPECT_EQ(reformatted.bytes, original.bytes);
    EXPECT_TRUE(verify_signature(reformatted.certificate.public_key(), SignatureAlgorithm::RsaPkcs1Sha256,
        as_bytes(reformatted.bytes), reformatted.value));
}
