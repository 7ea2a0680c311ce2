#include "hondana/drm/key_wrap.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "trust_test_support.h"

using namespace hondana::drm;
using hondana::drm::test::ok;

namespace {

const KeyWrapContext context { .licence_id = "licence-1", .device_id = "tablet-0042" };

Bytes content_key()
{
    Bytes key(content_key_size);
    for (size_t i = 0; i < key.size(); ++i)
        key[i] = static_cast<uint8_t>(0xa0 + i);
    return key;
}

void expect_unwrap_fails(ByteView wrapped, const PrivateKey& key, const KeyWrapContext& with, const std::string& label)
{
    auto result = unwrap_content_key(wrapped, key, with);
    ASSERT_FALSE(result) << label;
    EXPECT_EQ(result.error().kind, ErrorKind::KeyUnwrapFailed) << label << ": " << result.error().message;
}

}

TEST(KeyWrap, round_trips_to_the_device_key)
{
    PrivateKey device = ok(PrivateKey::generate_p256());
    Bytes wrapped = ok(wrap_content_key(content_key(), device.public_key(), context));
    ASSERT_EQ(wrapped.size(), wrapped_content_key_size);
    EXPECT_EQ(wrapped[0], 0x04); // the ephemeral point comes first, uncompressed
    EXPECT_TRUE(PublicKey::from_p256_point(ByteView(wrapped).first(65)));
    SecretBytes unwrapped = ok(unwrap_content_key(wrapped, device, context));
    EXPECT_TRUE(constant_time_equal(unwrapped.view(), content_key()));
}

TEST(KeyWrap, uses_a_fresh_ephemeral_key_each_time)
{
    PrivateKey device = ok(PrivateKey::generate_p256());
    Bytes first = ok(wrap_content_key(content_key(), device.public_key(), context));
    Bytes second = ok(wrap_content_key(content_key(), device.public_key(), context));
    EXPECT_NE(first, second);
    EXPECT_NE(Bytes(first.begin(), first.begin() + 65), Bytes(second.begin(), second.begin() + 65));
}

TEST(KeyWrap, matches_the_documented_construction)
{
    // Recompute the KEK from key_wrap.h's formula with the device's side of
    // ECDH (done here with OpenSSL directly) and unwrap with plain RFC 3394.
    PrivateKey device = ok(PrivateKey::generate_p256());
    Bytes wrapped = ok(wrap_content_key(content_key(), device.public_key(), context));
    PublicKey ephemeral = ok(PublicKey::from_p256_point(ByteView(wrapped).first(65)));
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(device.native(), nullptr);
    ASSERT_EQ(EVP_PKEY_derive_init(ctx), 1);
    ASSERT_EQ(EVP_PKEY_derive_set_peer(ctx, ephemeral.native()), 1);
    Bytes shared(32);
    size_t length = shared.size();
    ASSERT_EQ(EVP_PKEY_derive(ctx, shared.data(), &length), 1);
    EVP_PKEY_CTX_free(ctx);
    auto field = [](Bytes& out, ByteView bytes) {
        uint32_t n = static_cast<uint32_t>(bytes.size());
        out.insert(out.end(), { uint8_t(n >> 24), uint8_t(n >> 16), uint8_t(n >> 8), uint8_t(n) });
        out.insert(out.end(), bytes.begin(), bytes.end());
    };
    Bytes info;
    field(info, ByteView(wrapped).first(65));
    field(info, ok(device.public_key().p256_point()));
    field(info, as_bytes(context.licence_id));
    field(info, as_bytes(context.device_id));
    SecretBytes kek = ok(hkdf_sha256(shared, as_bytes("hondana-keywrap-v1"), info, 32));
    SecretBytes key = ok(aes_key_unwrap(kek.view(), ByteView(wrapped).subspan(65)));
    EXPECT_TRUE(constant_time_equal(key.view(), content_key()));
}

TEST(KeyWrap, another_device_key_cannot_unwrap)
{
    PrivateKey device = ok(PrivateKey::generate_p256());
    PrivateKey other = ok(PrivateKey::generate_p256());
    Bytes wrapped = ok(wrap_content_key(content_key(), device.public_key(), context));
    expect_unwrap_fails(wrapped, other, context, "other device key");
}

TEST(KeyWrap, another_licence_or_device_id_cannot_unwrap)
{
    PrivateKey device = ok(PrivateKey::generate_p256());
    Bytes wrapped = ok(wrap_content_key(content_key(), device.public_key(), context));
    expect_unwrap_fails(wrapped, device, { .licence_id = "licence-2", .device_id = "tablet-0042" }, "licence id");
    expect_unwrap_fails(wrapped, device, { .licence_id = "licence-1", .device_id = "tablet-0043" }, "device id");
    // Length-prefixed fields: moving a byte from one id to the other is a different context.
    expect_unwrap_fails(wrapped, device, { .licence_id = "licence-1t", .device_id = "ablet-0042" }, "shifted ids");
}

TEST(KeyWrap, any_altered_byte_fails)
{
    PrivateKey device = ok(PrivateKey::generate_p256());
    Bytes wrapped = ok(wrap_content_key(content_key(), device.public_key(), context));
    for (size_t i = 0; i < wrapped.size(); ++i) {
        for (uint8_t flip : { uint8_t(0x01), uint8_t(0x80) }) {
            Bytes altered = wrapped;
            altered[i] ^= flip;
            expect_unwrap_fails(altered, device, context, "byte " + std::to_string(i));
        }
    }
    expect_unwrap_fails(ByteView(wrapped).first(104), device, context, "truncated");
    Bytes extended = wrapped;
    extended.push_back(0);
    expect_unwrap_fails(extended, device, context, "extended");
    expect_unwrap_fails(Bytes {}, device, context, "empty");
}

TEST(KeyWrap, invalid_ephemeral_point_fails_cleanly)
{
    PrivateKey device = ok(PrivateKey::generate_p256());
    Bytes wrapped = ok(wrap_content_key(content_key(), device.public_key(), context));
    Bytes zero_point = wrapped;
    std::fill(zero_point.begin() + 1, zero_point.begin() + 65, 0);
    expect_unwrap_fails(zero_point, device, context, "zero point");
    Bytes compressed = wrapped;
    compressed[0] = 0x02;
    expect_unwrap_fails(compressed, device, context, "compressed prefix");
    Bytes all_ff = wrapped;
    std::fill(all_ff.begin() + 1, all_ff.begin() + 65, 0xff);
    expect_unwrap_fails(all_ff, device, context, "coordinates above the field prime");
}

TEST(KeyWrap, refuses_unusable_arguments)
{
    PrivateKey device = ok(PrivateKey::generate_p256());
    auto short_key = wrap_content_key(Bytes(16, 1), device.public_key(), context);
    ASSERT_FALSE(short_key);
    EXPECT_EQ(short_key.error().kind, ErrorKind::InvalidArgument);
    auto no_ids = wrap_content_key(content_key(), device.public_key(), {});
    ASSERT_FALSE(no_ids);
    EXPECT_EQ(no_ids.error().kind, ErrorKind::InvalidArgument);
}
