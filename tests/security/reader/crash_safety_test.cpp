// Crash safety (issue 4): kill -9 the reader's own code at random points
// during store writes and downloads, many times (bounded); every restart
// resumes and ends with a valid store and verified content.

#include <fstream>
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include "child_process.h"
#include "hondana/drm/package.h"
#include "hondana/platform/key_store.h"
#include "hondana/store/user_store.h"
#include "temp_dir.h"
#include "test_https_server.h"
#include "test_pki.h"

using namespace hondana;
using namespace std::chrono_literals;

namespace {

std::string helper()
{
    return std::string(HONDANA_CRASH_HELPER);
}

std::mt19937 seeded()
{
    uint32_t seed = 0;
    (void)drm::random_bytes({ reinterpret_cast<uint8_t*>(&seed), sizeof seed });
    std::cout << "random seed " << seed << "\n";
    return std::mt19937(seed);
}

int64_t last_number(const std::string& line)
{
    try {
        return line.empty() ? 0 : std::stoll(line);
    } catch (...) {
        return 0;
    }
}

}

TEST(CrashSafety, kill_9_during_store_writes_leaves_a_valid_store_with_every_acknowledged_write)
{
    test::TempDir dir;
    auto rng = seeded();
    std::uniform_int_distribution<int> delay_ms(5, 250);
    int64_t acknowledged = 0;
    constexpr int kills = 25;
    for (int round = 0; round < kills; ++round) {
        test::ChildProcess child({ helper(), "store", dir.path().string() });
        ASSERT_TRUE(child.started());
        auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(delay_ms(rng));
        while (std::chrono::steady_clock::now() < until)
            child.pump(5ms);
        child.kill_now();
        child.pump(0ms);
        acknowledged = std::max(acknowledged, last_number(child.last_line()));

        auto paths = *platform::ReaderPaths::resolve(dir.path());
        auto key_store = std::move(*platform::FileKeyStore::open(paths.device_dir(), paths.home / "machine-id"));
        if (!key_store->has_device_key())
            continue; // killed before the key existed: nothing was promised yet
        auto device = store::DeviceStore::open(paths, *key_store);
        ASSERT_TRUE(device) << "round " << round << ": " << device.error().message;
        ASSERT_TRUE((*device)->integrity_check()) << "round " << round;
        if (!store::UserStore::exists(paths, "crash"))
            continue;
        auto user = store::UserStore::open_offline(paths, *key_store, **device, "crash", "Crash-Test-Pass-1", 1000);
        ASSERT_TRUE(user) << "round " << round << ": " << user.error().message;
        ASSERT_TRUE((*user)->integrity_check()) << "round " << round;
        auto counter = (*user)->setting("counter");
        ASSERT_TRUE(counter);
        int64_t stored = counter->has_value() ? std::stoll(**counter) : 0;
        EXPECT_GE(stored, acknowledged) << "round " << round << ": a write reported committed was lost";
    }
    EXPECT_GT(acknowledged, 0) << "the helper never committed a write";
}

TEST(CrashSafety, kill_9_during_downloads_resumes_and_only_verified_content_is_ever_in_place)
{
    test::TempDir dir;
    auto pki = test::TestPki::create();
    auto key = *drm::PrivateKey::generate_p256();
    test::TestHttpsServer server(key, pki.server_certificate(key, "127.0.0.1").pem());
    std::string bytes(48 * 1024 * 1024, '\0');
    ASSERT_TRUE(drm::random_bytes({ reinterpret_cast<uint8_t*>(bytes.data()), bytes.size() }));
    auto hash = drm::hex_encode(drm::sha256(drm::as_bytes(bytes)));
    server.set_file("/content", bytes);
    // 16 MiB/s: the whole file takes about 3 s, so kills 20..400 ms into a
    // run land mid-transfer however fast this machine is.
    server.set_body_rate(16 * 1024 * 1024);
    std::ofstream(dir.path() / "root.pem") << pki.root.pem();
    auto destination = dir.path() / "title.hpub";

    auto rng = seeded();
    std::uniform_int_distribution<int> delay_ms(20, 400);
    int kills = 0;
    bool done = false;
    for (int round = 0; round < 40 && !done; ++round) {
        test::ChildProcess child({ helper(), "download", dir.path().string(), server.url("/content"), hash,
            std::to_string(bytes.size()), (dir.path() / "root.pem").string(), key.public_key().spki_sha256_pin() });
        ASSERT_TRUE(child.started());
        bool kill_this_one = round < 12;
        auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(delay_ms(rng));
        while (!child.exited() && (!kill_this_one || std::chrono::steady_clock::now() < until))
            child.pump(5ms);
        if (child.kill_now())
            ++kills;
        else
            done = child.status() == 0;
        if (std::filesystem::exists(destination)) {
            auto on_disk = drm::sha256_file_hex(destination);
            ASSERT_TRUE(on_disk);
            ASSERT_EQ(*on_disk, hash) << "round " << round << ": unverified content was moved into place";
        }
    }
    EXPECT_TRUE(done) << "the download never completed";
    EXPECT_GT(kills, 0) << "no run was killed mid-transfer";
    EXPECT_EQ(*drm::sha256_file_hex(destination), hash);
    // Resuming means the bytes were not all sent again on every run.
    EXPECT_LT(server.body_bytes_sent(), bytes.size() * static_cast<uint64_t>(kills + 1));
}
