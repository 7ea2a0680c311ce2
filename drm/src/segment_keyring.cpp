#include "hondana/drm/segment_keyring.h"

#include <algorithm>

#include <openssl/core_names.h>
#include <openssl/crypto.h>

#include "openssl_handles.h"

namespace hondana::drm {

using detail::crypto_failure;

namespace {

constexpr size_t sha256_size = 32;

}

// An HMAC-SHA256 context whose digest is set once; each use only re-keys it.
struct SegmentKeyring::Hmac {
    detail::MacCtx ctx;

    // HMAC-SHA256(key, first || second) into `out` (32 bytes).
    Result<void> compute(ByteView key, ByteView first, ByteView second, std::span<uint8_t, sha256_size> out)
    {
        size_t length = 0;
        if (EVP_MAC_init(ctx.get(), key.data(), key.size(), nullptr) != 1
            || (!first.empty() && EVP_MAC_update(ctx.get(), first.data(), first.size()) != 1)
            || (!second.empty() && EVP_MAC_update(ctx.get(), second.data(), second.size()) != 1)
            || EVP_MAC_final(ctx.get(), out.data(), &length, out.size()) != 1 || length != out.size())
            return crypto_failure("HMAC-SHA256");
        return {};
    }
};

Result<std::unique_ptr<SegmentKeyring>> SegmentKeyring::create(ByteView content_key)
{
    if (content_key.size() != 32)
        return fail(ErrorKind::InvalidArgument, "segmented AES-256-GCM needs a 32-byte content key");
    detail::Mac mac { EVP_MAC_fetch(nullptr, "HMAC", nullptr) };
    if (!mac)
        return crypto_failure("EVP_MAC_fetch(HMAC)");
    auto hmac = std::make_unique<Hmac>();
    hmac->ctx.reset(EVP_MAC_CTX_new(mac.get()));
    if (!hmac->ctx)
        return crypto_failure("EVP_MAC_CTX_new");
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>("SHA256"), 0),
        OSSL_PARAM_construct_end(),
    };
    if (EVP_MAC_CTX_set_params(hmac->ctx.get(), params) != 1)
        return crypto_failure("HMAC-SHA256 set-up");
    return std::unique_ptr<SegmentKeyring>(
        new SegmentKeyring(SecretBytes(content_key), std::move(hmac))); // raw-new: private constructor
}

SegmentKeyring::SegmentKeyring(SecretBytes content_key, std::unique_ptr<Hmac> hmac)
    : m_content_key(std::move(content_key))
    , m_hmac(std::move(hmac))
{
}

SegmentKeyring::~SegmentKeyring() = default; // SecretBytes wipe the content key and the kept keys

bool SegmentKeyring::is_for(ByteView content_key) const
{
    return constant_time_equal(m_content_key.view(), content_key);
}

size_t SegmentKeyring::kept_keys() const
{
    std::lock_guard lock(m_mutex);
    return m_kept.size();
}

// RFC 5869 with SHA-256 and a 32-byte output: PRK = HMAC(salt, IKM), then
// T(1) = HMAC(PRK, info || 0x01), which is the whole output.
Result<SecretBytes> SegmentKeyring::derive(ByteView salt)
{
    SecretBytes prk(sha256_size);
    TRY(m_hmac->compute(salt, m_content_key.view(), {}, std::span<uint8_t, sha256_size>(prk.data(), sha256_size)));
    static constexpr uint8_t first_block = 0x01;
    SecretBytes key(sha256_size);
    TRY(m_hmac->compute(prk.view(), as_bytes(segment_key_info), ByteView(&first_block, 1),
        std::span<uint8_t, sha256_size>(key.data(), sha256_size)));
    return key;
}

Result<SecretBytes> SegmentKeyring::segment_key(ByteView salt)
{
    if (salt.size() != segment_salt_size)
        return fail(ErrorKind::InvalidArgument, "a segment salt is 16 bytes");
    std::array<uint8_t, segment_salt_size> index {};
    std::copy(salt.begin(), salt.end(), index.begin());
    std::lock_guard lock(m_mutex);
    if (auto kept = m_kept.find(index); kept != m_kept.end())
        return kept->second.clone();
    SecretBytes key = TRY(derive(salt));
    if (m_kept.size() < max_kept_keys)
        m_kept.emplace(index, key.clone());
    return key;
}

}
