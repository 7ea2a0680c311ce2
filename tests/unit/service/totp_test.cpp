#include "lending/totp.h"

#include <gtest/gtest.h>

using namespace hondana;
using namespace hondana::lending;

namespace {

// RFC 6238 Appendix B: the SHA-256 seed is the ASCII string "1234567890" repeated to 32 bytes.
drm::Bytes rfc6238_sha256_seed()
{
    std::string seed = "12345678901234567890123456789012";
    return drm::Bytes(seed.begin(), seed.end());
}

base::Timestamp at(int64_t seconds)
{
    return base::Timestamp(std::chrono::seconds(seconds));
}

}

TEST(Totp, rfc6238_appendix_b_sha256_vectors)
{
    struct Vector {
        int64_t time;
        const char* code;
    };
    for (auto v : { Vector { 59, "46119246" }, Vector { 1111111109, "68084774" }, Vector { 1111111111, "67062674" },
             Vector { 1234567890, "91819424" }, Vector { 2000000000, "90698825" },
             Vector { 20000000000, "77737706" } }) {
        auto code = totp_code(rfc6238_sha256_seed(), totp_step(at(v.time)), 8, drm::HmacHash::Sha256);
        ASSERT_TRUE(code);
        EXPECT_EQ(*code, v.code) << "T = " << v.time;
    }
}

TEST(Totp, rfc6238_appendix_b_sha1_vector_for_interop_only)
{
    std::string seed = "12345678901234567890";
    auto code = totp_code(drm::Bytes(seed.begin(), seed.end()), totp_step(at(59)), 8, drm::HmacHash::Sha1);
    ASSERT_TRUE(code);
    EXPECT_EQ(*code, "94287082");
}

TEST(Totp, accepts_current_and_adjacent_steps)
{
    auto secret = rfc6238_sha256_seed();
    auto now = at(1'800'000'000);
    auto step = totp_step(now);
    for (auto candidate : { step - 1, step, step + 1 }) {
        auto code = totp_code(secret, candidate);
        auto matched = totp_verify(secret, *code, now, 0);
        ASSERT_TRUE(matched);
        ASSERT_TRUE(matched->has_value());
        EXPECT_EQ(**matched, candidate);
    }
}

TEST(Totp, refuses_codes_two_steps_away)
{
    auto secret = rfc6238_sha256_seed();
    auto now = at(1'800'000'000);
    auto step = totp_step(now);
    for (auto candidate : { step - 2, step + 2 }) {
        auto matched = totp_verify(secret, *totp_code(secret, candidate), now, 0);
        ASSERT_TRUE(matched);
        EXPECT_FALSE(matched->has_value());
    }
}

TEST(Totp, never_accepts_same_code_twice)
{
    auto secret = rfc6238_sha256_seed();
    auto now = at(1'800'000'000);
    auto code = *totp_code(secret, totp_step(now));
    auto first = totp_verify(secret, code, now, 0);
    ASSERT_TRUE(first && first->has_value());
    auto replay = totp_verify(secret, code, now, **first);
    ASSERT_TRUE(replay);
    EXPECT_FALSE(replay->has_value());
    // nor an older one once a newer one was used
    auto older = totp_verify(secret, *totp_code(secret, totp_step(now) - 1), now, **first);
    EXPECT_FALSE(older->has_value());
}

TEST(Totp, refuses_malformed_codes)
{
    auto secret = rfc6238_sha256_seed();
    auto now = at(1'800'000'000);
    for (auto code : { "", "12345", "1234567", "abcdef" }) {
        auto matched = totp_verify(secret, code, now, 0);
        ASSERT_TRUE(matched);
        EXPECT_FALSE(matched->has_value()) << code;
    }
}

TEST(Base32, rfc4648_vectors_round_trip)
{
    struct Vector {
        const char* plain;
        const char* encoded;
    };
    for (auto v : { Vector { "", "" }, Vector { "f", "MY" }, Vector { "fo", "MZXQ" }, Vector { "foo", "MZXW6" },
             Vector { "foob", "MZXW6YQ" }, Vector { "fooba", "MZXW6YTB" }, Vector { "foobar", "MZXW6YTBOI" } }) {
        std::string plain = v.plain;
        EXPECT_EQ(base32_encode(drm::as_bytes(plain)), v.encoded);
        auto decoded = base32_decode(v.encoded);
        ASSERT_TRUE(decoded);
        EXPECT_EQ(std::string(decoded->begin(), decoded->end()), plain);
    }
    EXPECT_FALSE(base32_decode("MZ1W"));
}

TEST(Totp, provisioning_uri_names_sha256)
{
    auto uri = totp_uri("Hondana City", "t.sato", rfc6238_sha256_seed());
    EXPECT_EQ(uri.rfind("otpauth://totp/Hondana%20City:t.sato?secret=", 0), 0u) << uri;
    EXPECT_NE(uri.find("algorithm=SHA256"), std::string::npos);
}
