// Reader-core figures, printed as `name: value` lines:
//  - download throughput of sync::download (TLS policy, hashing, fsync,
//    rename) and of the `curl` command line, fetching the same file from the
//    same loopback TLS server; the ratio (goal ≥ 0.9);
//  - offline sign-in: unwrapping a user store (PBKDF2 600 000 + HKDF + GCM);
//  - opening an existing user store (SQLCipher keyed, schema checked).
// Each figure is the median of several runs; downloads alternate with the
// curl runs so machine load hits both alike.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <vector>

#include <spawn.h>
#include <sys/wait.h>

#include "hondana/platform/key_store.h"
#include "hondana/store/user_store.h"
#include "hondana/sync/downloader.h"
#include "test_https_server.h"
#include "test_pki.h"

extern char** environ;

using namespace hondana;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

double seconds_since(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

int run_curl(const std::vector<std::string>& args)
{
    std::vector<char*> argv;
    for (const auto& arg : args)
        argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    pid_t pid = 0;
    if (posix_spawnp(&pid, "curl", nullptr, nullptr, argv.data(), environ) != 0)
        return -1;
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string random_payload(size_t size)
{
    std::string bytes(size, '\0');
    (void)drm::random_bytes({ reinterpret_cast<uint8_t*>(bytes.data()), bytes.size() });
    return bytes;
}

void bench_download(const fs::path& dir)
{
    constexpr size_t size = 128 * 1024 * 1024;
    constexpr int runs = 9;
    auto pki = test::TestPki::create();
    auto key = *drm::PrivateKey::generate_p256();
    auto cert = pki.server_certificate(key, "127.0.0.1");
    test::TestHttpsServer server(key, cert.pem());
    auto payload = random_payload(size);
    auto hash = drm::hex_encode(drm::sha256(drm::as_bytes(payload)));
    server.set_file("/content", std::move(payload));
    std::ofstream(dir / "root.pem") << pki.root.pem();
    std::string pin = key.public_key().spki_sha256_pin();

    sync::TlsConfig config;
    config.pins = { pin, drm::PrivateKey::generate_p256()->public_key().spki_sha256_pin() };
    config.root_pem = pki.root.pem();
    config.allowed_hosts = { { "127.0.0.1", server.port() } };
    auto client = std::move(*sync::HttpClient::create(config));

    std::vector<double> ours, curl;
    for (int i = 0; i < runs; ++i) {
        fs::remove(dir / "ours.bin");
        sync::DownloadRequest request { server.url("/content"), dir / "ours.bin", hash, size, {}, 0 };
        auto start = Clock::now();
        auto result = sync::download(*client, request);
        ours.push_back(seconds_since(start));
        if (!result) {
            std::cerr << "download failed: " << result.error().message << "\n";
            std::exit(1);
        }
        fs::remove(dir / "curl.bin");
        start = Clock::now();
        int code = run_curl({ "curl", "-sS", "--fail", "--tlsv1.2", "--cacert", (dir / "root.pem").string(),
            "--pinnedpubkey", "sha256//" + pin, "-o", (dir / "curl.bin").string(), server.url("/content") });
        curl.push_back(seconds_since(start));
        if (code != 0) {
            std::cerr << "curl failed with " << code << "\n";
            std::exit(1);
        }
    }
    double mib = static_cast<double>(size) / (1024 * 1024);
    double ours_rate = mib / median(ours);
    double curl_rate = mib / median(curl);
    std::cout << "download.size_mib: " << mib << "\n";
    std::cout << "download.sync_mib_per_s: " << ours_rate << " (TLS policy + SHA-256 verify + fsync + rename)\n";
    std::cout << "download.curl_cli_mib_per_s: " << curl_rate << "\n";
    std::vector<double> ratios;
    for (size_t i = 0; i < ours.size(); ++i)
        ratios.push_back(curl[i] / ours[i]);
    std::cout << "download.ratio: " << ours_rate / curl_rate << " (median throughputs; goal >= 0.9)\n";
    std::cout << "download.ratio_median_of_pairs: " << median(ratios) << " (each run paired with the curl run after it)\n";
    fs::remove(dir / "ours.bin");
    fs::remove(dir / "curl.bin");
}

void bench_store(const fs::path& dir)
{
    constexpr int runs = 7;
    auto paths = *platform::ReaderPaths::resolve(dir / "home");
    auto key_store = std::move(*platform::FileKeyStore::open(paths.device_dir(), dir / "machine-id"));
    if (!key_store->has_device_key())
        (void)key_store->create_device_key();
    auto device = std::move(*store::DeviceStore::open(paths, *key_store));
    const char* password = "Bench-Password-1";
    store::StoreKdf kdf;
    {
        auto created = store::UserStore::open_online(paths, *key_store, *device, "bench", password, kdf);
        if (!created) {
            std::cerr << "store: " << created.error().message << "\n";
            std::exit(1);
        }
        for (int i = 0; i < 200; ++i)
            (void)(*created)->add_bookmark({ 0, "title-" + std::to_string(i % 20), "page=" + std::to_string(i), "b",
                base::now_utc() });
    }
    std::vector<double> sign_in;
    for (int i = 0; i < runs; ++i) {
        auto start = Clock::now();
        auto opened = store::UserStore::open_offline(paths, *key_store, *device, "bench", password, 5);
        sign_in.push_back(seconds_since(start));
        if (!opened)
            std::exit(1);
    }
    // Store open without the KDF: SQLCipher keying + schema check + first query.
    std::vector<double> open_only;
    for (int i = 0; i < runs; ++i) {
        auto opened = store::UserStore::open_offline(paths, *key_store, *device, "bench", password, 5);
        opened->reset();
        auto start = Clock::now();
        auto again = store::DeviceStore::open(paths, *key_store);
        open_only.push_back(seconds_since(start));
        if (!again)
            std::exit(1);
    }
    std::cout << "offline_sign_in.pbkdf2_iterations: " << kdf.iterations << "\n";
    std::cout << "offline_sign_in.ms: " << median(sign_in) * 1000 << " (PBKDF2 + HKDF + unwrap + SQLCipher open)\n";
    std::cout << "store_open.ms: " << median(open_only) * 1000 << " (device DB: key derivation + SQLCipher open + schema)\n";
}

}

int main()
{
    fs::path dir = fs::path(HONDANA_BINARY_DIR) / "bench-reader";
    fs::remove_all(dir);
    fs::create_directories(dir);
    bench_download(dir);
    bench_store(dir);
    fs::remove_all(dir);
    return 0;
}
