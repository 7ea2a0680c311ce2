#include "hondana/drm/licence.h"

#include <gtest/gtest.h>

#include "hondana/drm/canonical_json.h"
#include "trust_test_support.h"

using namespace hondana::drm;
using hondana::drm::test::at;
using hondana::drm::test::ok;
using nlohmann::json;

namespace {

std::string committed(const char* name)
{
    return test::read_text(hondana::test::test_data() / "licences" / name);
}

json device_document() { return json::parse(committed("device-valid.lcpl")); }
json basic_document() { return json::parse(committed("basic-valid.lcpl")); }

// One change to a valid licence and the error it must give.
struct Case {
    const char* pointer;    // JSON pointer of the member changed
    std::optional<json> value; // new value; nullopt removes the member
    ErrorKind kind;
    const char* named;      // what the message must name
};

void run_cases(const json& valid, const std::vector<Case>& cases)
{
    ASSERT_TRUE(parse_licence(valid.dump()));
    for (const Case& c : cases) {
        json document = valid;
        json::json_pointer pointer(c.pointer);
        if (c.value)
            document[pointer] = *c.value;
        else if (json& parent = document[pointer.parent_pointer()]; parent.is_array())
            parent.erase(std::stoul(pointer.back()));
        else
            parent.erase(pointer.back());
        auto result = parse_licence(document.dump());
        std::string label = std::string(c.pointer) + " -> " + (c.value ? c.value->dump() : "(removed)");
        ASSERT_FALSE(result) << label;
        EXPECT_EQ(result.error().kind, c.kind)
            << label << ": got " << error_code(result.error().kind) << ": " << result.error().message;
        EXPECT_NE(result.error().message.find(c.named), std::string::npos)
            << label << ": message does not name " << c.named << ": " << result.error().message;
    }
}

const std::vector<Case> missing_device_members = {
    { "/id", std::nullopt, ErrorKind::MissingField, "`id`" },
    { "/issued", std::nullopt, ErrorKind::MissingField, "`issued`" },
    { "/provider", std::nullopt, ErrorKind::MissingField, "`provider`" },
    { "/encryption", std::nullopt, ErrorKind::MissingField, "`encryption`" },
    { "/encryption/profile", std::nullopt, ErrorKind::MissingField, "`encryption.profile`" },
    { "/encryption/content_key", std::nullopt, ErrorKind::MissingField, "`encryption.content_key`" },
    { "/encryption/content_key/algorithm", std::nullopt, ErrorKind::MissingField,
        "`encryption.content_key.algorithm`" },
    { "/encryption/content_key/encrypted_value", std::nullopt, ErrorKind::MissingField,
        "`encryption.content_key.encrypted_value`" },
    { "/encryption/user_key", std::nullopt, ErrorKind::MissingField, "`encryption.user_key`" },
    { "/encryption/user_key/algorithm", std::nullopt, ErrorKind::MissingField, "`encryption.user_key.algorithm`" },
    { "/encryption/user_key/device_id", std::nullopt, ErrorKind::MissingField, "`encryption.user_key.device_id`" },
    { "/encryption/user_key/device_key_pin", std::nullopt, ErrorKind::MissingField,
        "`encryption.user_key.device_key_pin`" },
    { "/links", std::nullopt, ErrorKind::MissingField, "`links`" },
    { "/links/0", std::nullopt, ErrorKind::MissingField, "\"publication\"" },
    { "/links/0/rel", std::nullopt, ErrorKind::MissingField, "`links[0].rel`" },
    { "/links/1/href", std::nullopt, ErrorKind::MissingField, "`links[1].href`" },
    { "/links/0/length", std::nullopt, ErrorKind::MissingField, "`length`" },
    { "/links/0/hash", std::nullopt, ErrorKind::MissingField, "`hash`" },
    { "/rights", std::nullopt, ErrorKind::MissingField, "`rights`" },
    { "/rights/print", std::nullopt, ErrorKind::MissingField, "`rights.print`" },
    { "/rights/copy", std::nullopt, ErrorKind::MissingField, "`rights.copy`" },
    { "/rights/start", std::nullopt, ErrorKind::MissingField, "`rights.start`" },
    { "/rights/end", std::nullopt, ErrorKind::MissingField, "`rights.end`" },
    { "/rights/offline_until", std::nullopt, ErrorKind::MissingField, "`rights.offline_until`" },
    { "/user", std::nullopt, ErrorKind::MissingField, "`user`" },
    { "/user/id", std::nullopt, ErrorKind::MissingField, "`user.id`" },
    { "/signature/algorithm", std::nullopt, ErrorKind::MissingField, "`signature.algorithm`" },
    { "/signature/certificate", std::nullopt, ErrorKind::MissingField, "`signature.certificate`" },
    { "/signature/value", std::nullopt, ErrorKind::MissingField, "`signature.value`" },
};

const std::vector<Case> mistyped_device_members = {
    { "/id", 7, ErrorKind::WrongType, "`id`" },
    { "/issued", 1700000000, ErrorKind::WrongType, "`issued`" },
    { "/updated", json::array(), ErrorKind::WrongType, "`updated`" },
    { "/provider", json::object(), ErrorKind::WrongType, "`provider`" },
    { "/encryption", "x", ErrorKind::WrongType, "`encryption`" },
    { "/encryption/profile", 1, ErrorKind::WrongType, "`encryption.profile`" },
    { "/encryption/content_key", json::array(), ErrorKind::WrongType, "`encryption.content_key`" },
    { "/encryption/content_key/algorithm", nullptr, ErrorKind::WrongType, "`encryption.content_key.algorithm`" },
    { "/encryption/content_key/encrypted_value", 5, ErrorKind::WrongType, "`encryption.content_key.encrypted_value`" },
    { "/encryption/user_key", true, ErrorKind::WrongType, "`encryption.user_key`" },
    { "/encryption/user_key/algorithm", json::object(), ErrorKind::WrongType, "`encryption.user_key.algorithm`" },
    { "/encryption/user_key/text_hint", 1, ErrorKind::WrongType, "`encryption.user_key.text_hint`" },
    { "/encryption/user_key/key_check", 1, ErrorKind::WrongType, "`encryption.user_key.key_check`" },
    { "/encryption/user_key/device_id", 42, ErrorKind::WrongType, "`encryption.user_key.device_id`" },
    { "/encryption/user_key/device_key_pin", false, ErrorKind::WrongType, "`encryption.user_key.device_key_pin`" },
    { "/links", json::object(), ErrorKind::WrongType, "`links`" },
    { "/links/1", "status", ErrorKind::WrongType, "`links[1]`" },
    { "/links/0/rel", json::array({ "publication" }), ErrorKind::WrongType, "`links[0].rel`" },
    { "/links/0/href", 1, ErrorKind::WrongType, "`links[0].href`" },
    { "/links/0/type", 1, ErrorKind::WrongType, "`links[0].type`" },
    { "/links/0/title", 1, ErrorKind::WrongType, "`links[0].title`" },
    { "/links/0/profile", 1, ErrorKind::WrongType, "`links[0].profile`" },
    { "/links/0/templated", "yes", ErrorKind::WrongType, "`links[0].templated`" },
    { "/links/0/length", "820660", ErrorKind::WrongType, "`links[0].length`" },
    { "/links/0/length", 1.5, ErrorKind::WrongType, "`links[0].length`" },
    { "/links/0/hash", 1, ErrorKind::WrongType, "`links[0].hash`" },
    { "/rights", json::array(), ErrorKind::WrongType, "`rights`" },
    { "/rights/print", "0", ErrorKind::WrongType, "`rights.print`" },
    { "/rights/copy", 0.5, ErrorKind::WrongType, "`rights.copy`" },
    { "/rights/start", 1, ErrorKind::WrongType, "`rights.start`" },
    { "/rights/end", nullptr, ErrorKind::WrongType, "`rights.end`" },
    { "/rights/offline_until", true, ErrorKind::WrongType, "`rights.offline_until`" },
    { "/user", "student", ErrorKind::WrongType, "`user`" },
    { "/user/id", 1234, ErrorKind::WrongType, "`user.id`" },
    { "/user/email", 1, ErrorKind::WrongType, "`user.email`" },
    { "/user/name", json::array(), ErrorKind::WrongType, "`user.name`" },
    { "/user/encrypted", "email", ErrorKind::WrongType, "`user.encrypted`" },
    { "/user/encrypted", json::array({ "email", 2 }), ErrorKind::WrongType, "`user.encrypted[1]`" },
    { "/signature", "sig", ErrorKind::WrongType, "`signature`" },
    { "/signature/algorithm", 1, ErrorKind::WrongType, "`signature.algorithm`" },
    { "/signature/certificate", json::array(), ErrorKind::WrongType, "`signature.certificate`" },
    { "/signature/value", 1, ErrorKind::WrongType, "`signature.value`" },
};

const std::vector<Case> invalid_device_values = {
    { "/id", "", ErrorKind::InvalidValue, "`id`" },
    { "/issued", "yesterday", ErrorKind::InvalidValue, "`issued`" },
    { "/updated", "2026-13-01T00:00:00Z", ErrorKind::InvalidValue, "`updated`" },
    { "/provider", "", ErrorKind::InvalidValue, "`provider`" },
    { "/encryption/content_key/encrypted_value", "not base64!", ErrorKind::InvalidValue,
        "`encryption.content_key.encrypted_value`" },
    { "/encryption/content_key/encrypted_value", std::string(136, 'A'), ErrorKind::InvalidValue,
        "`encryption.content_key.encrypted_value`" },
    { "/encryption/user_key/device_id", "", ErrorKind::InvalidValue, "`encryption.user_key.device_id`" },
    { "/encryption/user_key/device_key_pin", "AAAA", ErrorKind::InvalidValue, "`encryption.user_key.device_key_pin`" },
    { "/encryption/user_key/key_check", "%%%%", ErrorKind::InvalidValue, "`encryption.user_key.key_check`" },
    { "/links/0/rel", "", ErrorKind::InvalidValue, "`links[0].rel`" },
    { "/links/0/hash", "9D5B063FFCDE7530496F6B2B604AC03DCC2D594D0540A24A075B200F4C775310", ErrorKind::InvalidValue,
        "`links[0].hash`" },
    { "/links/0/hash", "9d5b", ErrorKind::InvalidValue, "`links[0].hash`" },
    { "/links/0/length", -1, ErrorKind::InvalidValue, "`links[0].length`" },
    { "/rights/print", -1, ErrorKind::InvalidValue, "`rights.print`" },
    { "/rights/copy", 18446744073709551615ull, ErrorKind::InvalidValue, "`rights.copy`" },
    { "/rights/end", "2026-10-31T00:00:00Z", ErrorKind::InvalidValue, "`rights.end`" },
    { "/rights/offline_until", "2026-11-16T00:00:00Z", ErrorKind::InvalidValue, "`rights.offline_until`" },
    { "/user/id", "", ErrorKind::InvalidValue, "`user.id`" },
    { "/signature/certificate", "", ErrorKind::InvalidValue, "`signature.certificate`" },
    { "/signature/value", "QQ=", ErrorKind::InvalidValue, "`signature.value`" },
};

const std::vector<Case> unsupported_device_values = {
    { "/encryption/profile", "http://readium.org/lcp/profile-1.0", ErrorKind::UnsupportedProfile,
        "`encryption.profile`" },
    { "/encryption/profile", "", ErrorKind::UnsupportedProfile, "`encryption.profile`" },
    { "/encryption/content_key/algorithm", std::string(aes256_cbc_uri), ErrorKind::UnsupportedAlgorithm,
        "`encryption.content_key.algorithm`" },
    { "/encryption/content_key/algorithm", "urn:hondana:lcp:ecdh-p384", ErrorKind::UnsupportedAlgorithm,
        "`encryption.content_key.algorithm`" },
    { "/encryption/user_key/algorithm", std::string(sha256_uri), ErrorKind::UnsupportedAlgorithm,
        "`encryption.user_key.algorithm`" },
    { "/signature/algorithm", "http://www.w3.org/2000/09/xmldsig#rsa-sha1", ErrorKind::UnsupportedAlgorithm,
        "`signature.algorithm`" },
};

const std::vector<Case> basic_profile_cases = {
    { "/encryption/user_key/key_check", std::nullopt, ErrorKind::MissingField, "`encryption.user_key.key_check`" },
    { "/links/0", std::nullopt, ErrorKind::MissingField, "\"hint\"" },
    { "/links/1", std::nullopt, ErrorKind::MissingField, "\"publication\"" },
    { "/encryption/content_key/algorithm", std::string(device_key_wrap_uri), ErrorKind::UnsupportedAlgorithm,
        "`encryption.content_key.algorithm`" },
    { "/encryption/user_key/algorithm", std::string(device_p256_uri), ErrorKind::UnsupportedAlgorithm,
        "`encryption.user_key.algorithm`" },
    { "/encryption/content_key/encrypted_value", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", ErrorKind::InvalidValue,
        "`encryption.content_key.encrypted_value`" },
    { "/encryption/user_key/key_check", "AAAAAAAAAAAAAAAAAAAAAA==", ErrorKind::InvalidValue,
        "`encryption.user_key.key_check`" },
};

}

TEST(Licence, every_required_device_profile_member_missing_is_named)
{
    run_cases(device_document(), missing_device_members);
}

TEST(Licence, every_device_profile_member_mistyped_is_named)
{
    json document = device_document();
    document["updated"] = "2026-11-02T00:00:00Z";
    document["encryption"]["user_key"]["key_check"] = "AAAA";
    document["links"][0]["profile"] = "http://example.test/profile";
    document["links"][0]["templated"] = false;
    document["user"]["email"] = "a@example.test";
    document["user"]["encrypted"] = json::array();
    run_cases(document, mistyped_device_members);
}

TEST(Licence, unacceptable_device_profile_values_are_named)
{
    json document = device_document();
    document["encryption"]["user_key"]["key_check"] = "AAAA";
    run_cases(document, invalid_device_values);
}

TEST(Licence, unknown_profile_and_algorithms_are_unsupported)
{
    run_cases(device_document(), unsupported_device_values);
}

TEST(Licence, basic_profile_requirements)
{
    run_cases(basic_document(), basic_profile_cases);
}

TEST(Licence, document_over_64_kib_is_too_large)
{
    std::string text = committed("device-valid.lcpl");
    while (!text.empty() && text.back() == '\n')
        text.pop_back();
    std::string padded = text + std::string(max_licence_bytes - text.size(), ' ');
    ASSERT_EQ(padded.size(), max_licence_bytes);
    EXPECT_TRUE(parse_licence(padded));
    auto result = parse_licence(padded + " ");
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, ErrorKind::DocumentTooLarge);
}

TEST(Licence, rejects_documents_that_are_not_licence_objects)
{
    for (const char* text : { "[]", "\"licence\"", "null", "", "{" }) {
        auto result = parse_licence(text);
        ASSERT_FALSE(result) << text;
        EXPECT_EQ(result.error().kind, ErrorKind::MalformedJson) << text;
    }
    std::string duplicated = committed("device-valid.lcpl");
    duplicated.insert(1, "\"id\":\"other\",");
    auto result = parse_licence(duplicated);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, ErrorKind::MalformedJson);
}

TEST(Licence, parses_every_device_profile_member)
{
    Licence licence = ok(parse_licence(committed("device-valid.lcpl")));
    EXPECT_EQ(licence.id, "b7c2a0a4-5d1e-4c55-9f49-0b6f1f0e6d21");
    EXPECT_EQ(licence.issued, at("2026-11-01T09:00:00Z"));
    EXPECT_FALSE(licence.updated);
    EXPECT_EQ(licence.signing_time(), licence.issued);
    EXPECT_EQ(licence.provider, "https://lending.example.test");
    EXPECT_EQ(licence.profile, hondana_device_profile);
    EXPECT_EQ(licence.content_key.algorithm, device_key_wrap_uri);
    EXPECT_EQ(licence.content_key.encrypted_value.size(), wrapped_content_key_size);
    EXPECT_EQ(licence.user_key.algorithm, device_p256_uri);
    EXPECT_EQ(licence.user_key.device_id, "tablet-0042");
    EXPECT_EQ(licence.user_key.text_hint, "Hondana device key");
    EXPECT_FALSE(licence.user_key.key_check);
    ASSERT_EQ(licence.links.size(), 2u);
    const LicenceLink* publication = licence.link("publication");
    ASSERT_NE(publication, nullptr);
    EXPECT_EQ(publication->length, 820660u);
    EXPECT_EQ(publication->title, "よだかの星");
    EXPECT_EQ(publication->type, "application/pdf+lcp");
    EXPECT_EQ(licence.link("status")->href, "https://lending.example.test/v1/licences/b7c2a0a4/status");
    EXPECT_EQ(licence.link("hint"), nullptr);
    EXPECT_EQ(licence.rights.print, 0);
    EXPECT_EQ(licence.rights.copy, 0);
    EXPECT_EQ(licence.rights.start, at("2026-11-01T09:00:00Z"));
    EXPECT_EQ(licence.rights.end, at("2026-11-15T09:00:00Z"));
    EXPECT_EQ(licence.rights.offline_until, at("2026-11-08T09:00:00Z"));
    EXPECT_EQ(licence.user.id, "student-1234");
    EXPECT_EQ(licence.user.name, "山田 花子");
    ASSERT_TRUE(licence.signature);
    EXPECT_EQ(licence.signature->algorithm, ecdsa_sha256_uri);
    EXPECT_EQ(licence.signature->value.size(), 64u);
    EXPECT_EQ(ok(Certificate::from_der(licence.signature->certificate)).subject_common_name(),
        "Hondana Test Licence Signing");
    PublicKey device = ok(PrivateKey::from_pem(committed("test-device-key.pem"))).public_key();
    EXPECT_EQ(licence.user_key.device_key_pin, device.spki_sha256_pin());
}

TEST(Licence, signing_time_is_updated_else_issued)
{
    json document = device_document();
    document["updated"] = "2026-11-03T10:00:00+09:00";
    Licence licence = ok(parse_licence(document.dump()));
    EXPECT_EQ(licence.signing_time(), at("2026-11-03T01:00:00Z"));
}

TEST(Licence, keeps_unknown_members_in_the_document)
{
    json document = device_document();
    document["x-vendor"] = { { "b", 1 }, { "a", json::array({ 1, 2 }) } };
    document["links"][0]["x-extra"] = "kept";
    Licence licence = ok(parse_licence(document.dump()));
    EXPECT_EQ(licence.document.at("x-vendor").at("a"), json::array({ 1, 2 }));
    EXPECT_EQ(licence.document.at("links").at(0).at("x-extra"), "kept");
    EXPECT_FALSE(licence_to_json(licence).contains("x-vendor"));
}

TEST(Licence, json_form_of_the_fields_is_the_document)
{
    for (const char* name : { "device-valid.lcpl", "basic-valid.lcpl" }) {
        Licence licence = ok(parse_licence(committed(name)));
        EXPECT_EQ(ok(canonical_json(licence_to_json(licence))), ok(canonical_json(licence.document))) << name;
    }
}

TEST(Licence, parses_the_lcp_fixture_licences)
{
    HONDANA_REQUIRE_SHARED_FIXTURE("lcp/daisy.lcpdf");
    Licence licence = ok(parse_licence(test::daisy_licence_text()));
    EXPECT_EQ(licence.id, "b1192756-82ea-432f-a077-c0f002f04af9");
    EXPECT_EQ(licence.issued, at("2020-07-30T10:53:13Z"));
    EXPECT_EQ(licence.profile, lcp_basic_profile);
    EXPECT_EQ(licence.provider, "https://www.edrlab.org");
    EXPECT_EQ(licence.content_key.encrypted_value.size(), 64u);
    EXPECT_EQ(licence.user_key.key_check->size(), 64u);
    EXPECT_EQ(licence.user_key.text_hint, "test");
    EXPECT_EQ(licence.link("publication")->length, 820660u);
    EXPECT_EQ(licence.link("publication")->hash, "9d5b063ffcde7530496f6b2b604ac03dcc2d594d0540a24a075b200f4c775310");
    EXPECT_EQ(licence.rights.print, 2);
    EXPECT_EQ(licence.rights.copy, 2000);
    EXPECT_EQ(licence.user.encrypted, (std::vector<std::string> { "email", "name" }));
    EXPECT_EQ(licence.signature->algorithm, rsa_sha256_uri);
    EXPECT_EQ(ok(canonical_json(licence_to_json(licence))), ok(canonical_json(licence.document)));
    HONDANA_REQUIRE_SHARED_FIXTURE("lcp/epub-lcp.epub");
    Licence epub = ok(parse_licence(test::epub_licence_text()));
    EXPECT_EQ(epub.id, "430dfdaf-ca71-4216-ab0c-7ccd634d7521");
    EXPECT_EQ(epub.link("publication")->type, "application/epub+zip");
}
