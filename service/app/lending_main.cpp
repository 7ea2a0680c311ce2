// hondana-lending: the lending service.
//
//   hondana-lending --data DIR [--listen 127.0.0.1:8443] [--ready-file FILE]
//   hondana-lending --demo DIR [--listen ...]

#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>

#include "app/demo.h"
#include "app/serve.h"
#include "http/log.h"
#include "lending/lending_service.h"

using namespace hondana;

int main(int argc, char** argv)
{
    CLI::App cli { "Hondana lending service" };
    std::string data_dir, demo_dir, listen = "127.0.0.1:8443", public_url, durability = "normal";
    std::string ready_file;
    size_t threads = std::max(2u, std::thread::hardware_concurrency());
    size_t hash_threads = std::max(1u, std::thread::hardware_concurrency() - 1);
    size_t max_connections = 20000;
    auto* data_option = cli.add_option("--data", data_dir, "Data directory (made by hondana-admin pki init)");
    auto* demo_option = cli.add_option("--demo", demo_dir, "Create (first time) and serve the demo tenant in this directory");
    data_option->excludes(demo_option);
    cli.add_option("--listen", listen, "Address and port; port 0 picks a free one")->capture_default_str();
    cli.add_option("--ready-file", ready_file, "Written atomically once listening: {address, port, pins, root_certificate, pid}");
    cli.add_option("--public-url", public_url, "Base URL for links in licences (default: relative links)");
    cli.add_option("--threads", threads, "Network threads")->capture_default_str();
    cli.add_option("--hash-threads", hash_threads, "Password-hashing threads")->capture_default_str();
    cli.add_option("--max-connections", max_connections, "Connection cap")->capture_default_str();
    int header_timeout = 10, body_timeout = 30, idle_timeout = 60, drain_timeout = 10;
    cli.add_option("--header-timeout", header_timeout, "Seconds a client has to send its request headers")->capture_default_str();
    cli.add_option("--body-timeout", body_timeout, "Seconds a client has to send a request body")->capture_default_str();
    cli.add_option("--idle-timeout", idle_timeout, "Seconds a keep-alive connection may wait for its next request")
        ->capture_default_str();
    cli.add_option("--drain-timeout", drain_timeout, "Seconds requests in flight may finish after SIGTERM")->capture_default_str();
    cli.add_option("--durability", durability, "normal: a committed write survives a crash (kill -9); full: also power loss, at about 40% less write throughput")->capture_default_str()
        ->check(CLI::IsMember({ "full", "normal" }));
    CLI11_PARSE(cli, argc, argv);
    if (data_dir.empty() && demo_dir.empty()) {
        std::cerr << "hondana-lending: give --data DIR or --demo DIR\n";
        return 2;
    }
    app::ServeOptions options;
    if (!app::parse_listen(listen, options.address, options.port)) {
        std::cerr << "hondana-lending: --listen takes ADDRESS:PORT\n";
        return 2;
    }
    options.threads = threads;
    options.hash_threads = hash_threads;
    options.limits.max_connections = max_connections;
    options.limits.header_timeout = std::chrono::seconds(std::max(1, header_timeout));
    options.limits.body_timeout = std::chrono::seconds(std::max(1, body_timeout));
    options.limits.idle_timeout = std::chrono::seconds(std::max(1, idle_timeout));
    options.limits.drain_timeout = std::chrono::seconds(std::max(1, drain_timeout));
    if (!ready_file.empty())
        options.ready_file = ready_file;

    lending::SystemClock clock;
    std::optional<nlohmann::json> demo;
    if (!demo_dir.empty()) {
        auto prepared = app::prepare_demo(demo_dir, clock);
        if (!prepared) {
            std::cerr << "hondana-lending: demo: " << prepared.error().message << "\n";
            return 1;
        }
        demo = std::move(*prepared);
        data_dir = demo_dir;
    }
    lending::ServiceOptions service_options;
    service_options.durability = durability == "normal" ? storage::Durability::Normal : storage::Durability::Full;
    service_options.licensing.public_base = public_url;
    if (!public_url.empty())
        service_options.licensing.provider = public_url;
    auto service = lending::LendingService::open({ data_dir }, clock, service_options);
    if (!service) {
        std::cerr << "hondana-lending: " << service.error().message << "\n";
        return 1;
    }
    if (demo)
        options.on_listening = [&](const std::string& address, uint16_t port) {
            auto host = address.find(':') != std::string::npos ? "[" + address + "]" : address;
            app::print_demo(*demo, **service, "https://" + host + ":" + std::to_string(port), std::cout);
            std::cout.flush();
        };
    return app::serve(**service, options);
}
