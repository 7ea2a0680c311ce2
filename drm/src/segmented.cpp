#include "hondana/drm/segmented.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <list>
#include <vector>

#include <openssl/crypto.h>

#include "openssl_handles.h"

namespace hondana::drm {

using detail::crypto_failure;

namespace {

constexpr std::array<uint8_t, 4> header_magic { 'H', 'N', 'D', 'S' };
constexpr uint8_t header_version = 1;
constexpr size_t salt_size = segment_salt_size;
constexpr size_t nonce_prefix_size = 7;
constexpr size_t nonce_size = 12;
constexpr uint64_t max_segment_count = uint64_t(1) << 32; // the index in the nonce is 32 bits
// Offsets of the header fields (segmented.h).
constexpr size_t version_offset = 4;
constexpr size_t segment_size_offset = 8;
constexpr size_t length_offset = 12;
constexpr size_t salt_offset = 20;
constexpr size_t prefix_offset = 36;
constexpr size_t tail_offset = 43;

using HeaderBytes = std::array<uint8_t, segmented_header_size>;
using Nonce = std::array<uint8_t, nonce_size>;

struct Header {
    uint32_t segment_size { 0 };
    uint64_t plaintext_length { 0 };
    HeaderBytes bytes {};
};

void put_be(uint8_t* out, uint64_t value, size_t width)
{
    for (size_t i = 0; i < width; ++i)
        out[i] = static_cast<uint8_t>(value >> (8 * (width - 1 - i)));
}

uint64_t get_be(const uint8_t* in, size_t width)
{
    uint64_t value = 0;
    for (size_t i = 0; i < width; ++i)
        value = (value << 8) | in[i];
    return value;
}

bool all_zero(const uint8_t* bytes, size_t count)
{
    return std::all_of(bytes, bytes + count, [](uint8_t b) { return b == 0; });
}

bool valid_segment_size(uint32_t segment_size)
{
    return segment_size >= min_segment_size && segment_size <= max_segment_size;
}

uint64_t segment_count(uint64_t plaintext_length, uint32_t segment_size)
{
    if (plaintext_length == 0)
        return 1; // one empty final segment: its tag still authenticates the header
    return plaintext_length / segment_size + (plaintext_length % segment_size != 0 ? 1 : 0);
}

bool length_fits(uint64_t plaintext_length, uint32_t segment_size)
{
    return plaintext_length / segment_size <= max_segment_count - 1
        || (plaintext_length / segment_size == max_segment_count && plaintext_length % segment_size == 0);
}

Result<Header> decode_header(const HeaderBytes& bytes)
{
    if (!std::equal(header_magic.begin(), header_magic.end(), bytes.begin()))
        return fail(ErrorKind::MalformedHeader, "not segmented content: the header does not start with HNDS");
    if (bytes[version_offset] != header_version)
        return fail(ErrorKind::UnsupportedVersion,
            "segmented content of version " + std::to_string(bytes[version_offset]) + " (this build reads version 1)");
    if (!all_zero(&bytes[version_offset + 1], 3) || !all_zero(&bytes[tail_offset], segmented_header_size - tail_offset))
        return fail(ErrorKind::MalformedHeader, "segmented header has non-zero reserved bytes");
    Header header;
    header.bytes = bytes;
    header.segment_size = static_cast<uint32_t>(get_be(&bytes[segment_size_offset], 4));
    header.plaintext_length = get_be(&bytes[length_offset], 8);
    if (!valid_segment_size(header.segment_size))
        return fail(ErrorKind::MalformedHeader,
            "segment size " + std::to_string(header.segment_size) + " is outside 4 KiB..16 MiB");
    if (!length_fits(header.plaintext_length, header.segment_size))
        return fail(ErrorKind::MalformedHeader, "plaintext length needs more than 2^32 segments");
    return header;
}

Nonce segment_nonce(const Header& header, uint64_t index, bool final)
{
    Nonce nonce {};
    std::copy_n(&header.bytes[prefix_offset], nonce_prefix_size, nonce.begin());
    put_be(&nonce[nonce_prefix_size], index, 4);
    nonce[nonce_size - 1] = final ? 1 : 0;
    return nonce;
}

ByteView header_salt(const Header& header)
{
    return { &header.bytes[salt_offset], salt_size };
}

// The reference derivation (segmented.h); SegmentKeyring gives the same bytes.
Result<SecretBytes> derive_segment_key(ByteView content_key, ByteView salt)
{
    if (content_key.size() != 32)
        return fail(ErrorKind::InvalidArgument, "segmented AES-256-GCM needs a 32-byte content key");
    return hkdf_sha256(content_key, salt, as_bytes(segment_key_info), 32);
}

enum class Direction { Encrypt, Decrypt };

// AES-256-GCM fetched once for the process: keying a context with the
// EVP_aes_256_gcm() constant fetches it again each time (half the cost of
// opening a context).
const EVP_CIPHER* aes_256_gcm()
{
    static const detail::Cipher fetched { EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr) };
    return fetched ? fetched.get() : EVP_aes_256_gcm();
}

// An AES-256-GCM context keyed once with the segment key; each segment only
// sets its nonce, so the key schedule is not recomputed per segment.
Result<detail::CipherCtx> keyed_context(const SecretBytes& key, Direction direction)
{
    detail::CipherCtx ctx { EVP_CIPHER_CTX_new() };
    if (!ctx)
        return crypto_failure("EVP_CIPHER_CTX_new");
    int ok = direction == Direction::Encrypt
        ? EVP_EncryptInit_ex2(ctx.get(), aes_256_gcm(), key.data(), nullptr, nullptr)
        : EVP_DecryptInit_ex2(ctx.get(), aes_256_gcm(), key.data(), nullptr, nullptr);
    if (ok != 1)
        return crypto_failure("AES-256-GCM key setup");
    return ctx;
}

// Encrypts `data` in place and writes the tag.
Result<void> seal_segment(EVP_CIPHER_CTX* ctx, const Header& header, uint64_t index, bool final,
    std::span<uint8_t> data, std::span<uint8_t, segment_tag_size> tag)
{
    Nonce nonce = segment_nonce(header, index, final);
    int length = 0;
    if (EVP_EncryptInit_ex2(ctx, nullptr, nullptr, nonce.data(), nullptr) != 1
        || EVP_EncryptUpdate(ctx, nullptr, &length, header.bytes.data(), static_cast<int>(header.bytes.size())) != 1)
        return crypto_failure("AES-256-GCM segment setup");
    if (!data.empty() && EVP_EncryptUpdate(ctx, data.data(), &length, data.data(), static_cast<int>(data.size())) != 1)
        return crypto_failure("AES-256-GCM segment encrypt");
    if (EVP_EncryptFinal_ex(ctx, data.data() + data.size(), &length) != 1
        || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, segment_tag_size, tag.data()) != 1)
        return crypto_failure("AES-256-GCM segment final");
    return {};
}

// Decrypts `in` to `out` (same size; may be the same memory) and checks the
// tag. Returns false when authentication fails.
Result<bool> open_segment(EVP_CIPHER_CTX* ctx, const Header& header, uint64_t index, bool final, const uint8_t* in,
    std::span<uint8_t> out, const std::array<uint8_t, segment_tag_size>& tag)
{
    Nonce nonce = segment_nonce(header, index, final);
    std::array<uint8_t, segment_tag_size> tag_copy = tag;
    int length = 0;
    if (EVP_DecryptInit_ex2(ctx, nullptr, nullptr, nonce.data(), nullptr) != 1
        || EVP_DecryptUpdate(ctx, nullptr, &length, header.bytes.data(), static_cast<int>(header.bytes.size())) != 1)
        return crypto_failure("AES-256-GCM segment setup");
    if (!out.empty() && EVP_DecryptUpdate(ctx, out.data(), &length, in, static_cast<int>(out.size())) != 1)
        return crypto_failure("AES-256-GCM segment decrypt");
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, segment_tag_size, tag_copy.data()) != 1)
        return crypto_failure("AES-256-GCM set tag");
    uint8_t unused[segment_tag_size]; // GCM's final writes nothing; an empty segment has no buffer to point into
    return EVP_DecryptFinal_ex(ctx, out.empty() ? unused : out.data() + out.size(), &length) == 1;
}

// A ByteSource over a caller's buffer, for the in-memory convenience API.
class ViewByteSource final : public ByteSource {
public:
    explicit ViewByteSource(ByteView bytes)
        : m_bytes(bytes)
    {
    }
    [[nodiscard]] uint64_t size() const override { return m_bytes.size(); }
    [[nodiscard]] Result<size_t> read_at(uint64_t offset, std::span<uint8_t> out) override
    {
        if (offset >= m_bytes.size())
            return 0;
        size_t count = std::min<uint64_t>(out.size(), m_bytes.size() - offset);
        std::copy_n(m_bytes.data() + offset, count, out.data());
        return count;
    }

private:
    ByteView m_bytes;
};

}

uint64_t segmented_ciphertext_size(uint64_t plaintext_length, uint32_t segment_size)
{
    if (!valid_segment_size(segment_size) || !length_fits(plaintext_length, segment_size))
        return 0;
    return segmented_header_size + segment_count(plaintext_length, segment_size) * segment_tag_size + plaintext_length;
}

// --- encryption ---

Result<void> encrypt_segmented(ByteSource& plaintext, ByteView content_key, const ByteSink& sink, uint32_t segment_size)
{
    if (!valid_segment_size(segment_size))
        return fail(ErrorKind::InvalidArgument, "segment size must be 4 KiB..16 MiB");
    Header header;
    header.segment_size = segment_size;
    header.plaintext_length = plaintext.size();
    if (!length_fits(header.plaintext_length, segment_size))
        return fail(ErrorKind::InvalidArgument, "plaintext needs more than 2^32 segments");
    std::copy(header_magic.begin(), header_magic.end(), header.bytes.begin());
    header.bytes[version_offset] = header_version;
    put_be(&header.bytes[segment_size_offset], segment_size, 4);
    put_be(&header.bytes[length_offset], header.plaintext_length, 8);
    TRY(random_bytes({ &header.bytes[salt_offset], salt_size }));
    TRY(random_bytes({ &header.bytes[prefix_offset], nonce_prefix_size }));

    SecretBytes key = TRY(derive_segment_key(content_key, header_salt(header)));
    detail::CipherCtx ctx = TRY(keyed_context(key, Direction::Encrypt));
    TRY(sink(header.bytes));

    uint64_t count = segment_count(header.plaintext_length, segment_size);
    Bytes buffer(segment_size + segment_tag_size);
    for (uint64_t index = 0; index < count; ++index) {
        uint64_t start = index * segment_size;
        size_t length = std::min<uint64_t>(segment_size, header.plaintext_length - start);
        std::span<uint8_t> data(buffer.data(), length);
        TRY(read_exact(plaintext, start, data));
        std::span<uint8_t, segment_tag_size> tag(buffer.data() + length, segment_tag_size);
        TRY(seal_segment(ctx.get(), header, index, index + 1 == count, data, tag));
        TRY(sink(ByteView(buffer.data(), length + segment_tag_size)));
    }
    OPENSSL_cleanse(buffer.data(), buffer.size());
    return {};
}

Result<Bytes> encrypt_segmented(ByteView plaintext, ByteView content_key, uint32_t segment_size)
{
    ViewByteSource source(plaintext);
    Bytes out;
    out.reserve(segmented_ciphertext_size(plaintext.size(), segment_size));
    TRY(encrypt_segmented(
        source, content_key,
        [&out](ByteView bytes) -> Result<void> {
            out.insert(out.end(), bytes.begin(), bytes.end());
            return {};
        },
        segment_size));
    return out;
}

// --- the reader ---

struct SegmentedReader::State {
    std::shared_ptr<ByteSource> ciphertext;
    Header header;
    uint64_t count { 0 };
    SecretBytes key;

    std::mutex mutex; // guards the two members below
    std::vector<detail::CipherCtx> idle_contexts;
    std::list<std::pair<uint64_t, Bytes>> cache; // most recently used first
    size_t cache_capacity { 0 };

    [[nodiscard]] size_t plain_length(uint64_t index) const
    {
        return static_cast<size_t>(
            std::min<uint64_t>(header.segment_size, header.plaintext_length - index * uint64_t(header.segment_size)));
    }
    [[nodiscard]] uint64_t segment_offset(uint64_t index) const
    {
        return segmented_header_size + index * (uint64_t(header.segment_size) + segment_tag_size);
    }

    Result<detail::CipherCtx> take_context();
    void give_back(detail::CipherCtx ctx);
    Result<void> decrypt(uint64_t index, std::span<uint8_t> out);
    Result<void> copy_cached(uint64_t index, size_t within, std::span<uint8_t> out);
};

Result<detail::CipherCtx> SegmentedReader::State::take_context()
{
    {
        std::lock_guard lock(mutex);
        if (!idle_contexts.empty()) {
            detail::CipherCtx ctx = std::move(idle_contexts.back());
            idle_contexts.pop_back();
            return ctx;
        }
    }
    return keyed_context(key, Direction::Decrypt);
}

void SegmentedReader::State::give_back(detail::CipherCtx ctx)
{
    std::lock_guard lock(mutex);
    if (idle_contexts.size() < 8)
        idle_contexts.push_back(std::move(ctx));
}

// Decrypts segment `index` into `out` (exactly its plaintext length). On any
// failure `out` is wiped: unauthenticated bytes never reach the caller.
Result<void> SegmentedReader::State::decrypt(uint64_t index, std::span<uint8_t> out)
{
    uint64_t offset = segment_offset(index);
    std::array<uint8_t, segment_tag_size> tag {};
    const uint8_t* in = out.data();
    if (auto view = ciphertext->contiguous(offset, out.size() + segment_tag_size)) {
        in = view->data();
        std::copy_n(view->data() + out.size(), segment_tag_size, tag.begin());
    } else {
        TRY(read_exact(*ciphertext, offset, out));
        TRY(read_exact(*ciphertext, offset + out.size(), tag));
    }
    detail::CipherCtx ctx = TRY(take_context());
    auto authentic = open_segment(ctx.get(), header, index, index + 1 == count, in, out, tag);
    if (!authentic || !*authentic) {
        if (!out.empty())
            OPENSSL_cleanse(out.data(), out.size());
        if (!authentic)
            return tl::make_unexpected(std::move(authentic.error()));
        return fail(ErrorKind::ContentTampered,
            "segment " + std::to_string(index) + " of " + std::to_string(count) + " failed authentication");
    }
    give_back(std::move(ctx));
    return {};
}

Result<void> SegmentedReader::State::copy_cached(uint64_t index, size_t within, std::span<uint8_t> out)
{
    auto copy_from = [&](const Bytes& plain) { std::copy_n(plain.data() + within, out.size(), out.data()); };
    auto cached = [this](uint64_t wanted) {
        return std::find_if(cache.begin(), cache.end(), [wanted](const auto& entry) { return entry.first == wanted; });
    };
    Bytes plain;
    {
        std::lock_guard lock(mutex);
        if (auto hit = cached(index); hit != cache.end()) {
            cache.splice(cache.begin(), cache, hit);
            copy_from(cache.front().second);
            return {};
        }
        if (cache_capacity > 0 && cache.size() >= cache_capacity) {
            plain = std::move(cache.back().second); // reuse the evicted buffer: no allocation, no zero fill
            cache.pop_back();
        }
    }
    plain.resize(plain_length(index));
    TRY(decrypt(index, plain));
    copy_from(plain);
    std::lock_guard lock(mutex);
    if (cache_capacity == 0 || cached(index) != cache.end())
        return {};
    cache.emplace_front(index, std::move(plain));
    while (cache.size() > cache_capacity)
        cache.pop_back();
    return {};
}

Result<std::unique_ptr<SegmentedReader>> SegmentedReader::open(
    std::shared_ptr<ByteSource> ciphertext, ByteView content_key, size_t cached_segments)
{
    if (content_key.size() != 32)
        return fail(ErrorKind::InvalidArgument, "segmented AES-256-GCM needs a 32-byte content key");
    return open_with(
        std::move(ciphertext), [content_key](ByteView salt) { return derive_segment_key(content_key, salt); },
        cached_segments);
}

Result<std::unique_ptr<SegmentedReader>> SegmentedReader::open(
    std::shared_ptr<ByteSource> ciphertext, SegmentKeyring& keys, size_t cached_segments)
{
    return open_with(
        std::move(ciphertext), [&keys](ByteView salt) { return keys.segment_key(salt); }, cached_segments);
}

Result<std::unique_ptr<SegmentedReader>> SegmentedReader::open_with(
    std::shared_ptr<ByteSource> ciphertext, const KeySource& segment_key, size_t cached_segments)
{
    if (!ciphertext)
        return fail(ErrorKind::InvalidArgument, "segmented reader over a null source");
    uint64_t actual = ciphertext->size();
    if (actual < segmented_header_size)
        return fail(ErrorKind::MalformedHeader,
            "segmented content of " + std::to_string(actual) + " bytes is shorter than its header");
    HeaderBytes bytes {};
    TRY(read_exact(*ciphertext, 0, bytes));
    auto state = std::make_unique<State>();
    state->header = TRY(decode_header(bytes));
    uint64_t expected = segmented_ciphertext_size(state->header.plaintext_length, state->header.segment_size);
    if (actual != expected)
        return fail(ErrorKind::ContentLengthMismatch,
            "segmented content is " + std::to_string(actual) + " bytes; its header says " + std::to_string(expected));
    state->ciphertext = std::move(ciphertext);
    state->count = segment_count(state->header.plaintext_length, state->header.segment_size);
    state->key = TRY(segment_key(header_salt(state->header)));
    state->cache_capacity = cached_segments;
    // Authenticating the final segment proves the key, the header and the
    // length before anyone reads; it is also the segment readers ask for first
    // (a PDF's trailer).
    uint64_t last = state->count - 1;
    Bytes plain(state->plain_length(last));
    TRY(state->decrypt(last, plain));
    if (cached_segments > 0)
        state->cache.emplace_front(last, std::move(plain));
    return std::unique_ptr<SegmentedReader>(new SegmentedReader(std::move(state))); // raw-new: private constructor
}

SegmentedReader::SegmentedReader(std::unique_ptr<State> state)
    : m_state(std::move(state))
{
}

SegmentedReader::~SegmentedReader() = default;

uint64_t SegmentedReader::size() const
{
    return m_state->header.plaintext_length;
}

uint32_t SegmentedReader::segment_size() const
{
    return m_state->header.segment_size;
}

Result<size_t> SegmentedReader::read_at(uint64_t offset, std::span<uint8_t> out)
{
    State& state = *m_state;
    uint64_t total = state.header.plaintext_length;
    if (offset >= total || out.empty())
        return 0;
    size_t wanted = std::min<uint64_t>(out.size(), total - offset);
    size_t done = 0;
    while (done < wanted) {
        uint64_t position = offset + done;
        uint64_t index = position / state.header.segment_size;
        size_t within = static_cast<size_t>(position - index * state.header.segment_size);
        size_t length = state.plain_length(index);
        size_t take = std::min(wanted - done, length - within);
        std::span<uint8_t> part = out.subspan(done, take);
        if (within == 0 && take == length)
            TRY(state.decrypt(index, part)); // a whole segment: straight into the caller's buffer
        else
            TRY(state.copy_cached(index, within, part));
        done += take;
    }
    return wanted;
}

}
