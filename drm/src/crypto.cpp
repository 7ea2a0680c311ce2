#include "hondana/drm/crypto.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "hondana/base/text.h"
#include "openssl_handles.h"

namespace hondana::drm {

using detail::crypto_failure;

// --- SecretBytes ---

SecretBytes::SecretBytes(size_t size)
    : m_bytes(size, 0)
{
}

SecretBytes::SecretBytes(ByteView bytes)
    : m_bytes(bytes.begin(), bytes.end())
{
}

SecretBytes::~SecretBytes() { wipe(); }

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : m_bytes(std::move(other.m_bytes))
{
    other.m_bytes.clear();
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept
{
    if (this != &other) {
        wipe();
        m_bytes = std::move(other.m_bytes);
        other.m_bytes.clear();
    }
    return *this;
}

void SecretBytes::wipe()
{
    if (!m_bytes.empty())
        OPENSSL_cleanse(m_bytes.data(), m_bytes.size());
    m_bytes.clear();
}

// --- randomness and comparison ---

Result<void> random_bytes(std::span<uint8_t> out)
{
    size_t done = 0;
    while (done < out.size()) {
        size_t chunk = std::min<size_t>(out.size() - done, std::numeric_limits<int>::max());
        if (RAND_bytes(out.data() + done, static_cast<int>(chunk)) != 1)
            return crypto_failure("RAND_bytes");
        done += chunk;
    }
    return {};
}

Result<SecretBytes> random_secret(size_t size)
{
    SecretBytes secret(size);
    TRY(random_bytes(secret.span()));
    return secret;
}

Result<std::string> random_hex(size_t bytes)
{
    Bytes buffer(bytes);
    TRY(random_bytes(buffer));
    return hex_encode(buffer);
}

bool constant_time_equal(ByteView a, ByteView b)
{
    if (a.size() != b.size())
        return false;
    if (a.empty())
        return true;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// --- encodings ---

namespace {

constexpr char base64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char base64url_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string encode_base64(ByteView bytes, const char* alphabet, bool pad)
{
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        uint32_t v = (uint32_t(bytes[i]) << 16) | (uint32_t(bytes[i + 1]) << 8) | bytes[i + 2];
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += alphabet[v & 63];
    }
    size_t rest = bytes.size() - i;
    if (rest == 1) {
        uint32_t v = uint32_t(bytes[i]) << 16;
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        if (pad)
            out += "==";
    } else if (rest == 2) {
        uint32_t v = (uint32_t(bytes[i]) << 16) | (uint32_t(bytes[i + 1]) << 8);
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        if (pad)
            out += '=';
    }
    return out;
}

int base64_value(char c, bool url)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == (url ? '-' : '+'))
        return 62;
    if (c == (url ? '_' : '/'))
        return 63;
    return -1;
}

Result<Bytes> decode_base64(std::string_view text, bool url)
{
    size_t length = text.size();
    size_t padding = 0;
    if (!url) {
        if (length % 4 != 0)
            return fail(ErrorKind::InvalidValue, "base64 text length is not a multiple of 4");
        while (padding < 2 && length > 0 && text[length - 1] == '=') {
            --length;
            ++padding;
        }
    } else if (length % 4 == 1) {
        return fail(ErrorKind::InvalidValue, "base64url text has an impossible length");
    }
    Bytes out;
    out.reserve(length * 3 / 4);
    uint32_t accumulator = 0;
    int bits = 0;
    for (size_t i = 0; i < length; ++i) {
        int v = base64_value(text[i], url);
        if (v < 0)
            return fail(ErrorKind::InvalidValue, "base64 text has a character outside its alphabet");
        accumulator = (accumulator << 6) | uint32_t(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(uint8_t((accumulator >> bits) & 0xff));
        }
    }
    // Leftover bits must be zero, or two encodings would decode alike.
    if (bits > 0 && (accumulator & ((1u << bits) - 1)) != 0)
        return fail(ErrorKind::InvalidValue, "base64 text has non-zero trailing bits");
    return out;
}

}

std::string base64_encode(ByteView bytes) { return encode_base64(bytes, base64_alphabet, true); }
Result<Bytes> base64_decode(std::string_view text) { return decode_base64(text, false); }
std::string base64url_encode(ByteView bytes) { return encode_base64(bytes, base64url_alphabet, false); }
Result<Bytes> base64url_decode(std::string_view text) { return decode_base64(text, true); }

std::string hex_encode(ByteView bytes)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (uint8_t b : bytes) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

Result<Bytes> hex_decode(std::string_view text)
{
    if (text.size() % 2 != 0)
        return fail(ErrorKind::InvalidValue, "hex text has an odd length");
    Bytes out(text.size() / 2);
    for (size_t i = 0; i < out.size(); ++i) {
        int hi = base::hex_digit(text[2 * i]);
        int lo = base::hex_digit(text[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return fail(ErrorKind::InvalidValue, "hex text has a non-hex character");
        out[i] = uint8_t((hi << 4) | lo);
    }
    return out;
}

// --- hashing ---

Sha256Digest sha256(ByteView bytes)
{
    Sha256 hasher;
    hasher.update(bytes);
    return hasher.finish();
}

struct Sha256::Impl {
    detail::MdCtx ctx { EVP_MD_CTX_new() };
};

Sha256::Sha256()
    : m_impl(std::make_unique<Impl>())
{
    // Allocation failure or a missing SHA-256 leaves no sane way on; OpenSSL
    // is built with SHA-256 in every configuration we support.
    if (!m_impl->ctx || EVP_DigestInit_ex(m_impl->ctx.get(), EVP_sha256(), nullptr) != 1)
        std::abort();
}

Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(ByteView bytes)
{
    if (!bytes.empty() && EVP_DigestUpdate(m_impl->ctx.get(), bytes.data(), bytes.size()) != 1)
        std::abort();
}

Sha256Digest Sha256::finish()
{
    Sha256Digest digest {};
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(m_impl->ctx.get(), digest.data(), &length) != 1 || length != digest.size())
        std::abort();
    return digest;
}

Result<Bytes> hmac(HmacHash hash, ByteView key, ByteView message)
{
    const char* digest = hash == HmacHash::Sha1 ? "SHA1" : hash == HmacHash::Sha256 ? "SHA256" : "SHA512";
    detail::Mac mac { EVP_MAC_fetch(nullptr, "HMAC", nullptr) };
    if (!mac)
        return crypto_failure("EVP_MAC_fetch(HMAC)");
    detail::MacCtx ctx { EVP_MAC_CTX_new(mac.get()) };
    if (!ctx)
        return crypto_failure("EVP_MAC_CTX_new");
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),
        OSSL_PARAM_construct_end(),
    };
    static const uint8_t empty_key = 0;
    if (EVP_MAC_init(ctx.get(), key.empty() ? &empty_key : key.data(), key.size(), params) != 1)
        return crypto_failure("EVP_MAC_init");
    if (!message.empty() && EVP_MAC_update(ctx.get(), message.data(), message.size()) != 1)
        return crypto_failure("EVP_MAC_update");
    Bytes out(EVP_MAX_MD_SIZE);
    size_t length = 0;
    if (EVP_MAC_final(ctx.get(), out.data(), &length, out.size()) != 1)
        return crypto_failure("EVP_MAC_final");
    out.resize(length);
    return out;
}

// --- key derivation ---

Result<SecretBytes> hkdf_sha256(ByteView ikm, ByteView salt, ByteView info, size_t length)
{
    if (length == 0 || length > 255 * 32)
        return fail(ErrorKind::InvalidArgument, "HKDF-SHA256 output length must be 1..8160 bytes");
    detail::Kdf kdf { EVP_KDF_fetch(nullptr, "HKDF", nullptr) };
    if (!kdf)
        return crypto_failure("EVP_KDF_fetch(HKDF)");
    detail::KdfCtx ctx { EVP_KDF_CTX_new(kdf.get()) };
    if (!ctx)
        return crypto_failure("EVP_KDF_CTX_new");
    static uint8_t empty = 0;
    auto octets = [](ByteView v) { return v.empty() ? &empty : const_cast<uint8_t*>(v.data()); };
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>("SHA256"), 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, octets(ikm), ikm.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, octets(salt), salt.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, octets(info), info.size()),
        OSSL_PARAM_construct_end(),
    };
    SecretBytes out(length);
    if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1)
        return crypto_failure("HKDF-SHA256 derive");
    return out;
}

Result<SecretBytes> pbkdf2_sha256(std::string_view password, ByteView salt, uint32_t iterations, size_t length)
{
    if (iterations == 0 || iterations > static_cast<uint32_t>(std::numeric_limits<int>::max()))
        return fail(ErrorKind::InvalidArgument, "PBKDF2 iteration count out of range");
    if (length == 0 || length > 1024)
        return fail(ErrorKind::InvalidArgument, "PBKDF2 output length must be 1..1024 bytes");
    SecretBytes out(length);
    static const uint8_t empty = 0;
    if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.empty() ? &empty : salt.data(),
            static_cast<int>(salt.size()), static_cast<int>(iterations), EVP_sha256(), static_cast<int>(length),
            out.data())
        != 1)
        return crypto_failure("PBKDF2-HMAC-SHA256");
    return out;
}

// --- AES key wrap ---

namespace {

const EVP_CIPHER* wrap_cipher(size_t kek_size, bool pad)
{
    switch (kek_size) {
    case 16: return pad ? EVP_aes_128_wrap_pad() : EVP_aes_128_wrap();
    case 24: return pad ? EVP_aes_192_wrap_pad() : EVP_aes_192_wrap();
    case 32: return pad ? EVP_aes_256_wrap_pad() : EVP_aes_256_wrap();
    default: return nullptr;
    }
}

Result<Bytes> run_wrap(ByteView kek, ByteView input, bool pad, bool encrypt)
{
    const EVP_CIPHER* cipher = wrap_cipher(kek.size(), pad);
    if (!cipher)
        return fail(ErrorKind::InvalidArgument, "key-encryption key must be 16, 24 or 32 bytes");
    if (encrypt) {
        if (pad ? input.empty() : (input.size() < 16 || input.size() % 8 != 0))
            return fail(ErrorKind::InvalidArgument,
                pad ? "nothing to wrap" : "RFC 3394 wraps keys of at least 16 bytes, a multiple of 8");
    } else if (input.size() < 16 || input.size() % 8 != 0) {
        return fail(ErrorKind::KeyUnwrapFailed, "wrapped key has an impossible length");
    }
    if (input.size() > 1024 * 1024)
        return fail(ErrorKind::InvalidArgument, "key to wrap is implausibly large");
    detail::CipherCtx ctx { EVP_CIPHER_CTX_new() };
    if (!ctx)
        return crypto_failure("EVP_CIPHER_CTX_new");
    EVP_CIPHER_CTX_set_flags(ctx.get(), EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
    if (EVP_CipherInit_ex(ctx.get(), cipher, nullptr, kek.data(), nullptr, encrypt ? 1 : 0) != 1)
        return crypto_failure("AES key wrap init");
    Bytes out(input.size() + 16);
    int length = 0;
    if (EVP_CipherUpdate(ctx.get(), out.data(), &length, input.data(), static_cast<int>(input.size())) != 1
        || length < 0) {
        if (!encrypt) {
            ERR_clear_error();
            return fail(ErrorKind::KeyUnwrapFailed, "key unwrap failed: wrong key or altered wrapped key");
        }
        return crypto_failure("AES key wrap");
    }
    int final_length = 0;
    if (EVP_CipherFinal_ex(ctx.get(), out.data() + length, &final_length) != 1) {
        if (!encrypt) {
            ERR_clear_error();
            return fail(ErrorKind::KeyUnwrapFailed, "key unwrap failed: wrong key or altered wrapped key");
        }
        return crypto_failure("AES key wrap final");
    }
    out.resize(static_cast<size_t>(length + final_length));
    return out;
}

SecretBytes into_secret(Bytes&& bytes)
{
    SecretBytes secret(bytes);
    OPENSSL_cleanse(bytes.data(), bytes.size());
    return secret;
}

}

Result<Bytes> aes_key_wrap(ByteView kek, ByteView key) { return run_wrap(kek, key, false, true); }

Result<SecretBytes> aes_key_unwrap(ByteView kek, ByteView wrapped)
{
    return into_secret(TRY(run_wrap(kek, wrapped, false, false)));
}

Result<Bytes> aes_key_wrap_pad(ByteView kek, ByteView key) { return run_wrap(kek, key, true, true); }

Result<SecretBytes> aes_key_unwrap_pad(ByteView kek, ByteView wrapped)
{
    return into_secret(TRY(run_wrap(kek, wrapped, true, false)));
}

// --- AES-256-GCM, one shot ---

namespace {
constexpr size_t gcm_nonce_size = 12;
constexpr size_t gcm_tag_size = 16;
}

Result<Bytes> aes256_gcm_seal(ByteView key, ByteView plaintext, ByteView aad)
{
    if (key.size() != 32)
        return fail(ErrorKind::InvalidArgument, "AES-256-GCM needs a 32-byte key");
    if (plaintext.size() > static_cast<size_t>(std::numeric_limits<int>::max()) - 64)
        return fail(ErrorKind::InvalidArgument, "plaintext too large for one-shot AES-GCM");
    Bytes out(gcm_nonce_size + plaintext.size() + gcm_tag_size);
    TRY(random_bytes({ out.data(), gcm_nonce_size }));
    detail::CipherCtx ctx { EVP_CIPHER_CTX_new() };
    int length = 0;
    if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), out.data()) != 1)
        return crypto_failure("AES-256-GCM init");
    if (!aad.empty() && EVP_EncryptUpdate(ctx.get(), nullptr, &length, aad.data(), static_cast<int>(aad.size())) != 1)
        return crypto_failure("AES-256-GCM aad");
    if (!plaintext.empty()
        && EVP_EncryptUpdate(ctx.get(), out.data() + gcm_nonce_size, &length, plaintext.data(),
               static_cast<int>(plaintext.size()))
            != 1)
        return crypto_failure("AES-256-GCM encrypt");
    if (EVP_EncryptFinal_ex(ctx.get(), out.data() + gcm_nonce_size + plaintext.size(), &length) != 1)
        return crypto_failure("AES-256-GCM final");
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, gcm_tag_size,
            out.data() + gcm_nonce_size + plaintext.size())
        != 1)
        return crypto_failure("AES-256-GCM tag");
    return out;
}

Result<SecretBytes> aes256_gcm_open(ByteView key, ByteView sealed, ByteView aad)
{
    if (key.size() != 32)
        return fail(ErrorKind::InvalidArgument, "AES-256-GCM needs a 32-byte key");
    if (sealed.size() < gcm_nonce_size + gcm_tag_size)
        return fail(ErrorKind::ContentTampered, "sealed data is too short to be AES-256-GCM output");
    size_t body = sealed.size() - gcm_nonce_size - gcm_tag_size;
    if (body > static_cast<size_t>(std::numeric_limits<int>::max()) - 64)
        return fail(ErrorKind::InvalidArgument, "sealed data too large for one-shot AES-GCM");
    detail::CipherCtx ctx { EVP_CIPHER_CTX_new() };
    int length = 0;
    if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), sealed.data()) != 1)
        return crypto_failure("AES-256-GCM init");
    if (!aad.empty() && EVP_DecryptUpdate(ctx.get(), nullptr, &length, aad.data(), static_cast<int>(aad.size())) != 1)
        return crypto_failure("AES-256-GCM aad");
    SecretBytes out(body);
    if (body > 0
        && EVP_DecryptUpdate(ctx.get(), out.data(), &length, sealed.data() + gcm_nonce_size, static_cast<int>(body))
            != 1)
        return crypto_failure("AES-256-GCM decrypt");
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, gcm_tag_size,
            const_cast<uint8_t*>(sealed.data() + gcm_nonce_size + body))
        != 1)
        return crypto_failure("AES-256-GCM set tag");
    int final_length = 0;
    if (EVP_DecryptFinal_ex(ctx.get(), out.data() + body, &final_length) != 1) {
        ERR_clear_error();
        return fail(ErrorKind::ContentTampered, "AES-256-GCM authentication failed: data altered or wrong key");
    }
    return out;
}

}
