#include "hondana/drm/crypto.h"

#include <gtest/gtest.h>

using namespace hondana::drm;

namespace {

Bytes hex(std::string_view text)
{
    auto bytes = hex_decode(text);
    EXPECT_TRUE(bytes.has_value()) << text;
    return bytes.value_or(Bytes {});
}

Bytes range(uint8_t first, size_t count)
{
    Bytes out(count);
    for (size_t i = 0; i < count; ++i)
        out[i] = static_cast<uint8_t>(first + i);
    return out;
}

}

TEST(Base64, round_trips_every_length)
{
    for (size_t n = 0; n < 40; ++n) {
        Bytes data = range(250, n);
        auto decoded = base64_decode(base64_encode(data));
        ASSERT_TRUE(decoded);
        EXPECT_EQ(*decoded, data);
        auto decoded_url = base64url_decode(base64url_encode(data));
        ASSERT_TRUE(decoded_url);
        EXPECT_EQ(*decoded_url, data);
    }
}

TEST(Base64, matches_rfc4648_vectors)
{
    EXPECT_EQ(base64_encode(as_bytes("")), "");
    EXPECT_EQ(base64_encode(as_bytes("f")), "Zg==");
    EXPECT_EQ(base64_encode(as_bytes("fo")), "Zm8=");
    EXPECT_EQ(base64_encode(as_bytes("foobar")), "Zm9vYmFy");
    EXPECT_EQ(base64url_encode(Bytes { 0xfb, 0xff }), "-_8");
}

TEST(Base64, rejects_malformed_text)
{
    EXPECT_FALSE(base64_decode("Zg="));    // bad length
    EXPECT_FALSE(base64_decode("Z!==")); // bad alphabet
    EXPECT_FALSE(base64_decode("Zh=="));  // non-zero trailing bits
    EXPECT_FALSE(base64_decode("Zg==\n"));
    EXPECT_FALSE(base64url_decode("Z"));
}

TEST(Hex, round_trips_and_rejects_bad_digits)
{
    EXPECT_EQ(hex_encode(Bytes { 0x00, 0xab, 0xff }), "00abff");
    EXPECT_EQ(hex("00ABff"), (Bytes { 0x00, 0xab, 0xff }));
    EXPECT_FALSE(hex_decode("abc"));
    EXPECT_FALSE(hex_decode("zz"));
}

TEST(Sha256, matches_fips_vector_and_streams)
{
    EXPECT_EQ(hex_encode(sha256(as_bytes("abc"))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    Sha256 hasher;
    hasher.update(as_bytes("a"));
    hasher.update(as_bytes("bc"));
    EXPECT_EQ(hex_encode(hasher.finish()), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Hmac, matches_rfc4231_test_case_2)
{
    auto mac = hmac(HmacHash::Sha256, as_bytes("Jefe"), as_bytes("what do ya want for nothing?"));
    ASSERT_TRUE(mac);
    EXPECT_EQ(hex_encode(*mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Hkdf, matches_rfc5869_test_case_1)
{
    Bytes ikm(22, 0x0b);
    auto okm = hkdf_sha256(ikm, range(0x00, 13), range(0xf0, 10), 42);
    ASSERT_TRUE(okm);
    EXPECT_EQ(hex_encode(okm->view()),
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
}

TEST(Hkdf, matches_rfc5869_test_case_3_with_empty_salt_and_info)
{
    Bytes ikm(22, 0x0b);
    auto okm = hkdf_sha256(ikm, {}, {}, 42);
    ASSERT_TRUE(okm);
    EXPECT_EQ(hex_encode(okm->view()),
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
}

TEST(Pbkdf2, matches_rfc7914_vector)
{
    auto key = pbkdf2_sha256("passwd", as_bytes("salt"), 1, 64);
    ASSERT_TRUE(key);
    EXPECT_EQ(hex_encode(key->view()),
        "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
        "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
}

TEST(AesKeyWrap, matches_rfc3394_section_4_6)
{
    Bytes kek = range(0x00, 32);
    Bytes key = hex("00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F");
    auto wrapped = aes_key_wrap(kek, key);
    ASSERT_TRUE(wrapped);
    EXPECT_EQ(hex_encode(*wrapped), "28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21");
    auto unwrapped = aes_key_unwrap(kek, *wrapped);
    ASSERT_TRUE(unwrapped);
    EXPECT_EQ(hex_encode(unwrapped->view()), hex_encode(key));
}

TEST(AesKeyWrap, matches_rfc3394_section_4_1)
{
    auto wrapped = aes_key_wrap(range(0x00, 16), hex("00112233445566778899AABBCCDDEEFF"));
    ASSERT_TRUE(wrapped);
    EXPECT_EQ(hex_encode(*wrapped), "1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5");
}

TEST(AesKeyWrap, unwrap_detects_any_altered_byte_and_wrong_kek)
{
    Bytes kek = range(0x00, 32);
    auto wrapped = aes_key_wrap(kek, range(0x40, 32));
    ASSERT_TRUE(wrapped);
    for (size_t i = 0; i < wrapped->size(); ++i) {
        Bytes altered = *wrapped;
        altered[i] ^= 0x01;
        auto result = aes_key_unwrap(kek, altered);
        ASSERT_FALSE(result) << "byte " << i;
        EXPECT_EQ(result.error().kind, ErrorKind::KeyUnwrapFailed);
    }
    auto wrong = aes_key_unwrap(range(0x01, 32), *wrapped);
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().kind, ErrorKind::KeyUnwrapFailed);
}

TEST(AesKeyWrapPad, matches_rfc5649_vectors)
{
    Bytes kek = hex("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8");
    auto twenty = aes_key_wrap_pad(kek, hex("c37b7e6492584340bed12207808941155068f738"));
    ASSERT_TRUE(twenty);
    EXPECT_EQ(hex_encode(*twenty), "138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a");
    auto seven = aes_key_wrap_pad(kek, hex("466f7250617369"));
    ASSERT_TRUE(seven);
    EXPECT_EQ(hex_encode(*seven), "afbeb0f07dfbf5419200f2ccb50bb24f");
    auto back = aes_key_unwrap_pad(kek, *seven);
    ASSERT_TRUE(back);
    EXPECT_EQ(hex_encode(back->view()), "466f7250617369");
}

TEST(AesGcm, seals_and_opens_with_aad)
{
    Bytes key = range(0x10, 32);
    auto sealed = aes256_gcm_seal(key, as_bytes("secret text"), as_bytes("context"));
    ASSERT_TRUE(sealed);
    auto opened = aes256_gcm_open(key, *sealed, as_bytes("context"));
    ASSERT_TRUE(opened);
    EXPECT_EQ(std::string(opened->data(), opened->data() + opened->size()), "secret text");
}

TEST(AesGcm, open_rejects_altered_bytes_aad_and_key)
{
    Bytes key = range(0x10, 32);
    auto sealed = aes256_gcm_seal(key, as_bytes("secret text"), as_bytes("context"));
    ASSERT_TRUE(sealed);
    for (size_t i = 0; i < sealed->size(); ++i) {
        Bytes altered = *sealed;
        altered[i] ^= 0x80;
        auto r = aes256_gcm_open(key, altered, as_bytes("context"));
        ASSERT_FALSE(r) << "byte " << i;
        EXPECT_EQ(r.error().kind, ErrorKind::ContentTampered);
    }
    EXPECT_FALSE(aes256_gcm_open(key, *sealed, as_bytes("other")));
    EXPECT_FALSE(aes256_gcm_open(range(0x11, 32), *sealed, as_bytes("context")));
    EXPECT_FALSE(aes256_gcm_open(key, Bytes(10), {}));
}

TEST(SecretBytes, moves_leave_source_empty)
{
    SecretBytes a(Bytes { 1, 2, 3 });
    SecretBytes b = std::move(a);
    EXPECT_TRUE(a.empty()); // NOLINT(bugprone-use-after-move): the moved-from state is the contract
    EXPECT_EQ(b.size(), 3u);
    EXPECT_TRUE(constant_time_equal(b.view(), Bytes { 1, 2, 3 }));
    EXPECT_FALSE(constant_time_equal(b.view(), Bytes { 1, 2 }));
}
