#pragma once

// A reader state directory with an enrolled-looking device key, for store tests.

#include <memory>

#include <gtest/gtest.h>

#include "hondana/platform/key_store.h"
#include "hondana/platform/paths.h"
#include "hondana/store/device_store.h"
#include "hondana/store/user_store.h"
#include "temp_dir.h"

namespace hondana::test {

struct StoreFixture {
    TempDir dir;
    platform::ReaderPaths paths;
    std::unique_ptr<platform::FileKeyStore> key_store;
    std::unique_ptr<store::DeviceStore> device;

    StoreFixture()
    {
        paths = *platform::ReaderPaths::resolve(dir.path() / "home");
        key_store = std::move(*platform::FileKeyStore::open(paths.device_dir(), dir.path() / "machine-id"));
        EXPECT_TRUE(key_store->create_device_key());
        auto opened = store::DeviceStore::open(paths, *key_store);
        EXPECT_TRUE(opened) << opened.error().message;
        device = std::move(*opened);
    }
};

inline constexpr store::StoreKdf fast_kdf { 1000 };

}
