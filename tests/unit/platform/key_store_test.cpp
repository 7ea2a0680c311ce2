#include "hondana/platform/key_store.h"

#include <fstream>

#include <gtest/gtest.h>

#include "hondana/platform/files.h"
#include "temp_dir.h"

using namespace hondana::platform;

namespace {

std::filesystem::path machine_id(const std::filesystem::path& dir, const char* id)
{
    auto path = dir / "machine-id";
    std::ofstream(path) << id;
    return path;
}

}

TEST(FileKeyStore, creates_a_p256_key_kept_sealed_with_0600_files)
{
    hondana::test::TempDir dir;
    auto store = FileKeyStore::open(dir.path() / "device", machine_id(dir.path(), "m1"));
    ASSERT_TRUE(store) << store.error().message;
    EXPECT_FALSE((*store)->has_device_key());
    auto public_key = (*store)->create_device_key();
    ASSERT_TRUE(public_key) << public_key.error().message;
    EXPECT_EQ(public_key->type(), hondana::drm::KeyType::EcP256);
    EXPECT_EQ(*file_mode((*store)->sealed_key_path()), 0600u);
    EXPECT_EQ(*file_mode((*store)->machine_secret_path()), 0600u);
    EXPECT_EQ(*file_mode(dir.path() / "device"), 0700u);
    auto key = (*store)->device_key();
    ASSERT_TRUE(key) << key.error().message;
    EXPECT_EQ(key->public_key().spki_sha256_pin(), public_key->spki_sha256_pin());
}

TEST(FileKeyStore, sealed_file_holds_no_clear_key_material)
{
    hondana::test::TempDir dir;
    auto store = FileKeyStore::open(dir.path() / "device", machine_id(dir.path(), "m1"));
    ASSERT_TRUE((*store)->create_device_key());
    auto key = (*store)->device_key();
    ASSERT_TRUE(key);
    auto der = key->pkcs8_der();
    ASSERT_TRUE(der);
    auto sealed = read_file((*store)->sealed_key_path(), 100000);
    ASSERT_TRUE(sealed);
    // The last 32 bytes of a P-256 PKCS#8 DER hold part of the public point;
    // look for the private scalar region instead: any 16-byte window of the DER.
    std::string haystack(sealed->begin(), sealed->end());
    std::string needle(reinterpret_cast<const char*>(der->data()) + 36, 16);
    EXPECT_EQ(haystack.find(needle), std::string::npos);
}

TEST(FileKeyStore, key_does_not_open_on_another_machine)
{
    hondana::test::TempDir dir;
    {
        auto store = FileKeyStore::open(dir.path() / "device", machine_id(dir.path(), "m1"));
        ASSERT_TRUE((*store)->create_device_key());
    }
    auto other = dir.path() / "other-id";
    std::ofstream(other) << "m2";
    auto moved = FileKeyStore::open(dir.path() / "device", other);
    auto key = (*moved)->device_key();
    ASSERT_FALSE(key);
    EXPECT_EQ(key.error().kind, ErrorKind::KeyStoreCorrupt);
}

TEST(FileKeyStore, device_secret_depends_on_purpose_and_key)
{
    hondana::test::TempDir dir;
    auto store = FileKeyStore::open(dir.path() / "device", machine_id(dir.path(), "m1"));
    ASSERT_TRUE((*store)->create_device_key());
    auto a = (*store)->device_secret("store:alice");
    auto a2 = (*store)->device_secret("store:alice");
    auto b = (*store)->device_secret("store:bob");
    ASSERT_TRUE(a && a2 && b);
    EXPECT_EQ(a->size(), 32u);
    EXPECT_TRUE(hondana::drm::constant_time_equal(a->view(), a2->view()));
    EXPECT_FALSE(hondana::drm::constant_time_equal(a->view(), b->view()));
}

TEST(FileKeyStore, destroy_removes_the_key_and_refuses_a_second_create_before_it)
{
    hondana::test::TempDir dir;
    auto store = FileKeyStore::open(dir.path() / "device", machine_id(dir.path(), "m1"));
    ASSERT_TRUE((*store)->create_device_key());
    EXPECT_FALSE((*store)->create_device_key());
    ASSERT_TRUE((*store)->destroy());
    EXPECT_FALSE((*store)->has_device_key());
    auto key = (*store)->device_key();
    ASSERT_FALSE(key);
    EXPECT_EQ(key.error().kind, ErrorKind::NotEnrolled);
    EXPECT_FALSE(std::filesystem::exists((*store)->machine_secret_path()));
}
