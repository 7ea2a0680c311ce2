#include "hondana/drm/licence.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "hondana/drm/canonical_json.h"
#include "trust_test_support.h"

using namespace hondana::drm;
using hondana::drm::test::at;
using hondana::drm::test::ok;
using hondana::drm::test::TestPki;
using nlohmann::json;

namespace {

std::filesystem::path licences_dir() { return hondana::test::test_data() / "licences"; }
std::string committed(const char* name) { return test::read_text(licences_dir() / name); }

void expect_kind(const Result<void>& result, ErrorKind kind, const std::string& label = {})
{
    ASSERT_FALSE(result) << label;
    EXPECT_EQ(result.error().kind, kind) << label << ": got " << error_code(result.error().kind) << ": "
                                         << result.error().message;
}

Licence signed_device_licence(const TestPki& pki)
{
    PublicKey device = ok(PrivateKey::generate_p256()).public_key();
    Licence licence = test::device_licence(device);
    ok(sign_licence(licence, pki.signing_key, pki.signing));
    return licence;
}

// Every leaf (string, number, boolean) of `value` as a JSON pointer.
void collect_leaves(const json& value, const json::json_pointer& at_pointer, std::vector<json::json_pointer>& out)
{
    if (value.is_object()) {
        for (const auto& [name, member] : value.items())
            collect_leaves(member, at_pointer / name, out);
    } else if (value.is_array()) {
        for (size_t i = 0; i < value.size(); ++i)
            collect_leaves(value[i], at_pointer / i, out);
    } else {
        out.push_back(at_pointer);
    }
}

// A small change to a leaf that keeps it well-formed where it can (times a
// second later, base64 with one bit flipped, hex with one digit changed), so
// the altered licence still parses and it is the signature that catches it.
json altered(const json& leaf)
{
    if (leaf.is_boolean())
        return !leaf.get<bool>();
    if (leaf.is_number_unsigned())
        return leaf.get<uint64_t>() + 1;
    if (leaf.is_number_integer())
        return leaf.get<int64_t>() + 1;
    std::string text = leaf.get<std::string>();
    if (auto time = hondana::base::parse_rfc3339(text))
        return hondana::base::format_rfc3339(*time + std::chrono::seconds(1));
    if (text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string::npos)
        return std::string(1, text[0] == '0' ? '1' : '0') + text.substr(1);
    if (auto bytes = base64_decode(text); bytes && !bytes->empty()) {
        (*bytes)[bytes->size() / 2] ^= 0x01;
        return base64_encode(*bytes);
    }
    return text + "x";
}

// Alters every signed leaf of `licence` in turn; each must be caught as
// SignatureInvalid, through parse + verify when the altered document still
// parses, else by verifying the altered document directly. Returns how many
// went through the parser.
size_t expect_every_leaf_change_detected(const Licence& licence, const Certificate& root)
{
    json unsigned_document = licence.document;
    unsigned_document.erase("signature");
    std::vector<json::json_pointer> leaves;
    collect_leaves(unsigned_document, json::json_pointer(), leaves);
    EXPECT_GE(leaves.size(), 15u);
    size_t parsed = 0;
    for (const auto& pointer : leaves) {
        json document = licence.document;
        document[pointer] = altered(document[pointer]);
        auto reparsed = parse_licence(document.dump());
        if (reparsed) {
            ++parsed;
            expect_kind(verify_licence(*reparsed, root), ErrorKind::SignatureInvalid, pointer.to_string());
        } else {
            Licence forged = licence;
            forged.document = document;
            expect_kind(verify_licence(forged, root), ErrorKind::SignatureInvalid, pointer.to_string());
        }
    }
    return parsed;
}

}

TEST(LicenceSignature, signs_and_verifies_a_device_licence)
{
    TestPki pki = TestPki::create();
    PublicKey device = ok(PrivateKey::generate_p256()).public_key();
    Licence licence = test::device_licence(device);
    std::string text = ok(sign_licence(licence, pki.signing_key, pki.signing));
    ASSERT_TRUE(licence.signature);
    EXPECT_EQ(licence.signature->algorithm, ecdsa_sha256_uri);
    EXPECT_EQ(licence.signature->value.size(), 64u);
    EXPECT_EQ(licence.signature->certificate, pki.signing.der());
    EXPECT_EQ(text, ok(canonical_json(licence.document)));
    EXPECT_TRUE(verify_licence(licence, pki.root));
    Licence parsed = ok(parse_licence(text));
    EXPECT_TRUE(verify_licence(parsed, pki.root));
    // The value is r || s over exactly the canonical form without `signature`.
    json unsigned_document = parsed.document;
    unsigned_document.erase("signature");
    EXPECT_TRUE(verify_signature(pki.signing.public_key(), SignatureAlgorithm::EcdsaSha256,
        as_bytes(ok(canonical_json(unsigned_document))), parsed.signature->value));
}

TEST(LicenceSignature, any_change_to_any_signed_member_is_detected)
{
    TestPki pki = TestPki::create();
    Licence licence = signed_device_licence(pki);
    size_t parsed = expect_every_leaf_change_detected(licence, pki.root);
    EXPECT_GE(parsed, 15u); // most alterations went through the real parser
}

TEST(LicenceSignature, added_removed_and_reordered_members_are_detected)
{
    TestPki pki = TestPki::create();
    Licence licence = signed_device_licence(pki);
    auto expect_forgery_caught = [&](const std::function<void(json&)>& change, const char* label) {
        Licence forged = licence;
        change(forged.document);
        expect_kind(verify_licence(forged, pki.root), ErrorKind::SignatureInvalid, label);
    };
    expect_forgery_caught([](json& d) { d["x-added"] = 1; }, "member added at the top");
    expect_forgery_caught([](json& d) { d["rights"]["x-added"] = "x"; }, "member added in rights");
    expect_forgery_caught([](json& d) { d["user"].erase("name"); }, "user.name removed");
    expect_forgery_caught([](json& d) { d["encryption"]["user_key"].erase("text_hint"); }, "text_hint removed");
    expect_forgery_caught([](json& d) { d["links"].erase(1); }, "link removed");
    expect_forgery_caught([](json& d) { std::swap(d["links"][0], d["links"][1]); }, "links reordered");
    expect_forgery_caught([](json& d) { d["links"].push_back(d["links"][1]); }, "link duplicated");
    expect_forgery_caught([](json& d) { d["rights"]["print"] = 0.0; }, "integer turned into a fraction");
}

TEST(LicenceSignature, committed_tampered_licences_fail_verification)
{
    Certificate root = ok(Certificate::from_pem(committed("test-root.pem")));
    EXPECT_TRUE(verify_licence(ok(parse_licence(committed("device-valid.lcpl"))), root));
    EXPECT_TRUE(verify_licence(ok(parse_licence(committed("basic-valid.lcpl"))), root));
    size_t count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(licences_dir() / "tampered")) {
        auto licence = parse_licence(test::read_text(entry.path()));
        ASSERT_TRUE(licence) << entry.path() << ": " << licence.error().message;
        expect_kind(verify_licence(*licence, root), ErrorKind::SignatureInvalid, entry.path().filename());
        ++count;
    }
    EXPECT_GE(count, 5u);
}

TEST(LicenceSignature, committed_malformed_licences_fail_with_the_code_in_their_name)
{
    size_t count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(licences_dir() / "malformed")) {
        std::string name = entry.path().filename().string();
        std::string expected = name.substr(0, name.find("--"));
        auto licence = parse_licence(test::read_text(entry.path()));
        ASSERT_FALSE(licence) << name;
        EXPECT_EQ(error_code(licence.error().kind), expected) << name << ": " << licence.error().message;
        ++count;
    }
    EXPECT_GE(count, 8u);
}

TEST(LicenceSignature, committed_licence_content_key_unwraps_with_the_test_device_key)
{
    Licence licence = ok(parse_licence(committed("device-valid.lcpl")));
    PrivateKey device = ok(PrivateKey::from_pem(committed("test-device-key.pem")));
    EXPECT_EQ(licence.user_key.device_key_pin, device.public_key().spki_sha256_pin());
    SecretBytes key = ok(unwrap_content_key(licence.content_key.encrypted_value, device,
        { .licence_id = licence.id, .device_id = *licence.user_key.device_id }));
    EXPECT_TRUE(constant_time_equal(key.view(), Bytes(32, 0x5a)));
}

TEST(LicenceSignature, rejects_licence_signed_under_another_root)
{
    TestPki pki = TestPki::create();
    TestPki other = TestPki::create("2026-01-01T00:00:00Z", "2030-01-01T00:00:00Z", "Hondana Test Root");
    Licence licence = signed_device_licence(pki);
    expect_kind(verify_licence(licence, other.root), ErrorKind::UntrustedRoot);
}

TEST(LicenceSignature, edrlab_test_root_does_not_verify_our_licences)
{
    HONDANA_REQUIRE_SHARED_FIXTURE("lcp/cacert-edrlab-test.pem");
    TestPki pki = TestPki::create();
    expect_kind(verify_licence(signed_device_licence(pki), test::edrlab_root()), ErrorKind::UntrustedRoot);
    Certificate committed_root = ok(Certificate::from_pem(committed("test-root.pem")));
    EXPECT_TRUE(verify_licence(ok(parse_licence(committed("device-valid.lcpl"))), committed_root));
    expect_kind(verify_licence(ok(parse_licence(committed("device-valid.lcpl"))), test::edrlab_root()),
        ErrorKind::UntrustedRoot);
}

TEST(LicenceSignature, certificate_not_valid_at_issue_is_refused)
{
    // The licence is issued 2026-11-01T09:00:00Z.
    for (auto [from, until] : { std::pair { "2026-11-02T00:00:00Z", "2030-01-01T00:00:00Z" },
             std::pair { "2026-01-01T00:00:00Z", "2026-10-31T00:00:00Z" } }) {
        TestPki pki = TestPki::create(from, until);
        expect_kind(verify_licence(signed_device_licence(pki), pki.root), ErrorKind::CertificateNotValidAtIssue, from);
    }
}

TEST(LicenceSignature, certificate_is_judged_at_updated_when_present)
{
    TestPki pki = TestPki::create("2026-11-02T00:00:00Z", "2026-12-01T00:00:00Z");
    PublicKey device = ok(PrivateKey::generate_p256()).public_key();
    Licence licence = test::device_licence(device);
    licence.updated = at("2026-11-03T00:00:00Z"); // issued 2026-11-01, before the certificate
    ok(sign_licence(licence, pki.signing_key, pki.signing));
    EXPECT_TRUE(verify_licence(licence, pki.root));
    licence.updated = at("2026-12-02T00:00:00Z"); // after the certificate expired
    ok(sign_licence(licence, pki.signing_key, pki.signing));
    expect_kind(verify_licence(licence, pki.root), ErrorKind::CertificateNotValidAtIssue);
}

TEST(LicenceSignature, lcp_fixtures_verify_at_issue_time_though_their_certificate_expired)
{
    HONDANA_REQUIRE_SHARED_FIXTURE("lcp/daisy.lcpdf");
    HONDANA_REQUIRE_SHARED_FIXTURE("lcp/epub-lcp.epub");
    Certificate edrlab = test::edrlab_root();
    for (const std::string& text : { test::daisy_licence_text(), test::epub_licence_text() }) {
        Licence licence = ok(parse_licence(text));
        EXPECT_TRUE(verify_licence(licence, edrlab));
        Certificate provider = ok(Certificate::from_der(licence.signature->certificate));
        EXPECT_EQ(provider.not_after(), at("2026-03-23T07:37:00Z"));
        // Judged at a time after it expired, the same chain fails.
        expect_kind(verify_certificate_chain(provider, edrlab, at("2026-06-01T00:00:00Z")),
            ErrorKind::CertificateNotValidAtIssue);
        // And our own tenant root does not vouch for EDRLab.
        expect_kind(verify_licence(licence, TestPki::create().root), ErrorKind::UntrustedRoot);
    }
}

TEST(LicenceSignature, any_change_to_an_lcp_fixture_is_detected)
{
    HONDANA_REQUIRE_SHARED_FIXTURE("lcp/daisy.lcpdf");
    Licence licence = ok(parse_licence(test::daisy_licence_text()));
    size_t parsed = expect_every_leaf_change_detected(licence, test::edrlab_root());
    EXPECT_GE(parsed, 10u);
}

TEST(LicenceSignature, device_licence_needs_a_licence_signing_certificate)
{
    // A device (TLS client) certificate of the same tenant cannot sign licences.
    TestPki pki = TestPki::create();
    PrivateKey device_key = ok(PrivateKey::generate_p256());
    Certificate device_cert = ok(issue_certificate(
        test::request("tablet-0042", CertificateRole::TlsClient, "2026-01-01T00:00:00Z", "2030-01-01T00:00:00Z"),
        device_key.public_key(), &pki.root, pki.root_key));
    Licence licence = test::device_licence(device_key.public_key());
    ok(sign_licence(licence, device_key, device_cert));
    expect_kind(verify_licence(licence, pki.root), ErrorKind::UntrustedRoot);
    // Nor a basic-profile one (which could carry a content key the device already knows).
    Licence basic = ok(parse_licence(committed("basic-valid.lcpl")));
    ok(sign_licence(basic, device_key, device_cert));
    expect_kind(verify_licence(basic, pki.root), ErrorKind::UntrustedRoot);
    // A basic-profile licence signed by a certificate without our EKU (as LCP
    // providers' are) is fine as long as it is not a client certificate.
    PrivateKey provider_key = ok(PrivateKey::generate_p256());
    Certificate provider = ok(issue_certificate(
        test::request("provider", CertificateRole::TlsServer, "2026-01-01T00:00:00Z", "2030-01-01T00:00:00Z"),
        provider_key.public_key(), &pki.root, pki.root_key));
    ok(sign_licence(basic, provider_key, provider));
    EXPECT_TRUE(verify_licence(basic, pki.root));
}

TEST(LicenceSignature, unsigned_or_badly_signed_licences_are_refused)
{
    TestPki pki = TestPki::create();
    PublicKey device = ok(PrivateKey::generate_p256()).public_key();
    Licence unsigned_licence = test::device_licence(device);
    unsigned_licence.document = licence_to_json(unsigned_licence);
    expect_kind(verify_licence(unsigned_licence, pki.root), ErrorKind::MissingField);

    Licence licence = signed_device_licence(pki);
    Licence bad_certificate = licence;
    bad_certificate.signature->certificate = Bytes { 0x30, 0x03, 0x02, 0x01, 0x01 };
    expect_kind(verify_licence(bad_certificate, pki.root), ErrorKind::MalformedCertificate);
    Licence mislabelled = licence;
    mislabelled.signature->algorithm = std::string(rsa_sha256_uri);
    expect_kind(verify_licence(mislabelled, pki.root), ErrorKind::UnsupportedAlgorithm);
    Licence unknown_algorithm = licence;
    unknown_algorithm.signature->algorithm = "http://www.w3.org/2000/09/xmldsig#dsa-sha1";
    expect_kind(verify_licence(unknown_algorithm, pki.root), ErrorKind::UnsupportedAlgorithm);
    Licence truncated = licence;
    truncated.signature->value.pop_back();
    expect_kind(verify_licence(truncated, pki.root), ErrorKind::SignatureInvalid);
}

TEST(LicenceSignature, sign_refuses_invalid_licences_and_mismatched_keys)
{
    TestPki pki = TestPki::create();
    PublicKey device = ok(PrivateKey::generate_p256()).public_key();
    Licence licence = test::device_licence(device);
    licence.user_key.device_id.reset();
    auto invalid = sign_licence(licence, pki.signing_key, pki.signing);
    ASSERT_FALSE(invalid);
    EXPECT_EQ(invalid.error().kind, ErrorKind::MissingField);
    EXPECT_NE(invalid.error().message.find("encryption.user_key.device_id"), std::string::npos);
    EXPECT_FALSE(licence.signature);

    Licence valid = test::device_licence(device);
    auto mismatched = sign_licence(valid, pki.root_key, pki.signing);
    ASSERT_FALSE(mismatched);
    EXPECT_EQ(mismatched.error().kind, ErrorKind::InvalidArgument);
}
