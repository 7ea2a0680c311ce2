// hondana-lending: the lending service (docs/service.md).
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

namespace {

struct Arguments {
    std::string data_dir, demo_dir, listen = "127.0.0.1:8443", public_url, durability = "normal", ready_file;
    size_t threads = std::max(2u, std::thread::hardware_concurrency());
    size_t hash_threads = std::max(1u, std::thread::hardware_concurrency() - 1);
    size_t max_connections = 20000;
    int header_timeout = 10, body_timeout = 30, idle_timeout = 60, drain_timeout = 10;
};

void declare(CLI::App& cli, Arguments& a)
{
    auto* data_option = cli.add_option("--data", a.data_dir, "Data directory (made by hondana-admin pki init)");
    auto* demo_option
        = cli.add_option("--demo", a.demo_dir, "Create (first time) and serve the demo tenant in this directory");
    data_option->excludes(demo_option);
    cli.add_option("--listen", a.listen, "Address and port; port 0 picks a free one")->capture_default_str();
    cli.add_option("--ready-file", a.ready_file,
        "Written atomically once listening: {address, port, pins, root_certificate, pid}");
    cli.add_option("--public-url", a.public_url, "Base URL for links in licences (default: relative links)");
    cli.add_option("--threads", a.threads, "Network threads")->capture_default_str();
    cli.add_option("--hash-threads", a.hash_threads, "Password-hashing threads")->capture_default_str();
    cli.add_option("--max-connections", a.max_connections, "Connection cap")->capture_default_str();
    cli.add_option("--header-timeout", a.header_timeout, "Seconds a client has to send its request headers")
        ->capture_default_str();
    cli.add_option("--body-timeout", a.body_timeout, "Seconds a client has to send a request body")
        ->capture_default_str();
    cli.add_option("--idle-timeout", a.idle_timeout, "Seconds a keep-alive connection may wait for its next request")
        ->capture_default_str();
    cli.add_option("--drain-timeout", a.drain_timeout, "Seconds requests in flight may finish after SIGTERM")
        ->capture_default_str();
    cli.add_option("--durability", a.durability,
           "normal: a committed write survives a crash (kill -9); full: also power loss, at lower write throughput")
        ->capture_default_str()
        ->check(CLI::IsMember({ "full", "normal" }));
}

std::optional<app::ServeOptions> serve_options(const Arguments& a)
{
    app::ServeOptions options;
    if (!app::parse_listen(a.listen, options.address, options.port)) {
        std::cerr << "hondana-lending: --listen takes ADDRESS:PORT\n";
        return std::nullopt;
    }
    options.threads = a.threads;
    options.hash_threads = a.hash_threads;
    options.limits.max_connections = a.max_connections;
    options.limits.header_timeout = std::chrono::seconds(std::max(1, a.header_timeout));
    options.limits.body_timeout = std::chrono::seconds(std::max(1, a.body_timeout));
    options.limits.idle_timeout = std::chrono::seconds(std::max(1, a.idle_timeout));
    options.limits.drain_timeout = std::chrono::seconds(std::max(1, a.drain_timeout));
    if (!a.ready_file.empty())
        options.ready_file = a.ready_file;
    return options;
}

lending::ServiceOptions service_options(const Arguments& a)
{
    lending::ServiceOptions options;
    options.durability = a.durability == "normal" ? storage::Durability::Normal : storage::Durability::Full;
    options.licensing.public_base = a.public_url;
    if (!a.public_url.empty())
        options.licensing.provider = a.public_url;
    return options;
}

}

int main(int argc, char** argv)
{
    CLI::App cli { "Hondana lending service" };
    Arguments arguments;
    declare(cli, arguments);
    CLI11_PARSE(cli, argc, argv);
    if (arguments.data_dir.empty() && arguments.demo_dir.empty()) {
        std::cerr << "hondana-lending: give --data DIR or --demo DIR\n";
        return 2;
    }
    auto options = serve_options(arguments);
    if (!options)
        return 2;
    lending::SystemClock clock;
    std::optional<nlohmann::json> demo;
    if (!arguments.demo_dir.empty()) {
        auto prepared = app::prepare_demo(arguments.demo_dir, clock);
        if (!prepared) {
            std::cerr << "hondana-lending: demo: " << prepared.error().message << "\n";
            return 1;
        }
        demo = std::move(*prepared);
        arguments.data_dir = arguments.demo_dir;
    }
    auto service = lending::LendingService::open({ arguments.data_dir }, clock, service_options(arguments));
    if (!service) {
        std::cerr << "hondana-lending: " << service.error().message << "\n";
        return 1;
    }
    if (demo)
        options->on_listening = [&](const std::string& address, uint16_t port) {
            auto host = address.find(':') != std::string::npos ? "[" + address + "]" : address;
            app::print_demo(*demo, **service, "https://" + host + ":" + std::to_string(port), std::cout);
            std::cout.flush();
        };
    return app::serve(**service, *options);
}
