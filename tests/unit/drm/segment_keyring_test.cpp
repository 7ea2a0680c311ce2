#include "hondana/drm/segment_keyring.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "content_test_support.h"
#include "hondana/drm/segmented.h"

using namespace hondana::drm;
using hondana::drm::test::pattern_bytes;
using hondana::drm::test::test_key;

namespace {

// The reference derivation of segmented.h.
SecretBytes reference_key(const SecretBytes& content_key, ByteView salt)
{
    auto key = hkdf_sha256(content_key.view(), salt, as_bytes(segment_key_info), 32);
    EXPECT_TRUE(key);
    return key ? std::move(*key) : SecretBytes {};
}

Bytes salt_number(uint32_t number)
{
    Bytes salt = pattern_bytes(segment_salt_size, number);
    salt[0] = static_cast<uint8_t>(number);
    return salt;
}

// The salt a protected resource carries in its header (segmented.h layout).
ByteView salt_of(const Bytes& ciphertext)
{
    return ByteView(ciphertext).subspan(20, segment_salt_size);
}

}

TEST(SegmentKeyring, derives_the_same_keys_as_hkdf_for_many_resources_and_content_keys)
{
    for (uint8_t first : { uint8_t(0x11), uint8_t(0x00), uint8_t(0xfe) }) {
        SecretBytes content_key = test_key(first);
        auto keyring = SegmentKeyring::create(content_key.view());
        ASSERT_TRUE(keyring) << keyring.error().message;
        for (uint32_t number = 0; number < 200; ++number) {
            Bytes salt = salt_number(number);
            auto key = (*keyring)->segment_key(salt);
            ASSERT_TRUE(key) << key.error().message;
            ASSERT_TRUE(constant_time_equal(key->view(), reference_key(content_key, salt).view()))
                << "content key " << int(first) << ", salt " << number;
        }
    }
}

TEST(SegmentKeyring, keeps_each_key_and_gives_it_again_unchanged)
{
    SecretBytes content_key = test_key();
    auto keyring = SegmentKeyring::create(content_key.view()).value();
    Bytes salt = salt_number(7);
    SecretBytes first = keyring->segment_key(salt).value();
    EXPECT_EQ(keyring->kept_keys(), 1u);
    SecretBytes again = keyring->segment_key(salt).value();
    EXPECT_EQ(keyring->kept_keys(), 1u);
    EXPECT_TRUE(constant_time_equal(first.view(), again.view()));
    SecretBytes other = keyring->segment_key(salt_number(8)).value();
    EXPECT_EQ(keyring->kept_keys(), 2u);
    EXPECT_FALSE(constant_time_equal(first.view(), other.view())) << "resources must not share a key";
}

TEST(SegmentKeyring, stops_keeping_past_its_limit_but_still_derives)
{
    SecretBytes content_key = test_key();
    auto keyring = SegmentKeyring::create(content_key.view()).value();
    for (uint32_t number = 0; number < SegmentKeyring::max_kept_keys + 3; ++number)
        ASSERT_TRUE(keyring->segment_key(salt_number(number)));
    EXPECT_EQ(keyring->kept_keys(), SegmentKeyring::max_kept_keys);
    Bytes late = salt_number(SegmentKeyring::max_kept_keys + 1);
    EXPECT_TRUE(
        constant_time_equal(keyring->segment_key(late).value().view(), reference_key(content_key, late).view()));
}

TEST(SegmentKeyring, knows_its_content_key_and_refuses_bad_arguments)
{
    SecretBytes content_key = test_key();
    auto keyring = SegmentKeyring::create(content_key.view()).value();
    EXPECT_TRUE(keyring->is_for(content_key.view()));
    EXPECT_FALSE(keyring->is_for(test_key(0x12).view()));
    EXPECT_FALSE(keyring->is_for(ByteView(content_key.data(), 31)));
    EXPECT_EQ(SegmentKeyring::create(ByteView(content_key.data(), 16)).error().kind, ErrorKind::InvalidArgument);
    EXPECT_EQ(keyring->segment_key(Bytes(15)).error().kind, ErrorKind::InvalidArgument);
    EXPECT_EQ(keyring->segment_key(Bytes(17)).error().kind, ErrorKind::InvalidArgument);
}

TEST(SegmentKeyring, concurrent_derivations_agree_with_hkdf)
{
    SecretBytes content_key = test_key();
    auto keyring = SegmentKeyring::create(content_key.view()).value();
    std::atomic<int> mismatches { 0 };
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (uint32_t number = 0; number < 100; ++number) {
                Bytes salt = salt_number(number * 4 + static_cast<uint32_t>(t % 2));
                auto key = keyring->segment_key(salt);
                if (!key || !constant_time_equal(key->view(), reference_key(content_key, salt).view()))
                    ++mismatches;
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    EXPECT_EQ(mismatches.load(), 0);
}

TEST(SegmentKeyring, opens_resources_as_the_content_key_does_and_refuses_another_key)
{
    SecretBytes content_key = test_key();
    auto keyring = SegmentKeyring::create(content_key.view()).value();
    auto wrong = SegmentKeyring::create(test_key(0x12).view()).value();
    for (size_t size : { size_t(0), size_t(100), size_t(3 * min_segment_size + 5) }) {
        Bytes plaintext = pattern_bytes(size, static_cast<uint32_t>(size));
        Bytes ciphertext = encrypt_segmented(plaintext, content_key.view(), min_segment_size).value();
        EXPECT_EQ(keyring->segment_key(salt_of(ciphertext)).value().size(), 32u);
        auto source = std::make_shared<MemoryByteSource>(ciphertext);
        for (int open = 0; open < 2; ++open) { // derived, then kept
            auto reader = SegmentedReader::open(source, *keyring);
            ASSERT_TRUE(reader) << reader.error().message;
            EXPECT_EQ(read_all(**reader, 1 << 20).value(), plaintext);
        }
        auto refused = SegmentedReader::open(source, *wrong);
        ASSERT_FALSE(refused);
        EXPECT_EQ(refused.error().kind, ErrorKind::ContentTampered);
    }
}
