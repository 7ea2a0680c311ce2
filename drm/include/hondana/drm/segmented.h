#pragma once

// Segmented AES-256-GCM: the Hondana profile's content encryption. Any byte
// range decrypts without the rest, and any change is detected.
//
// Layout: a 48-byte header, then segments of `segment_size` plaintext bytes
// (the last may be shorter, or empty for an empty plaintext), each followed
// by its 16-byte GCM tag.
//
//   header = "HNDS" | version (1) | 3 zero bytes | segment_size u32be
//            | plaintext_length u64be | salt (16) | nonce_prefix (7) | 5 zero bytes
//   segment key = HKDF-SHA256(content_key, salt, "hondana-segment-key-v1", 32)
//   nonce(i)    = nonce_prefix (7) | u32be(i) | final flag (1 for the last segment)
//   aad         = the whole header
//
// The index in the nonce stops reordering and duplication, the final flag
// and the authenticated plaintext length stop truncation and extension, and
// the header as AAD stops any change to the header.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>

#include "hondana/drm/byte_source.h"
#include "hondana/drm/crypto.h"
#include "hondana/drm/segment_keyring.h"

namespace hondana::drm {

inline constexpr uint32_t default_segment_size = 64 * 1024;
inline constexpr uint32_t min_segment_size = 4 * 1024;
inline constexpr uint32_t max_segment_size = 16 * 1024 * 1024;
inline constexpr size_t segmented_header_size = 48;
inline constexpr size_t segment_tag_size = 16;

// Size of the protected form of `plaintext_length` bytes; 0 when
// `segment_size` is outside [min_segment_size, max_segment_size] or the
// length would need more than 2^32 segments.
[[nodiscard]] uint64_t segmented_ciphertext_size(uint64_t plaintext_length, uint32_t segment_size);

// Receives output in order; an error stops encryption and is returned.
using ByteSink = std::function<Result<void>(ByteView)>;

// Encrypts `plaintext` (read through its ByteSource, so files of any size
// stream) to `sink`, with a fresh random salt and nonce prefix. The key is
// the 32-byte content key. InvalidArgument for another key size or segment
// size; the sink's or the source's error as it is.
[[nodiscard]] Result<void> encrypt_segmented(
    ByteSource& plaintext, ByteView content_key, const ByteSink& sink, uint32_t segment_size = default_segment_size);
// Convenience for small buffers.
[[nodiscard]] Result<Bytes> encrypt_segmented(
    ByteView plaintext, ByteView content_key, uint32_t segment_size = default_segment_size);

// The plaintext of segmented content, as a random-access source. Open checks
// the header, the ciphertext length and the final segment; each read
// decrypts only the segments it touches: a whole segment straight into the
// caller's buffer, a part of one through a small LRU cache of decrypted
// segments (`cached_segments`, 0 for none). Concurrent reads are safe (the
// cache and a pool of keyed cipher contexts are behind a mutex; decryption
// runs outside it). A read that meets a segment failing authentication
// returns ContentTampered and wipes what it had put in the caller's buffer
// for that segment: unauthenticated bytes never reach the caller.
class SegmentedReader final : public ByteSource {
public:
    // InvalidArgument (null source, key not 32 bytes); MalformedHeader
    // (shorter than the header, bad magic, non-zero reserved bytes, segment
    // size out of range, more than 2^32 segments); UnsupportedVersion;
    // ContentLengthMismatch (the ciphertext is not the size the header
    // implies: truncated or extended); ContentTampered (the final segment
    // fails: wrong key, changed header, segments moved).
    [[nodiscard]] static Result<std::unique_ptr<SegmentedReader>> open(
        std::shared_ptr<ByteSource> ciphertext, ByteView content_key, size_t cached_segments = 4);
    // The same, with the segment key from `keys` (the package's keyring for
    // its content key), which derives it once per resource and cheaply.
    [[nodiscard]] static Result<std::unique_ptr<SegmentedReader>> open(
        std::shared_ptr<ByteSource> ciphertext, SegmentKeyring& keys, size_t cached_segments = 4);
    ~SegmentedReader() override;

    [[nodiscard]] uint64_t size() const override;
    [[nodiscard]] Result<size_t> read_at(uint64_t offset, std::span<uint8_t> out) override;
    [[nodiscard]] uint32_t segment_size() const;

private:
    struct State;
    using KeySource = std::function<Result<SecretBytes>(ByteView salt)>;
    [[nodiscard]] static Result<std::unique_ptr<SegmentedReader>> open_with(
        std::shared_ptr<ByteSource> ciphertext, const KeySource& segment_key, size_t cached_segments);
    explicit SegmentedReader(std::unique_ptr<State> state);
    std::unique_ptr<State> m_state;
};

}
