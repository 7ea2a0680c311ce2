#pragma once

// Content keys wrapped to one device (the Hondana device profile):
// ephemeral ECDH on P-256 with the device's public key, HKDF-SHA256 whose
// info binds the licence id and device id, then AES-256 key wrap (RFC 3394).
// The wrapped form is the ephemeral public point (65 bytes, uncompressed)
// followed by the RFC 3394 output (40 bytes for a 32-byte key).
//
//   salt = "hondana-keywrap-v1"
//   info = u32be(len(epk)) || epk || u32be(len(device_pub)) || device_pub
//          || u32be(len(licence_id)) || licence_id || u32be(len(device_id)) || device_id
//   kek  = HKDF-SHA256(ikm = ECDH(x-coordinate), salt, info, 32)

#include <string_view>

#include "hondana/drm/crypto.h"
#include "hondana/drm/keys.h"

namespace hondana::drm {

struct KeyWrapContext {
    std::string_view licence_id;
    std::string_view device_id;
};

inline constexpr size_t content_key_size = 32;
inline constexpr size_t wrapped_content_key_size = 65 + 40;

[[nodiscard]] Result<Bytes> wrap_content_key(
    ByteView content_key, const PublicKey& device_key, const KeyWrapContext& context);

// KeyUnwrapFailed for another device's key, another context or altered bytes.
[[nodiscard]] Result<SecretBytes> unwrap_content_key(
    ByteView wrapped, const PrivateKey& device_key, const KeyWrapContext& context);

}
