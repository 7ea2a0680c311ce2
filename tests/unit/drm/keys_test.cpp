#include "hondana/drm/keys.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "trust_test_support.h"

using namespace hondana::drm;
using hondana::drm::test::ok;

namespace {

// Made with `openssl ecparam -name prime256v1 -genkey`; the pin and point were
// computed by the openssl command line:
//   openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64
constexpr const char* fixed_public_pem = "-----BEGIN PUBLIC KEY-----\n"
                                         "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAESIvlTjEVmRxr+aFBMzX1wIRvgdFl\n"
                                         "pHQl3KcXFK+ycbJPsRkTD4iV2tm4+bjtdEUuKc3yoCPrtPYJCakx27yl3g==\n"
                                         "-----END PUBLIC KEY-----\n";
constexpr const char* fixed_pin = "OteQOrw4mdnWpO1yusvdb3HAk/bG2eFSlpb/q4Z69Hw=";
constexpr const char* fixed_point = "04488be54e3115991c6bf9a1413335f5c0846f81d165a47425dca71714afb271b2"
                                    "4fb119130f8895dad9b8f9b8ed74452e29cdf2a023ebb4f60909a931dbbca5de";

using PkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

// An ECDSA verification done directly with OpenSSL on the DER form, to check
// our r || s encoding independently of verify_signature.
bool openssl_verifies_raw(const PublicKey& key, ByteView message, ByteView raw)
{
    ECDSA_SIG* sig = ECDSA_SIG_new();
    ECDSA_SIG_set0(sig, BN_bin2bn(raw.data(), 32, nullptr), BN_bin2bn(raw.data() + 32, 32, nullptr));
    unsigned char* der = nullptr;
    int der_length = i2d_ECDSA_SIG(sig, &der);
    ECDSA_SIG_free(sig);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    bool verified = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key.native()) == 1
        && EVP_DigestVerify(ctx, der, static_cast<size_t>(der_length), message.data(), message.size()) == 1;
    EVP_MD_CTX_free(ctx);
    OPENSSL_free(der);
    return verified;
}

}

TEST(Keys, generates_p256_keys)
{
    PrivateKey key = ok(PrivateKey::generate_p256());
    EXPECT_EQ(key.type(), KeyType::EcP256);
    EXPECT_EQ(key.public_key().type(), KeyType::EcP256);
    PrivateKey other = ok(PrivateKey::generate_p256());
    EXPECT_NE(key.public_key().spki_der(), other.public_key().spki_der());
    EXPECT_EQ(EVP_PKEY_get_bits(key.native()), 256);
}

TEST(Keys, public_key_carries_no_private_part)
{
    PrivateKey key = ok(PrivateKey::generate_p256());
    BIGNUM* scalar = nullptr;
    EXPECT_EQ(EVP_PKEY_get_bn_param(key.public_key().native(), "priv", &scalar), 0);
    BN_free(scalar);
    ERR_clear_error();
}

TEST(Keys, spki_pin_matches_openssl_command_line)
{
    PublicKey key = ok(PublicKey::from_pem(fixed_public_pem));
    EXPECT_EQ(key.spki_sha256_pin(), fixed_pin);
    EXPECT_EQ(hex_encode(ok(key.p256_point())), fixed_point);
    EXPECT_EQ(key.pem(), fixed_public_pem);
}

TEST(Keys, public_key_round_trips_through_pem_der_and_point)
{
    PublicKey key = ok(PrivateKey::generate_p256()).public_key();
    EXPECT_EQ(ok(PublicKey::from_pem(key.pem())).spki_der(), key.spki_der());
    EXPECT_EQ(ok(PublicKey::from_spki_der(key.spki_der())).spki_der(), key.spki_der());
    Bytes point = ok(key.p256_point());
    ASSERT_EQ(point.size(), 65u);
    EXPECT_EQ(point[0], 0x04);
    EXPECT_EQ(ok(PublicKey::from_p256_point(point)).spki_der(), key.spki_der());
}

TEST(Keys, compressed_spki_gives_the_uncompressed_point)
{
    PublicKey key = ok(PrivateKey::generate_p256()).public_key();
    PkeyPtr compressed { EVP_PKEY_dup(key.native()), EVP_PKEY_free };
    ASSERT_EQ(EVP_PKEY_set_utf8_string_param(compressed.get(), OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
                  const_cast<char*>(OSSL_PKEY_EC_POINT_CONVERSION_FORMAT_COMPRESSED)),
        1);
    unsigned char* der = nullptr;
    int length = i2d_PUBKEY(compressed.get(), &der);
    ASSERT_GT(length, 0);
    Bytes spki(der, der + length);
    OPENSSL_free(der);
    EXPECT_LT(spki.size(), key.spki_der().size()); // really the 33-byte form
    PublicKey parsed = ok(PublicKey::from_spki_der(spki));
    EXPECT_EQ(ok(parsed.p256_point()), ok(key.p256_point()));
}

TEST(Keys, private_key_round_trips_through_pkcs8_pem_and_der)
{
    PrivateKey key = ok(PrivateKey::generate_p256());
    SecretBytes pem = ok(key.pkcs8_pem());
    std::string_view pem_text(reinterpret_cast<const char*>(pem.data()), pem.size());
    EXPECT_EQ(pem_text.rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
    PrivateKey from_pem = ok(PrivateKey::from_pem(pem_text));
    PrivateKey from_der = ok(PrivateKey::from_pkcs8_der(ok(key.pkcs8_der()).view()));
    EXPECT_EQ(EVP_PKEY_eq(from_pem.native(), key.native()), 1);
    EXPECT_EQ(EVP_PKEY_eq(from_der.native(), key.native()), 1);
    Bytes message = { 1, 2, 3 };
    EXPECT_TRUE(verify_signature(
        key.public_key(), SignatureAlgorithm::EcdsaSha256, message, ok(sign_ecdsa_sha256(from_der, message))));
}

TEST(Keys, encrypted_pem_needs_its_passphrase_and_never_prompts)
{
    PrivateKey key = ok(PrivateKey::generate_p256());
    BIO* bio = BIO_new(BIO_s_mem());
    ASSERT_EQ(PEM_write_bio_PKCS8PrivateKey(
                  bio, key.native(), EVP_aes_256_cbc(), nullptr, 0, nullptr, const_cast<char*>("correct horse")),
        1);
    char* data = nullptr;
    long size = BIO_get_mem_data(bio, &data);
    std::string encrypted(data, static_cast<size_t>(size));
    BIO_free(bio);
    EXPECT_TRUE(PrivateKey::from_pem(encrypted, "correct horse"));
    auto wrong = PrivateKey::from_pem(encrypted, "wrong");
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().kind, ErrorKind::InvalidValue);
    EXPECT_FALSE(PrivateKey::from_pem(encrypted)); // no passphrase: fails, no terminal prompt
}

TEST(Keys, rejects_malformed_key_encodings)
{
    EXPECT_FALSE(PublicKey::from_pem("not a key"));
    EXPECT_FALSE(PublicKey::from_spki_der(Bytes {}));
    EXPECT_FALSE(PublicKey::from_spki_der(Bytes { 0x30, 0x03, 0x02, 0x01, 0x00 }));
    Bytes der = ok(PrivateKey::generate_p256()).public_key().spki_der();
    der.push_back(0);
    EXPECT_FALSE(PublicKey::from_spki_der(der));
    EXPECT_FALSE(PrivateKey::from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"));
    EXPECT_FALSE(PrivateKey::from_pkcs8_der(Bytes { 0x30, 0x00 }));
}

TEST(Keys, from_p256_point_rejects_points_off_the_curve)
{
    Bytes point = ok(hex_decode(fixed_point));
    Bytes off_curve = point;
    off_curve[64] ^= 1;
    Bytes compressed(point.begin(), point.begin() + 33);
    compressed[0] = 0x02;
    Bytes wrong_prefix = point;
    wrong_prefix[0] = 0x05;
    Bytes zero(65, 0);
    zero[0] = 0x04;
    for (const Bytes& bad : { off_curve, compressed, wrong_prefix, zero, Bytes(point.begin(), point.end() - 1) }) {
        auto result = PublicKey::from_p256_point(bad);
        ASSERT_FALSE(result);
        EXPECT_EQ(result.error().kind, ErrorKind::InvalidValue);
    }
}

TEST(Keys, ecdsa_signature_is_r_then_s_and_verifies)
{
    PrivateKey key = ok(PrivateKey::generate_p256());
    Bytes message(1000, 0x42);
    Bytes signature = ok(sign_ecdsa_sha256(key, message));
    ASSERT_EQ(signature.size(), 64u);
    EXPECT_TRUE(openssl_verifies_raw(key.public_key(), message, signature));
    EXPECT_TRUE(verify_signature(key.public_key(), SignatureAlgorithm::EcdsaSha256, message, signature));
}

TEST(Keys, ecdsa_verification_fails_for_any_change)
{
    PrivateKey key = ok(PrivateKey::generate_p256());
    Bytes message = { 'h', 'o', 'n', 'd', 'a', 'n', 'a' };
    Bytes signature = ok(sign_ecdsa_sha256(key, message));
    auto expect_invalid = [&](const PublicKey& public_key, ByteView m, ByteView s) {
        auto result = verify_signature(public_key, SignatureAlgorithm::EcdsaSha256, m, s);
        ASSERT_FALSE(result);
        EXPECT_EQ(result.error().kind, ErrorKind::SignatureInvalid);
    };
    for (size_t i = 0; i < signature.size(); ++i) {
        Bytes altered = signature;
        altered[i] ^= 0x80;
        expect_invalid(key.public_key(), message, altered);
    }
    Bytes altered_message = message;
    altered_message[0] ^= 1;
    expect_invalid(key.public_key(), altered_message, signature);
    expect_invalid(ok(PrivateKey::generate_p256()).public_key(), message, signature);
    expect_invalid(key.public_key(), message, ByteView(signature).first(63));
    expect_invalid(key.public_key(), message, Bytes(64, 0));
}

TEST(Keys, rsa_sha256_verifies_and_refuses_mismatched_algorithms)
{
    PkeyPtr rsa { EVP_RSA_gen(2048), EVP_PKEY_free };
    ASSERT_TRUE(rsa);
    Bytes message = { 'l', 'c', 'p' };
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    size_t length = 256;
    Bytes signature(length);
    ASSERT_EQ(EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, rsa.get()), 1);
    ASSERT_EQ(EVP_DigestSign(ctx, signature.data(), &length, message.data(), message.size()), 1);
    EVP_MD_CTX_free(ctx);
    PrivateKey rsa_key(rsa.release());
    PublicKey rsa_public = rsa_key.public_key();
    EXPECT_EQ(rsa_public.type(), KeyType::Rsa);
    EXPECT_TRUE(verify_signature(rsa_public, SignatureAlgorithm::RsaPkcs1Sha256, message, signature));
    signature[7] ^= 1;
    auto altered = verify_signature(rsa_public, SignatureAlgorithm::RsaPkcs1Sha256, message, signature);
    ASSERT_FALSE(altered);
    EXPECT_EQ(altered.error().kind, ErrorKind::SignatureInvalid);
    auto ecdsa_on_rsa = verify_signature(rsa_public, SignatureAlgorithm::EcdsaSha256, message, Bytes(64, 1));
    ASSERT_FALSE(ecdsa_on_rsa);
    EXPECT_EQ(ecdsa_on_rsa.error().kind, ErrorKind::UnsupportedAlgorithm);
    auto rsa_on_ec = verify_signature(
        ok(PrivateKey::generate_p256()).public_key(), SignatureAlgorithm::RsaPkcs1Sha256, message, signature);
    ASSERT_FALSE(rsa_on_ec);
    EXPECT_EQ(rsa_on_ec.error().kind, ErrorKind::UnsupportedAlgorithm);
    EXPECT_FALSE(sign_ecdsa_sha256(rsa_key, message));
}

TEST(Keys, refuses_rsa_keys_below_2048_bits)
{
    PkeyPtr rsa { EVP_RSA_gen(1024), EVP_PKEY_free };
    ASSERT_TRUE(rsa);
    PublicKey small = PrivateKey(rsa.release()).public_key();
    auto result = verify_signature(small, SignatureAlgorithm::RsaPkcs1Sha256, Bytes { 1 }, Bytes(128, 1));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, ErrorKind::UnsupportedAlgorithm);
}
