// A child process for the crash-safety and clock tests: it does real store
// writes, downloads or trusted-clock readings with the reader's own code, so
// the test can kill -9 it at any moment (or run it under libfaketime).
//
//   crash_helper store STATE_DIR             write records forever, print each committed counter
//   crash_helper download STATE_DIR URL SHA256 LENGTH ROOT_PEM PIN
//   crash_helper clock STATE_DIR [SERVER_TIME]  print trusted time; observe a server time when given

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "hondana/platform/key_store.h"
#include "hondana/platform/trusted_clock.h"
#include "hondana/store/user_store.h"
#include "hondana/sync/downloader.h"

using namespace hondana;

namespace {

constexpr const char* password = "Crash-Test-Pass-1";

struct State {
    platform::ReaderPaths paths;
    std::unique_ptr<platform::FileKeyStore> key_store;
    std::unique_ptr<store::DeviceStore> device;
};

State open_state(const std::string& dir)
{
    State state;
    state.paths = *platform::ReaderPaths::resolve(std::filesystem::path(dir));
    state.key_store = std::move(*platform::FileKeyStore::open(state.paths.device_dir(), state.paths.home / "machine-id"));
    if (!state.key_store->has_device_key() && !state.key_store->create_device_key())
        std::exit(3);
    auto device = store::DeviceStore::open(state.paths, *state.key_store);
    if (!device) {
        std::cerr << "device store: " << device.error().message << "\n";
        std::exit(4);
    }
    state.device = std::move(*device);
    return state;
}

int write_store(const std::string& dir)
{
    auto state = open_state(dir);
    auto opened = store::UserStore::exists(state.paths, "crash")
        ? store::UserStore::open_offline(state.paths, *state.key_store, *state.device, "crash", password, 1000)
        : store::UserStore::open_online(state.paths, *state.key_store, *state.device, "crash", password, { 1000 });
    if (!opened) {
        std::cerr << "user store: " << opened.error().message << "\n";
        return 5;
    }
    auto& user = **opened;
    auto counter = user.setting("counter").value_or(std::nullopt);
    int64_t i = counter ? std::stoll(*counter) : 0;
    while (true) {
        ++i;
        auto now = base::now_utc();
        bool ok = user.save_position({ "title-" + std::to_string(i % 5), "page=" + std::to_string(i), now })
            && user.add_bookmark({ 0, "title-" + std::to_string(i % 5), "page=" + std::to_string(i), "b", now })
            && state.device->append_audit("test.write", now, "crash", std::nullopt, std::to_string(i))
            && user.set_setting("counter", std::to_string(i));
        if (!ok)
            return 6;
        std::cout << i << std::endl;
    }
}

int download(char** argv)
{
    std::ifstream root_file(argv[6]);
    std::stringstream root;
    root << root_file.rdbuf();
    auto url = platform::parse_https_url(argv[3]);
    sync::TlsConfig config;
    config.pins = { argv[7], "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" };
    config.root_pem = root.str();
    config.allowed_hosts = { { url->host, url->port } };
    auto client = sync::HttpClient::create(config);
    if (!client)
        return 5;
    sync::DownloadRequest request { argv[3], std::filesystem::path(argv[2]) / "title.hpub", argv[4],
        std::stoull(argv[5]), {}, 8 };
    auto result = sync::download(**client, request, [](uint64_t have, uint64_t) { std::cout << have << std::endl; });
    if (!result) {
        std::cerr << "download: " << result.error().message << "\n";
        return 6;
    }
    std::cout << "done " << result->length << std::endl;
    return 0;
}

int clock(const std::string& dir, const char* server_time)
{
    auto state = open_state(dir);
    platform::SystemClock system;
    platform::TrustedClock trusted(system, *state.device->clock_ratchet());
    if (server_time)
        trusted.observe_server_time(*base::parse_rfc3339(server_time));
    auto now = trusted.now();
    if (now.rollback_detected)
        (void)state.device->append_audit(store::audit_type::clock_rollback, now.now, std::nullopt, std::nullopt,
            "wall clock behind trusted time by " + std::to_string(-now.wall_offset.count()) + " s");
    if (!state.device->save_clock_ratchet(trusted.ratchet()))
        return 6;
    std::cout << base::format_rfc3339(now.now) << " " << platform::clock_state_name(now.state) << " "
              << (now.rollback_detected ? "rollback" : "ok") << " wall=" << base::format_rfc3339(system.wall_now())
              << std::endl;
    return 0;
}

}

int main(int argc, char** argv)
{
    std::string mode = argc > 2 ? argv[1] : "";
    if (mode == "store")
        return write_store(argv[2]);
    if (mode == "download" && argc == 8)
        return download(argv);
    if (mode == "clock")
        return clock(argv[2], argc > 3 ? argv[3] : nullptr);
    std::cerr << "usage: crash_helper store|download|clock STATE_DIR …\n";
    return 2;
}
