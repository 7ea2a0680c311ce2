#include "hondana/drm/segmented.h"

#include <atomic>
#include <random>
#include <thread>

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "content_test_support.h"

using namespace hondana::drm;
using hondana::drm::test::pattern_bytes;
using hondana::drm::test::test_key;

namespace {

constexpr uint32_t small_segment = min_segment_size; // 4 KiB keeps the tests quick
constexpr size_t segment_stride = small_segment + segment_tag_size;

Bytes protect(ByteView plaintext, uint32_t segment_size = small_segment)
{
    auto ciphertext = encrypt_segmented(plaintext, test_key().view(), segment_size);
    EXPECT_TRUE(ciphertext) << ciphertext.error().message;
    return ciphertext.value_or(Bytes {});
}

Result<std::unique_ptr<SegmentedReader>> open_bytes(Bytes ciphertext, ByteView key, size_t cache = 4)
{
    return SegmentedReader::open(std::make_shared<MemoryByteSource>(std::move(ciphertext)), key, cache);
}

Result<std::unique_ptr<SegmentedReader>> open_bytes(Bytes ciphertext)
{
    return open_bytes(std::move(ciphertext), test_key().view());
}

// Opens and reads everything; the error kind of whichever step fails.
std::optional<ErrorKind> failure_of(Bytes ciphertext)
{
    auto reader = open_bytes(std::move(ciphertext));
    if (!reader)
        return reader.error().kind;
    auto all = read_all(**reader, 1 << 30);
    if (!all)
        return all.error().kind;
    return std::nullopt;
}

void put_u64be(Bytes& bytes, size_t offset, uint64_t value)
{
    for (int i = 0; i < 8; ++i)
        bytes[offset + i] = static_cast<uint8_t>(value >> (56 - 8 * i));
}

void put_u32be(Bytes& bytes, size_t offset, uint32_t value)
{
    for (int i = 0; i < 4; ++i)
        bytes[offset + i] = static_cast<uint8_t>(value >> (24 - 8 * i));
}

size_t segment_start(size_t index)
{
    return segmented_header_size + index * segment_stride;
}

}

TEST(SegmentedContent, round_trips_every_size_class)
{
    const uint32_t s = small_segment;
    for (size_t size : { size_t(0), size_t(1), size_t(15), size_t(s - 1), size_t(s), size_t(s + 1), size_t(2 * s),
             size_t(2 * s + 1), size_t(7 * s + 123) }) {
        Bytes plaintext = pattern_bytes(size, static_cast<uint32_t>(size));
        Bytes ciphertext = protect(plaintext);
        EXPECT_EQ(ciphertext.size(), segmented_ciphertext_size(size, s)) << size;
        auto reader = open_bytes(ciphertext);
        ASSERT_TRUE(reader) << size << ": " << reader.error().message;
        EXPECT_EQ((*reader)->size(), size);
        EXPECT_EQ((*reader)->segment_size(), s);
        auto all = read_all(**reader, size);
        ASSERT_TRUE(all) << all.error().message;
        EXPECT_EQ(*all, plaintext) << size;
    }
}

TEST(SegmentedContent, default_segment_size_is_64_kib)
{
    Bytes plaintext = pattern_bytes(3 * 65536 + 7);
    auto ciphertext = encrypt_segmented(plaintext, test_key().view());
    ASSERT_TRUE(ciphertext);
    EXPECT_EQ(ciphertext->size(), 48u + 4 * 16 + plaintext.size());
    auto reader = open_bytes(*ciphertext);
    ASSERT_TRUE(reader);
    EXPECT_EQ((*reader)->segment_size(), 65536u);
    EXPECT_EQ(read_all(**reader, plaintext.size()).value(), plaintext);
}

TEST(SegmentedContent, size_function_counts_one_tag_per_segment_and_an_empty_segment_for_nothing)
{
    EXPECT_EQ(segmented_ciphertext_size(0, 4096), 48u + 16);
    EXPECT_EQ(segmented_ciphertext_size(4096, 4096), 48u + 16 + 4096);
    EXPECT_EQ(segmented_ciphertext_size(4097, 4096), 48u + 32 + 4097);
    EXPECT_EQ(segmented_ciphertext_size(10, 100), 0u); // below the minimum segment size
}

// Decrypts segment 0 with plain EVP calls following segmented.h, so the
// documented format (not just a round trip) is what the code writes.
TEST(SegmentedContent, header_and_first_segment_follow_the_documented_layout)
{
    Bytes plaintext = pattern_bytes(small_segment + 10);
    Bytes c = protect(plaintext);
    ASSERT_EQ(c.size(), 48u + 2 * 16 + plaintext.size());
    EXPECT_EQ(std::string(c.begin(), c.begin() + 4), "HNDS");
    EXPECT_EQ(c[4], 1);
    EXPECT_EQ(c[5] | c[6] | c[7], 0);
    EXPECT_EQ(Bytes(c.begin() + 8, c.begin() + 12), (Bytes { 0, 0, 0x10, 0 }));
    EXPECT_EQ(Bytes(c.begin() + 12, c.begin() + 20), (Bytes { 0, 0, 0, 0, 0, 0, 0x10, 0x0a }));
    EXPECT_EQ(c[43] | c[44] | c[45] | c[46] | c[47], 0);

    auto key = hkdf_sha256(test_key().view(), ByteView(c).subspan(20, 16), as_bytes("hondana-segment-key-v1"), 32);
    ASSERT_TRUE(key);
    // nonce = prefix (7) | u32be(index) | final flag; aad = the 48-byte header.
    auto decrypts = [&](uint32_t index, uint8_t final_flag, size_t offset, size_t length) {
        uint8_t nonce[12] = {};
        std::copy_n(c.begin() + 36, 7, nonce);
        nonce[10] = static_cast<uint8_t>(index);
        nonce[11] = final_flag;
        EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
        int count = 0;
        Bytes out(length);
        bool ok = EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, key->data(), nonce) == 1
            && EVP_DecryptUpdate(ctx, nullptr, &count, c.data(), 48) == 1
            && EVP_DecryptUpdate(ctx, out.data(), &count, c.data() + offset, static_cast<int>(length)) == 1
            && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, c.data() + offset + length) == 1
            && EVP_DecryptFinal_ex(ctx, out.data() + count, &count) == 1;
        EVP_CIPHER_CTX_free(ctx);
        return ok && std::equal(out.begin(), out.end(), plaintext.begin() + index * small_segment);
    };
    EXPECT_TRUE(decrypts(0, 0, 48, small_segment));
    EXPECT_TRUE(decrypts(1, 1, 48 + small_segment + 16, 10));
    EXPECT_FALSE(decrypts(1, 0, 48 + small_segment + 16, 10));
}

TEST(SegmentedContent, each_encryption_uses_a_fresh_salt_and_nonce_prefix)
{
    Bytes plaintext = pattern_bytes(100);
    Bytes a = protect(plaintext);
    Bytes b = protect(plaintext);
    EXPECT_NE(Bytes(a.begin() + 20, a.begin() + 43), Bytes(b.begin() + 20, b.begin() + 43));
    EXPECT_NE(Bytes(a.begin() + 48, a.end()), Bytes(b.begin() + 48, b.end()));
}

TEST(SegmentedReader, random_reads_match_the_plaintext)
{
    Bytes plaintext = pattern_bytes(9 * small_segment + 1234, 7);
    Bytes ciphertext = protect(plaintext);
    for (size_t cache : { size_t(0), size_t(1), size_t(4) }) {
        auto reader = open_bytes(ciphertext, test_key().view(), cache);
        ASSERT_TRUE(reader);
        std::mt19937 generator(42);
        for (int i = 0; i < 600; ++i) {
            uint64_t offset = generator() % (plaintext.size() + 100);
            size_t length = generator() % (3 * small_segment);
            Bytes out(length);
            auto count = (*reader)->read_at(offset, out);
            ASSERT_TRUE(count) << count.error().message;
            size_t expected = offset >= plaintext.size() ? 0 : std::min<size_t>(length, plaintext.size() - offset);
            ASSERT_EQ(*count, expected);
            ASSERT_TRUE(std::equal(out.begin(), out.begin() + expected, plaintext.begin() + offset))
                << "offset " << offset << " length " << length;
        }
    }
}

TEST(SegmentedReader, reads_at_every_segment_boundary)
{
    Bytes plaintext = pattern_bytes(4 * small_segment + 17, 3);
    auto reader = open_bytes(protect(plaintext));
    ASSERT_TRUE(reader);
    for (uint64_t boundary = small_segment; boundary < plaintext.size(); boundary += small_segment) {
        for (int64_t delta : { -17, -1, 0, 1 }) {
            uint64_t offset = boundary + delta;
            for (size_t length :
                { size_t(1), size_t(2), size_t(34), size_t(small_segment), size_t(small_segment + 1) }) {
                Bytes out(length);
                size_t count = (*reader)->read_at(offset, out).value();
                size_t expected = std::min<size_t>(length, plaintext.size() - offset);
                ASSERT_EQ(count, expected);
                ASSERT_TRUE(std::equal(out.begin(), out.begin() + count, plaintext.begin() + offset));
            }
        }
    }
}

TEST(SegmentedReader, sequential_small_reads_across_segment_boundaries_return_exactly_the_plaintext)
{
    // Default 64 KiB segments, read front to back in steps that are smaller
    // than a segment and do not divide it, so reads straddle every boundary.
    Bytes plaintext = pattern_bytes(3 * default_segment_size + 1234, 17);
    auto reader = open_bytes(protect(plaintext, default_segment_size), test_key().view(), 1);
    ASSERT_TRUE(reader);
    for (size_t step : { size_t(4096), size_t(1000), size_t(4097) }) {
        Bytes out(plaintext.size(), 0xAA);
        for (size_t offset = 0; offset < plaintext.size(); offset += step) {
            size_t count = (*reader)
                               ->read_at(offset, std::span(out).subspan(offset, std::min(step, out.size() - offset)))
                               .value();
            ASSERT_EQ(count, std::min(step, plaintext.size() - offset)) << "step " << step << " at " << offset;
        }
        EXPECT_EQ(out, plaintext) << "step " << step;
    }
}

TEST(SegmentedTamper, small_sequential_reads_stop_at_a_tampered_segment_before_any_of_its_bytes)
{
    Bytes plaintext = pattern_bytes(4 * small_segment, 23);
    Bytes ciphertext = protect(plaintext);
    ciphertext[segment_start(2) + 777] ^= 0x01;
    auto reader = open_bytes(std::move(ciphertext));
    ASSERT_TRUE(reader);
    constexpr size_t step = 1000;
    const size_t tampered_begin = 2 * small_segment;
    const size_t tampered_end = 3 * small_segment;
    size_t refused = 0;
    for (size_t offset = 0; offset < plaintext.size(); offset += step) {
        Bytes out(std::min(step, plaintext.size() - offset), 0xAA);
        auto read = (*reader)->read_at(offset, out);
        if (offset >= tampered_end || offset + out.size() <= tampered_begin) {
            ASSERT_TRUE(read) << "at " << offset << ": " << read.error().message;
            ASSERT_TRUE(std::equal(out.begin(), out.end(), plaintext.begin() + offset)) << "at " << offset;
            continue;
        }
        ASSERT_FALSE(read) << "a read at " << offset << " touching the tampered segment succeeded";
        EXPECT_EQ(read.error().kind, ErrorKind::ContentTampered);
        ++refused;
        size_t from = std::max(offset, tampered_begin) - offset;
        size_t to = std::min(offset + out.size(), tampered_end) - offset;
        for (size_t i = from; i < to; ++i)
            ASSERT_TRUE(out[i] == 0xAA || out[i] == 0)
                << "byte " << offset + i << " of the tampered segment reached the caller";
    }
    EXPECT_EQ(refused, 5u); // the reads at 8000, 9000, .., 12000 touch segment 2
}

namespace {

// Records every ciphertext range a reader asks for (and offers no contiguous
// view, so every byte it decrypts is read through here).
class RecordingSource final : public ByteSource {
public:
    explicit RecordingSource(Bytes bytes)
        : m_inner(std::move(bytes))
    {
    }
    [[nodiscard]] uint64_t size() const override { return m_inner.size(); }
    [[nodiscard]] Result<size_t> read_at(uint64_t offset, std::span<uint8_t> out) override
    {
        auto count = m_inner.read_at(offset, out);
        if (count)
            m_reads.emplace_back(offset, offset + *count);
        return count;
    }
    std::vector<std::pair<uint64_t, uint64_t>> take()
    {
        auto reads = std::move(m_reads);
        m_reads.clear();
        return reads;
    }

private:
    MemoryByteSource m_inner;
    std::vector<std::pair<uint64_t, uint64_t>> m_reads;
};

}

TEST(SegmentedReader, decrypts_only_the_segments_a_read_touches_and_caches_partial_ones)
{
    Bytes plaintext = pattern_bytes(10 * small_segment, 21);
    auto source = std::make_shared<RecordingSource>(protect(plaintext));
    auto reader = SegmentedReader::open(source, test_key().view(), 2);
    ASSERT_TRUE(reader);
    auto opened = source->take(); // header and final segment only
    for (auto [begin, end] : opened)
        EXPECT_TRUE(end <= segmented_header_size || begin >= segment_start(9)) << begin << ".." << end;

    // A read from the middle of segment 3 to the middle of segment 5.
    Bytes out(2 * small_segment);
    uint64_t offset = 3 * small_segment + small_segment / 2;
    ASSERT_EQ((*reader)->read_at(offset, out).value(), out.size());
    EXPECT_TRUE(std::equal(out.begin(), out.end(), plaintext.begin() + offset));
    auto reads = source->take();
    ASSERT_FALSE(reads.empty());
    for (auto [begin, end] : reads)
        EXPECT_TRUE(begin >= segment_start(3) && end <= segment_start(6)) << begin << ".." << end;

    // Segments 3 and 5 were partly read, so they are cached: reading them again reads no ciphertext.
    Bytes again(100);
    ASSERT_TRUE((*reader)->read_at(3 * small_segment + 10, again));
    ASSERT_TRUE((*reader)->read_at(5 * small_segment + 10, again));
    EXPECT_TRUE(source->take().empty());
    EXPECT_TRUE(std::equal(again.begin(), again.end(), plaintext.begin() + 5 * small_segment + 10));
}

TEST(SegmentedReader, concurrent_reads_are_safe)
{
    Bytes plaintext = pattern_bytes(16 * small_segment + 5, 9);
    auto opened = open_bytes(protect(plaintext), test_key().view(), 2);
    ASSERT_TRUE(opened);
    std::shared_ptr<SegmentedReader> reader = std::move(*opened);
    std::vector<std::thread> threads;
    std::atomic<int> mismatches { 0 };
    for (uint32_t t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            std::mt19937 generator(t);
            for (int i = 0; i < 300; ++i) {
                uint64_t offset = generator() % plaintext.size();
                Bytes out(1 + generator() % 9000);
                auto count = reader->read_at(offset, out);
                if (!count || !std::equal(out.begin(), out.begin() + *count, plaintext.begin() + offset))
                    ++mismatches;
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    EXPECT_EQ(mismatches.load(), 0);
}

TEST(SegmentedReader, reads_through_a_file_without_a_contiguous_view)
{
    hondana::drm::test::ScratchDir dir;
    Bytes plaintext = pattern_bytes(5 * small_segment + 99, 5);
    hondana::drm::test::write_file_bytes(dir / "book.hnds", protect(plaintext));
    auto file = FileByteSource::open(dir / "book.hnds");
    ASSERT_TRUE(file);
    auto reader = SegmentedReader::open(std::move(*file), test_key().view());
    ASSERT_TRUE(reader) << reader.error().message;
    EXPECT_EQ(read_all(**reader, plaintext.size()).value(), plaintext);
}

TEST(SegmentedReader, streams_to_a_sink_and_stops_on_its_error)
{
    Bytes plaintext = pattern_bytes(3 * small_segment);
    MemoryByteSource source(plaintext);
    int calls = 0;
    auto result = encrypt_segmented(
        source, test_key().view(),
        [&](ByteView) -> Result<void> {
            if (++calls == 3)
                return fail(ErrorKind::Io, "disk full");
            return {};
        },
        small_segment);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, ErrorKind::Io);
    EXPECT_EQ(calls, 3);
}

TEST(SegmentedReader, rejects_bad_arguments)
{
    Bytes ciphertext = protect(pattern_bytes(10));
    SecretBytes short_key(16);
    EXPECT_EQ(open_bytes(ciphertext, short_key.view()).error().kind, ErrorKind::InvalidArgument);
    EXPECT_EQ(encrypt_segmented(pattern_bytes(10), short_key.view()).error().kind, ErrorKind::InvalidArgument);
    EXPECT_EQ(encrypt_segmented(pattern_bytes(10), test_key().view(), 1024).error().kind, ErrorKind::InvalidArgument);
    EXPECT_EQ(SegmentedReader::open(nullptr, test_key().view()).error().kind, ErrorKind::InvalidArgument);
}

// --- tampering: every change is reported with its own kind, never as plaintext ---

TEST(SegmentedTamper, wrong_key_fails_authentication)
{
    auto reader = open_bytes(protect(pattern_bytes(3 * small_segment)), test_key(0x55).view());
    ASSERT_FALSE(reader);
    EXPECT_EQ(reader.error().kind, ErrorKind::ContentTampered);
}

TEST(SegmentedTamper, every_header_byte_is_authenticated)
{
    Bytes original = protect(pattern_bytes(3 * small_segment + 5));
    for (size_t i = 0; i < segmented_header_size; ++i) {
        for (uint8_t mask : { uint8_t(0x01), uint8_t(0x80) }) {
            Bytes c = original;
            c[i] ^= mask;
            auto reader = open_bytes(c);
            ASSERT_FALSE(reader) << "header byte " << i << " mask " << int(mask);
        }
    }
}

TEST(SegmentedTamper, each_header_field_gives_its_own_kind)
{
    Bytes original = protect(pattern_bytes(5000)); // one segment of 4 KiB + one of 904 bytes
    auto kind_after = [&](auto change) {
        Bytes c = original;
        change(c);
        return failure_of(std::move(c));
    };
    EXPECT_EQ(kind_after([](Bytes& c) { c[0] = 'X'; }), ErrorKind::MalformedHeader);
    EXPECT_EQ(kind_after([](Bytes& c) { c[4] = 2; }), ErrorKind::UnsupportedVersion);
    EXPECT_EQ(kind_after([](Bytes& c) { c[6] = 1; }), ErrorKind::MalformedHeader);
    EXPECT_EQ(kind_after([](Bytes& c) { put_u32be(c, 8, 1024); }), ErrorKind::MalformedHeader);
    EXPECT_EQ(kind_after([](Bytes& c) { put_u32be(c, 8, 32 * 1024 * 1024); }), ErrorKind::MalformedHeader);
    // Another valid segment size: the length no longer fits (two segments become one).
    EXPECT_EQ(kind_after([](Bytes& c) { put_u32be(c, 8, 8192); }), ErrorKind::ContentLengthMismatch);
    EXPECT_EQ(kind_after([](Bytes& c) { put_u64be(c, 12, 5001); }), ErrorKind::ContentLengthMismatch);
    EXPECT_EQ(kind_after([](Bytes& c) { put_u64be(c, 12, UINT64_MAX); }), ErrorKind::MalformedHeader);
    EXPECT_EQ(kind_after([](Bytes& c) { c[25] ^= 1; }), ErrorKind::ContentTampered); // salt
    EXPECT_EQ(kind_after([](Bytes& c) { c[40] ^= 1; }), ErrorKind::ContentTampered); // nonce prefix
    EXPECT_EQ(kind_after([](Bytes& c) { c[47] = 1; }), ErrorKind::MalformedHeader);  // reserved tail
}

TEST(SegmentedTamper, consistent_header_changes_still_fail_authentication)
{
    Bytes plaintext = pattern_bytes(3000);
    Bytes original = protect(plaintext); // one segment
    // Segment size 8 KiB still gives one segment of 3000 bytes: only the tag notices.
    Bytes resized = original;
    put_u32be(resized, 8, 8192);
    EXPECT_EQ(failure_of(resized), ErrorKind::ContentTampered);
    // Length one shorter with the ciphertext one byte shorter: only the tag notices.
    Bytes shorter = original;
    put_u64be(shorter, 12, 2999);
    shorter.erase(shorter.begin() + 48 + 2999);
    EXPECT_EQ(failure_of(shorter), ErrorKind::ContentTampered);
}

TEST(SegmentedTamper, every_segment_boundary_byte_and_tag_is_authenticated)
{
    const size_t count = 5;
    Bytes plaintext = pattern_bytes(4 * small_segment + 321, 11);
    Bytes original = protect(plaintext);
    for (size_t index = 0; index < count; ++index) {
        size_t length = index + 1 < count ? small_segment : 321;
        size_t start = segment_start(index);
        for (size_t position : { start, start + length - 1, start + length, start + length + 15 }) {
            Bytes c = original;
            c[position] ^= 0x20;
            auto reader = open_bytes(c);
            if (index + 1 == count) { // the final segment is checked at open
                ASSERT_FALSE(reader);
                EXPECT_EQ(reader.error().kind, ErrorKind::ContentTampered);
                continue;
            }
            ASSERT_TRUE(reader) << reader.error().message;
            Bytes out(length, 0xAA);
            auto read = (*reader)->read_at(index * small_segment, out);
            ASSERT_FALSE(read) << "segment " << index << " byte " << position;
            EXPECT_EQ(read.error().kind, ErrorKind::ContentTampered);
            EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](uint8_t b) { return b == 0; }))
                << "unauthenticated bytes left in the caller's buffer";
            Bytes part(10);
            auto inside = (*reader)->read_at(index * small_segment + 100, part);
            ASSERT_FALSE(inside);
            EXPECT_EQ(inside.error().kind, ErrorKind::ContentTampered);
            // The other segments still read.
            size_t other = index == 0 ? 1 : 0;
            Bytes good(small_segment);
            ASSERT_TRUE((*reader)->read_at(other * small_segment, good));
            EXPECT_TRUE(std::equal(good.begin(), good.end(), plaintext.begin() + other * small_segment));
        }
    }
}

TEST(SegmentedTamper, truncation_is_detected)
{
    Bytes plaintext = pattern_bytes(3 * small_segment + 100);
    Bytes original = protect(plaintext);
    Bytes dropped_segment(original.begin(), original.begin() + segment_start(3));
    EXPECT_EQ(failure_of(dropped_segment), ErrorKind::ContentLengthMismatch);
    Bytes dropped_byte(original.begin(), original.end() - 1);
    EXPECT_EQ(failure_of(dropped_byte), ErrorKind::ContentLengthMismatch);
    Bytes header_only(original.begin(), original.begin() + 48);
    EXPECT_EQ(failure_of(header_only), ErrorKind::ContentLengthMismatch);
    Bytes partial_header(original.begin(), original.begin() + 20);
    EXPECT_EQ(failure_of(partial_header), ErrorKind::MalformedHeader);
    EXPECT_EQ(failure_of(Bytes {}), ErrorKind::MalformedHeader);
    // Dropping the last segment and fixing the length: segment 2 was not final.
    Bytes consistent = dropped_segment;
    put_u64be(consistent, 12, 3 * small_segment);
    EXPECT_EQ(failure_of(consistent), ErrorKind::ContentTampered);
}

TEST(SegmentedTamper, extension_is_detected)
{
    Bytes plaintext = pattern_bytes(3 * small_segment);
    Bytes original = protect(plaintext);
    Bytes extra_byte = original;
    extra_byte.push_back(0);
    EXPECT_EQ(failure_of(extra_byte), ErrorKind::ContentLengthMismatch);
    // Append a copy of segment 1 and fix the length: the new last segment fails.
    Bytes extra_segment = original;
    extra_segment.insert(extra_segment.end(), original.begin() + segment_start(1), original.begin() + segment_start(2));
    EXPECT_EQ(failure_of(extra_segment), ErrorKind::ContentLengthMismatch);
    put_u64be(extra_segment, 12, 4 * small_segment);
    EXPECT_EQ(failure_of(extra_segment), ErrorKind::ContentTampered);
}

TEST(SegmentedTamper, reordered_segments_are_detected)
{
    Bytes plaintext = pattern_bytes(4 * small_segment + 1);
    Bytes c = protect(plaintext);
    std::swap_ranges(c.begin() + segment_start(1), c.begin() + segment_start(2), c.begin() + segment_start(2));
    auto reader = open_bytes(c);
    ASSERT_TRUE(reader); // the final segment is intact
    Bytes out(small_segment);
    EXPECT_EQ((*reader)->read_at(small_segment, out).error().kind, ErrorKind::ContentTampered);
    EXPECT_EQ((*reader)->read_at(2 * small_segment, out).error().kind, ErrorKind::ContentTampered);
    ASSERT_TRUE((*reader)->read_at(0, out));
    EXPECT_EQ(failure_of(c), ErrorKind::ContentTampered);
}

TEST(SegmentedTamper, duplicated_segment_is_detected)
{
    Bytes plaintext = pattern_bytes(4 * small_segment + 1);
    Bytes c = protect(plaintext);
    std::copy(c.begin() + segment_start(1), c.begin() + segment_start(2), c.begin() + segment_start(2));
    auto reader = open_bytes(c);
    ASSERT_TRUE(reader);
    Bytes out(small_segment);
    ASSERT_TRUE((*reader)->read_at(small_segment, out));
    EXPECT_EQ((*reader)->read_at(2 * small_segment, out).error().kind, ErrorKind::ContentTampered);
    EXPECT_EQ(failure_of(c), ErrorKind::ContentTampered);
}
