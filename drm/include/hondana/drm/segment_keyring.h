#pragma once

// The segment keys of one content key, for opening many segmented resources
// of one package (segmented.h: segment key = HKDF-SHA256(content_key, salt,
// "hondana-segment-key-v1", 32), the salt being each resource's own).

#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <string_view>

#include "hondana/drm/crypto.h"

namespace hondana::drm {

inline constexpr size_t segment_salt_size = 16;
inline constexpr std::string_view segment_key_info = "hondana-segment-key-v1";

// Derives segment keys for one content key without OpenSSL's per-call KDF
// set-up: HMAC-SHA256 is fetched and prepared once, and each key is the
// RFC 5869 extract and one expand block over it, the same bytes
// hkdf_sha256 gives. Keys derived are kept by salt for the keyring's
// lifetime (a package's), so a resource opened again derives nothing; the
// content key and every kept key are wiped (OPENSSL_cleanse) when it is
// destroyed. Safe for concurrent use.
class SegmentKeyring {
public:
    // InvalidArgument for a content key that is not 32 bytes; Crypto when
    // OpenSSL cannot provide HMAC-SHA256.
    [[nodiscard]] static Result<std::unique_ptr<SegmentKeyring>> create(ByteView content_key);
    ~SegmentKeyring();
    SegmentKeyring(const SegmentKeyring&) = delete;
    SegmentKeyring& operator=(const SegmentKeyring&) = delete;

    // Whether this keyring is for `content_key` (compared in constant time).
    [[nodiscard]] bool is_for(ByteView content_key) const;
    // The 32-byte segment key for a resource whose header carries `salt`
    // (a copy; the keyring keeps its own). InvalidArgument when the salt is
    // not segment_salt_size bytes.
    [[nodiscard]] Result<SecretBytes> segment_key(ByteView salt);
    // How many keys it holds (at most max_kept_keys; past that, keys are
    // derived each time and not kept).
    [[nodiscard]] size_t kept_keys() const;

    static constexpr size_t max_kept_keys = 4096;

private:
    struct Hmac;
    SegmentKeyring(SecretBytes content_key, std::unique_ptr<Hmac> hmac);
    Result<SecretBytes> derive(ByteView salt);

    SecretBytes m_content_key;
    mutable std::mutex m_mutex; // guards the two members below
    std::unique_ptr<Hmac> m_hmac;
    std::map<std::array<uint8_t, segment_salt_size>, SecretBytes> m_kept;
};

}
