#include "hondana/drm/keys.h"

#include <cstdlib>
#include <cstring>
#include <limits>

#include <openssl/core_names.h>
#include <openssl/pem.h>

#include "pki_handles.h"

namespace hondana::drm {

using detail::crypto_failure;

namespace {

constexpr size_t p256_point_size = 65;
// RSA keys below this are refused for verification; above the upper bound a
// hostile certificate could make one verification cost seconds.
constexpr int min_rsa_bits = 2048;
constexpr int max_rsa_bits = 8192;

std::shared_ptr<EVP_PKEY> share_pkey(EVP_PKEY* key) { return { key, EVP_PKEY_free }; }

KeyType key_type_of(EVP_PKEY* key)
{
    if (!key)
        return KeyType::Other;
    if (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA)
        return KeyType::Rsa;
    if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC)
        return KeyType::Other;
    char group[64] = {};
    size_t length = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &length) != 1) {
        ERR_clear_error();
        return KeyType::Other;
    }
    std::string_view name(group, length);
    if (name == "prime256v1" || name == "P-256")
        return KeyType::EcP256;
    if (name == "secp384r1" || name == "P-384")
        return KeyType::EcP384;
    return KeyType::Other;
}

// Bytes of one coordinate / scalar of an EC key: 32 for P-256, 48 for P-384.
size_t ec_field_size(KeyType type) { return type == KeyType::EcP384 ? 48 : 32; }

Bytes public_der(EVP_PKEY* key)
{
    int length = i2d_PUBKEY(key, nullptr);
    if (length <= 0)
        std::abort(); // a key we hold always encodes; only allocation can fail here
    Bytes der(static_cast<size_t>(length));
    uint8_t* cursor = der.data();
    if (i2d_PUBKEY(key, &cursor) != length)
        std::abort();
    return der;
}

Result<EVP_PKEY*> decode_spki(ByteView der)
{
    if (der.empty() || der.size() > static_cast<size_t>(std::numeric_limits<long>::max()))
        return fail(ErrorKind::InvalidValue, "public key DER is empty");
    const uint8_t* cursor = der.data();
    EVP_PKEY* key = d2i_PUBKEY(nullptr, &cursor, static_cast<long>(der.size()));
    if (!key) {
        ERR_clear_error();
        return fail(ErrorKind::InvalidValue, "public key is not a DER SubjectPublicKeyInfo");
    }
    if (cursor != der.data() + der.size()) {
        EVP_PKEY_free(key);
        return fail(ErrorKind::InvalidValue, "public key DER has trailing bytes");
    }
    return key;
}

// A PEM passphrase callback that never prompts on a terminal.
int pem_passphrase(char* buffer, int size, int, void* user)
{
    auto* passphrase = static_cast<const std::string_view*>(user);
    if (!passphrase || passphrase->empty() || passphrase->size() > static_cast<size_t>(size))
        return 0;
    std::memcpy(buffer, passphrase->data(), passphrase->size());
    return static_cast<int>(passphrase->size());
}

Result<SecretBytes> secret_from_bio(BIO* bio)
{
    char* data = nullptr;
    long size = BIO_get_mem_data(bio, &data);
    if (size <= 0)
        return crypto_failure("private key encoding");
    return SecretBytes(ByteView(reinterpret_cast<const uint8_t*>(data), static_cast<size_t>(size)));
}

}

// --- PublicKey ---

PublicKey::PublicKey(evp_pkey_st* key)
    : m_key(share_pkey(key))
{
}

Result<PublicKey> PublicKey::from_spki_der(ByteView der) { return PublicKey(TRY(decode_spki(der))); }

Result<PublicKey> PublicKey::from_pem(std::string_view pem)
{
    auto bio = detail::memory_bio(pem.data(), pem.size());
    if (!bio)
        return crypto_failure("BIO_new_mem_buf");
    EVP_PKEY* key = PEM_read_bio_PUBKEY(bio.get(), nullptr, pem_passphrase, nullptr);
    if (!key) {
        ERR_clear_error();
        return fail(ErrorKind::InvalidValue, "text is not a PEM public key");
    }
    return PublicKey(key);
}

Result<PublicKey> PublicKey::from_p256_point(ByteView point)
{
    if (point.size() != p256_point_size || point[0] != 0x04)
        return fail(ErrorKind::InvalidValue, "a P-256 point must be 65 bytes, uncompressed (0x04 || X || Y)");
    detail::PkeyCtx ctx { EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr) };
    if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1)
        return crypto_failure("EVP_PKEY_fromdata_init(EC)");
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>("prime256v1"), 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, const_cast<uint8_t*>(point.data()), point.size()),
        OSSL_PARAM_construct_end(),
    };
    EVP_PKEY* raw = nullptr;
    if (EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params) != 1 || !raw) {
        ERR_clear_error();
        return fail(ErrorKind::InvalidValue, "bytes are not a point on P-256");
    }
    PublicKey key(raw);
    detail::PkeyCtx check { EVP_PKEY_CTX_new_from_pkey(nullptr, raw, nullptr) };
    if (!check || EVP_PKEY_public_check(check.get()) != 1) {
        ERR_clear_error();
        return fail(ErrorKind::InvalidValue, "bytes are not a valid P-256 public key");
    }
    return key;
}

KeyType PublicKey::type() const { return key_type_of(m_key.get()); }

Bytes PublicKey::spki_der() const { return public_der(m_key.get()); }

std::string PublicKey::pem() const
{
    detail::Bio bio { BIO_new(BIO_s_mem()) };
    if (!bio || PEM_write_bio_PUBKEY(bio.get(), m_key.get()) != 1)
        std::abort(); // only allocation can fail for a key we hold
    return detail::bio_text(bio.get());
}

Result<Bytes> PublicKey::p256_point() const
{
    if (type() != KeyType::EcP256)
        return fail(ErrorKind::InvalidArgument, "key is not a P-256 key");
    // From the coordinates, so a key that arrived in compressed form gives
    // the uncompressed point too.
    BIGNUM* x = nullptr;
    BIGNUM* y = nullptr;
    bool got = EVP_PKEY_get_bn_param(m_key.get(), OSSL_PKEY_PARAM_EC_PUB_X, &x) == 1
        && EVP_PKEY_get_bn_param(m_key.get(), OSSL_PKEY_PARAM_EC_PUB_Y, &y) == 1;
    detail::Bignum x_owner { x };
    detail::Bignum y_owner { y };
    Bytes point(p256_point_size);
    point[0] = 0x04;
    if (!got || BN_bn2binpad(x, point.data() + 1, 32) != 32 || BN_bn2binpad(y, point.data() + 33, 32) != 32)
        return crypto_failure("reading the P-256 public point");
    return point;
}

std::string PublicKey::spki_sha256_pin() const { return base64_encode(sha256(spki_der())); }

// --- PrivateKey ---

PrivateKey::PrivateKey(evp_pkey_st* key)
    : m_key(share_pkey(key))
{
}

Result<PrivateKey> PrivateKey::generate_p256()
{
    EVP_PKEY* key = EVP_EC_gen("P-256");
    if (!key)
        return crypto_failure("P-256 key generation");
    return PrivateKey(key);
}

Result<PrivateKey> PrivateKey::from_pem(std::string_view pem, std::string_view passphrase)
{
    auto bio = detail::memory_bio(pem.data(), pem.size());
    if (!bio)
        return crypto_failure("BIO_new_mem_buf");
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, pem_passphrase, &passphrase);
    if (!key) {
        ERR_clear_error();
        return fail(ErrorKind::InvalidValue, "text is not a PEM private key (or the passphrase is wrong)");
    }
    return PrivateKey(key);
}

Result<PrivateKey> PrivateKey::from_pkcs8_der(ByteView der)
{
    if (der.empty() || der.size() > static_cast<size_t>(std::numeric_limits<long>::max()))
        return fail(ErrorKind::InvalidValue, "private key DER is empty");
    const uint8_t* cursor = der.data();
    detail::Pkcs8Info info { d2i_PKCS8_PRIV_KEY_INFO(nullptr, &cursor, static_cast<long>(der.size())) };
    if (!info || cursor != der.data() + der.size()) {
        ERR_clear_error();
        return fail(ErrorKind::InvalidValue, "private key is not an unencrypted PKCS#8 DER structure");
    }
    EVP_PKEY* key = EVP_PKCS82PKEY(info.get());
    if (!key) {
        ERR_clear_error();
        return fail(ErrorKind::InvalidValue, "PKCS#8 structure holds no usable private key");
    }
    return PrivateKey(key);
}

KeyType PrivateKey::type() const { return key_type_of(m_key.get()); }

PublicKey PrivateKey::public_key() const
{
    // Re-decoded from the SPKI, so the public handle carries no private part.
    Bytes der = public_der(m_key.get());
    auto key = decode_spki(der);
    if (!key)
        std::abort(); // our own encoding of a valid key always decodes
    return PublicKey(*key);
}

Result<SecretBytes> PrivateKey::pkcs8_pem() const
{
    detail::Bio bio { BIO_new(BIO_s_secmem()) };
    if (!bio || PEM_write_bio_PKCS8PrivateKey(bio.get(), m_key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return crypto_failure("PKCS#8 PEM encoding");
    return secret_from_bio(bio.get());
}

Result<SecretBytes> PrivateKey::pkcs8_der() const
{
    detail::Bio bio { BIO_new(BIO_s_secmem()) };
    if (!bio || i2d_PKCS8PrivateKey_bio(bio.get(), m_key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return crypto_failure("PKCS#8 DER encoding");
    return secret_from_bio(bio.get());
}

// --- signatures ---

Result<Bytes> sign_ecdsa_sha256(const PrivateKey& key, ByteView message)
{
    KeyType type = key.type();
    if (type != KeyType::EcP256 && type != KeyType::EcP384)
        return fail(ErrorKind::InvalidArgument, "ECDSA signing needs a P-256 or P-384 key");
    detail::MdCtx ctx { EVP_MD_CTX_new() };
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.native()) != 1)
        return crypto_failure("ECDSA sign init");
    size_t der_size = 0;
    if (EVP_DigestSign(ctx.get(), nullptr, &der_size, message.data(), message.size()) != 1)
        return crypto_failure("ECDSA sign (size)");
    Bytes der(der_size);
    if (EVP_DigestSign(ctx.get(), der.data(), &der_size, message.data(), message.size()) != 1)
        return crypto_failure("ECDSA sign");
    const uint8_t* cursor = der.data();
    detail::EcdsaSig sig { d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der_size)) };
    if (!sig)
        return crypto_failure("decoding the ECDSA signature");
    size_t half = ec_field_size(type);
    Bytes raw(2 * half);
    if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), raw.data(), static_cast<int>(half)) < 0
        || BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), raw.data() + half, static_cast<int>(half)) < 0)
        return crypto_failure("encoding r || s");
    return raw;
}

namespace {

// r || s (XML-DSig form) to the DER form EVP verifies.
Result<Bytes> ecdsa_raw_to_der(ByteView raw, size_t half)
{
    if (raw.size() != 2 * half)
        return fail(ErrorKind::SignatureInvalid,
            "ECDSA signature must be " + std::to_string(2 * half) + " bytes (r || s), got "
                + std::to_string(raw.size()));
    detail::EcdsaSig sig { ECDSA_SIG_new() };
    detail::Bignum r { BN_bin2bn(raw.data(), static_cast<int>(half), nullptr) };
    detail::Bignum s { BN_bin2bn(raw.data() + half, static_cast<int>(half), nullptr) };
    if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1)
        return crypto_failure("building the ECDSA signature");
    (void)r.release(); // owned by sig now
    (void)s.release();
    int length = i2d_ECDSA_SIG(sig.get(), nullptr);
    if (length <= 0)
        return crypto_failure("encoding the ECDSA signature");
    Bytes der(static_cast<size_t>(length));
    uint8_t* cursor = der.data();
    i2d_ECDSA_SIG(sig.get(), &cursor);
    return der;
}

Result<void> digest_verify(EVP_PKEY* key, ByteView message, ByteView signature)
{
    detail::MdCtx ctx { EVP_MD_CTX_new() };
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1)
        return crypto_failure("signature verify init");
    int verdict = EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(), message.size());
    if (verdict != 1) {
        ERR_clear_error();
        return fail(ErrorKind::SignatureInvalid, "signature does not match the signed bytes");
    }
    return {};
}

}

Result<void> verify_signature(
    const PublicKey& key, SignatureAlgorithm algorithm, ByteView message, ByteView signature)
{
    KeyType type = key.type();
    switch (algorithm) {
    case SignatureAlgorithm::EcdsaSha256: {
        if (type != KeyType::EcP256 && type != KeyType::EcP384)
            return fail(ErrorKind::UnsupportedAlgorithm, "ECDSA-SHA256 signature but the key is not P-256 or P-384");
        Bytes der = TRY(ecdsa_raw_to_der(signature, ec_field_size(type)));
        return digest_verify(key.native(), message, der);
    }
    case SignatureAlgorithm::RsaPkcs1Sha256: {
        if (type != KeyType::Rsa)
            return fail(ErrorKind::UnsupportedAlgorithm, "RSA-SHA256 signature but the key is not RSA");
        int bits = EVP_PKEY_get_bits(key.native());
        if (bits < min_rsa_bits || bits > max_rsa_bits)
            return fail(ErrorKind::UnsupportedAlgorithm,
                "RSA key of " + std::to_string(bits) + " bits (accepted: 2048 to 8192)");
        return digest_verify(key.native(), message, signature);
    }
    }
    return fail(ErrorKind::UnsupportedAlgorithm, "unknown signature algorithm");
}

}
