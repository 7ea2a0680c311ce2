// Content keys wrapped to one device: ECDH-ES on P-256, HKDF-SHA256 bound to
// the licence and device, AES-256 key wrap (RFC 3394). See key_wrap.h.

#include "hondana/drm/key_wrap.h"

#include <algorithm>

#include "openssl_handles.h"

namespace hondana::drm {

using detail::crypto_failure;

namespace {

constexpr std::string_view wrap_salt = "hondana-keywrap-v1";
constexpr size_t point_size = 65;

void append_field(Bytes& out, ByteView field)
{
    uint32_t length = static_cast<uint32_t>(field.size());
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<uint8_t>(length >> shift));
    out.insert(out.end(), field.begin(), field.end());
}

Bytes wrap_info(ByteView ephemeral_point, ByteView device_point, const KeyWrapContext& context)
{
    Bytes info;
    append_field(info, ephemeral_point);
    append_field(info, device_point);
    append_field(info, as_bytes(context.licence_id));
    append_field(info, as_bytes(context.device_id));
    return info;
}

// ECDH on P-256: the x-coordinate of the shared point (32 bytes).
Result<SecretBytes> ecdh(const PrivateKey& own, const PublicKey& peer)
{
    detail::PkeyCtx ctx { EVP_PKEY_CTX_new_from_pkey(nullptr, own.native(), nullptr) };
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1)
        return crypto_failure("ECDH init");
    if (EVP_PKEY_derive_set_peer_ex(ctx.get(), peer.native(), 1) != 1) {
        ERR_clear_error();
        return fail(ErrorKind::KeyUnwrapFailed, "ECDH peer key is not usable");
    }
    size_t length = 0;
    if (EVP_PKEY_derive(ctx.get(), nullptr, &length) != 1 || length != 32)
        return crypto_failure("ECDH size");
    SecretBytes shared(length);
    if (EVP_PKEY_derive(ctx.get(), shared.data(), &length) != 1 || length != shared.size())
        return crypto_failure("ECDH derive");
    return shared;
}

Result<SecretBytes> derive_kek(const SecretBytes& shared, ByteView ephemeral_point, ByteView device_point,
    const KeyWrapContext& context)
{
    Bytes info = wrap_info(ephemeral_point, device_point, context);
    return hkdf_sha256(shared.view(), as_bytes(wrap_salt), info, 32);
}

Result<void> check_context(const KeyWrapContext& context)
{
    if (context.licence_id.empty() || context.device_id.empty())
        return fail(ErrorKind::InvalidArgument, "key wrapping needs a licence id and a device id");
    return {};
}

}

Result<Bytes> wrap_content_key(ByteView content_key, const PublicKey& device_key, const KeyWrapContext& context)
{
    if (content_key.size() != content_key_size)
        return fail(ErrorKind::InvalidArgument, "content keys are 32 bytes");
    if (device_key.type() != KeyType::EcP256)
        return fail(ErrorKind::InvalidArgument, "content keys are wrapped to P-256 device keys");
    TRY(check_context(context));
    PrivateKey ephemeral = TRY(PrivateKey::generate_p256());
    Bytes ephemeral_point = TRY(ephemeral.public_key().p256_point());
    Bytes device_point = TRY(device_key.p256_point());
    SecretBytes shared = TRY(ecdh(ephemeral, device_key));
    SecretBytes kek = TRY(derive_kek(shared, ephemeral_point, device_point, context));
    Bytes wrapped = TRY(aes_key_wrap(kek.view(), content_key));
    Bytes out = std::move(ephemeral_point);
    out.insert(out.end(), wrapped.begin(), wrapped.end());
    return out;
}

Result<SecretBytes> unwrap_content_key(ByteView wrapped, const PrivateKey& device_key, const KeyWrapContext& context)
{
    if (device_key.type() != KeyType::EcP256)
        return fail(ErrorKind::InvalidArgument, "content keys are unwrapped with a P-256 device key");
    TRY(check_context(context));
    if (wrapped.size() != wrapped_content_key_size)
        return fail(ErrorKind::KeyUnwrapFailed,
            "wrapped content key must be " + std::to_string(wrapped_content_key_size) + " bytes");
    ByteView ephemeral_point = wrapped.first(point_size);
    auto ephemeral = PublicKey::from_p256_point(ephemeral_point);
    if (!ephemeral)
        return fail(ErrorKind::KeyUnwrapFailed, "wrapped content key holds an invalid ephemeral point");
    Bytes device_point = TRY(device_key.public_key().p256_point());
    SecretBytes shared = TRY(ecdh(device_key, *ephemeral));
    SecretBytes kek = TRY(derive_kek(shared, ephemeral_point, device_point, context));
    SecretBytes key = TRY(aes_key_unwrap(kek.view(), wrapped.subspan(point_size)));
    if (key.size() != content_key_size)
        return fail(ErrorKind::KeyUnwrapFailed, "unwrapped content key has the wrong size");
    return key;
}

}
