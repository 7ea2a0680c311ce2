#pragma once

// Byte buffers, encodings and the symmetric primitives Hondana uses, all
// through OpenSSL 3 EVP (CRYPTREC-listed algorithms only: SHA-256, HMAC,
// HKDF, PBKDF2, AES-GCM, AES key wrap). Nothing here logs key material.

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hondana/drm/error.h"

namespace hondana::drm {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;
using Sha256Digest = std::array<uint8_t, 32>;

inline ByteView as_bytes(std::string_view text)
{
    return { reinterpret_cast<const uint8_t*>(text.data()), text.size() };
}

// Key material: move-only, wiped (OPENSSL_cleanse) when destroyed or reassigned.
class SecretBytes {
public:
    SecretBytes() = default;
    explicit SecretBytes(size_t size);
    explicit SecretBytes(ByteView bytes);
    ~SecretBytes();
    SecretBytes(SecretBytes&& other) noexcept;
    SecretBytes& operator=(SecretBytes&& other) noexcept;
    SecretBytes(const SecretBytes&) = delete;
    SecretBytes& operator=(const SecretBytes&) = delete;

    [[nodiscard]] uint8_t* data() { return m_bytes.data(); }
    [[nodiscard]] const uint8_t* data() const { return m_bytes.data(); }
    [[nodiscard]] size_t size() const { return m_bytes.size(); }
    [[nodiscard]] bool empty() const { return m_bytes.empty(); }
    [[nodiscard]] ByteView view() const { return { m_bytes.data(), m_bytes.size() }; }
    [[nodiscard]] std::span<uint8_t> span() { return { m_bytes.data(), m_bytes.size() }; }
    // An explicit copy, for the rare place that must keep two.
    [[nodiscard]] SecretBytes clone() const { return SecretBytes(view()); }

private:
    void wipe();
    std::vector<uint8_t> m_bytes;
};

// Fills `out` from the OpenSSL DRBG. Fails only if the DRBG cannot be seeded.
[[nodiscard]] Result<void> random_bytes(std::span<uint8_t> out);
[[nodiscard]] Result<SecretBytes> random_secret(size_t size);
// A random identifier: `bytes` random bytes as lower-case hex.
[[nodiscard]] Result<std::string> random_hex(size_t bytes);

// Constant-time comparison (CRYPTO_memcmp); different lengths compare unequal.
[[nodiscard]] bool constant_time_equal(ByteView a, ByteView b);

[[nodiscard]] std::string base64_encode(ByteView bytes);
// Standard alphabet with padding; whitespace is not accepted.
[[nodiscard]] Result<Bytes> base64_decode(std::string_view text);
[[nodiscard]] std::string base64url_encode(ByteView bytes); // no padding
[[nodiscard]] Result<Bytes> base64url_decode(std::string_view text);
[[nodiscard]] std::string hex_encode(ByteView bytes);
[[nodiscard]] Result<Bytes> hex_decode(std::string_view text);

[[nodiscard]] Sha256Digest sha256(ByteView bytes);

// Incremental SHA-256 (for hashing files and downloads as they stream).
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(Sha256&&) noexcept;
    Sha256& operator=(Sha256&&) noexcept;
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    void update(ByteView bytes);
    [[nodiscard]] Sha256Digest finish();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

enum class HmacHash { Sha1, Sha256, Sha512 };
// HMAC (RFC 2104). Sha1 exists only for RFC 6238 test vectors and legacy TOTP apps.
[[nodiscard]] Result<Bytes> hmac(HmacHash hash, ByteView key, ByteView message);

// HKDF-SHA256 (RFC 5869), extract-then-expand.
[[nodiscard]] Result<SecretBytes> hkdf_sha256(ByteView ikm, ByteView salt, ByteView info, size_t length);

// PBKDF2-HMAC-SHA256 (RFC 8018).
[[nodiscard]] Result<SecretBytes> pbkdf2_sha256(
    std::string_view password, ByteView salt, uint32_t iterations, size_t length);

// AES key wrap, RFC 3394 (input a multiple of 8 bytes, at least 16), with a
// 128-, 192- or 256-bit key-encryption key. Unwrap fails with KeyUnwrapFailed
// when the integrity check does not hold.
[[nodiscard]] Result<Bytes> aes_key_wrap(ByteView kek, ByteView key);
[[nodiscard]] Result<SecretBytes> aes_key_unwrap(ByteView kek, ByteView wrapped);
// RFC 5649 (any length from 1 byte).
[[nodiscard]] Result<Bytes> aes_key_wrap_pad(ByteView kek, ByteView key);
[[nodiscard]] Result<SecretBytes> aes_key_unwrap_pad(ByteView kek, ByteView wrapped);

// One-shot AES-256-GCM with a random 12-byte nonce: output is
// nonce || ciphertext || 16-byte tag. `aad` is authenticated, not encrypted.
// Open fails with ContentTampered on any change.
[[nodiscard]] Result<Bytes> aes256_gcm_seal(ByteView key, ByteView plaintext, ByteView aad);
[[nodiscard]] Result<SecretBytes> aes256_gcm_open(ByteView key, ByteView sealed, ByteView aad);

}
