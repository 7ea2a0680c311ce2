// hondana-lending-load: the issue 3 load test, on loopback only.
//
//  1. Reading starts: each is what a reader does when a student opens the app
//     and a book: a new mTLS connection, POST /v1/auth/refresh, GET
//     /v1/catalog, GET /v1/licences/{id}. Started on an open-loop schedule at
//     --rate per minute for --duration seconds; latency counts from the
//     scheduled start, so a service that falls behind shows it.
//  2. Sign-ins at the default cost (600,000 PBKDF2 iterations): a closed loop
//     of --login-concurrency clients for --login-seconds.
// Prints count, errors, achieved rate and p50/p95/p99 for each kind, and the
// service's CPU time and resident memory.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include <CLI/CLI.hpp>

#include "common/process_usage.h"
#include "service_harness.h"
#include "tls_client.h"

using namespace hondana;
using namespace hondana::test;
using hondana::bench::own_cpu;
using hondana::bench::process_usage;
using Clock = std::chrono::steady_clock;

namespace {

struct Reader {
    std::unique_ptr<TlsClient> client;
    std::string refresh;
    std::string licence;
};

class Samples {
public:
    void add(const std::string& kind, double ms, bool ok)
    {
        std::lock_guard lock(m_mutex);
        auto& entry = m_kinds[kind];
        if (ok)
            entry.latencies.push_back(ms);
        else
            ++entry.errors;
    }
    void report(double seconds, std::ostream& out)
    {
        std::lock_guard lock(m_mutex);
        char line[256];
        std::snprintf(line, sizeof line, "%-16s %8s %7s %10s %9s %9s %9s\n", "kind", "ok", "errors", "per min",
            "p50 ms", "p95 ms", "p99 ms");
        out << line;
        for (auto& [kind, entry] : m_kinds) {
            auto& v = entry.latencies;
            std::sort(v.begin(), v.end());
            auto at = [&](double q) {
                return v.empty() ? 0.0 : v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))];
            };
            std::snprintf(line, sizeof line, "%-16s %8zu %7zu %10.0f %9.1f %9.1f %9.1f\n", kind.c_str(), v.size(),
                entry.errors, v.size() * 60.0 / seconds, at(0.50), at(0.95), at(0.99));
            out << line;
        }
    }

private:
    struct Kind {
        std::vector<double> latencies;
        size_t errors { 0 };
    };
    std::mutex m_mutex;
    std::map<std::string, Kind> m_kinds;
};

double ms_since(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

bool seed_readers(ServiceHarness& service, size_t count, const std::string& title, std::vector<Reader>& readers)
{
    std::string csv = "login_id,display_name,role,school,class,reading_level,password\n";
    for (size_t i = 1; i <= count; ++i)
        csv += "r" + std::to_string(i) + ",Reader " + std::to_string(i) + ",student,North School,5-1,5,"
            + harness_password + "\n";
    auto file = service.work_dir() / "readers.csv";
    std::ofstream(file) << csv;
    std::string out;
    if (service.admin({ "user", "import", file.string() }, &out) != 0) {
        std::cerr << out;
        return false;
    }
    if (service.admin(
            { "device", "add", "--count", std::to_string(count), "--prefix", "load-", "--school", "North School" },
            &out)
        != 0)
        return false;
    std::istringstream lines(out);
    std::vector<HarnessDevice> devices;
    for (std::string line; std::getline(lines, line);) {
        auto first = line.find(','), second = line.rfind(',');
        if (line.rfind("load-", 0) == 0)
            devices.push_back({ line.substr(0, first), line.substr(first + 1, second - first - 1), "North School" });
    }
    for (size_t i = 0; i < count && i < devices.size(); ++i) {
        Reader reader;
        reader.client = std::make_unique<TlsClient>(service, enrol_device(service, devices[i]));
        auto signed_in
            = sign_in(*reader.client, { "r" + std::to_string(i + 1), harness_password, "student", "", std::nullopt });
        if (signed_in.status != 200)
            return false;
        auto access = signed_in.json()["access_token"].get<std::string>();
        reader.refresh = signed_in.json()["refresh_token"].get<std::string>();
        auto loan = reader.client->post("/v1/titles/" + title + "/borrow", nullptr, access);
        if (loan.status != 201)
            return false;
        reader.licence = loan.json()["licence_id"].get<std::string>();
        reader.client->disconnect();
        readers.push_back(std::move(reader));
    }
    return readers.size() == count;
}

// One reading start on a fresh connection; false on any error.
void reading_start(Reader& reader, Samples& samples, Clock::time_point scheduled)
{
    reader.client->disconnect();
    auto step = Clock::now();
    auto refreshed = reader.client->post("/v1/auth/refresh", { { "refresh_token", reader.refresh } });
    bool ok = refreshed.status == 200;
    samples.add("refresh", ms_since(step), ok);
    if (!ok)
        return samples.add("reading start", 0, false);
    auto json = refreshed.json();
    reader.refresh = json["refresh_token"].get<std::string>();
    auto access = json["access_token"].get<std::string>();
    step = Clock::now();
    ok = reader.client->get("/v1/catalog", access).status == 200;
    samples.add("catalog", ms_since(step), ok);
    step = Clock::now();
    bool licensed = reader.client->get("/v1/licences/" + reader.licence, access).status == 200;
    samples.add("licence", ms_since(step), licensed);
    samples.add("reading start", ms_since(scheduled), ok && licensed);
}

void run_reading_starts(
    std::vector<Reader>& readers, double per_minute, double seconds, size_t workers, Samples& samples)
{
    auto total = static_cast<size_t>(per_minute * seconds / 60.0);
    auto interval = std::chrono::duration<double>(60.0 / per_minute);
    auto begin = Clock::now() + std::chrono::milliseconds(100);
    std::atomic<size_t> next { 0 };
    std::mutex free_mutex;
    std::vector<Reader*> free_readers;
    for (auto& reader : readers)
        free_readers.push_back(&reader);
    std::vector<std::thread> threads;
    for (size_t w = 0; w < workers; ++w)
        threads.emplace_back([&] {
            for (;;) {
                size_t index = next++;
                if (index >= total)
                    return;
                auto scheduled
                    = begin + std::chrono::duration_cast<Clock::duration>(interval * static_cast<double>(index));
                std::this_thread::sleep_until(scheduled);
                Reader* reader = nullptr;
                {
                    std::lock_guard lock(free_mutex);
                    if (free_readers.empty()) {
                        samples.add("reading start", 0, false);
                        continue;
                    }
                    reader = free_readers.back();
                    free_readers.pop_back();
                }
                reading_start(*reader, samples, scheduled);
                std::lock_guard lock(free_mutex);
                free_readers.insert(free_readers.begin(), reader);
            }
        });
    for (auto& thread : threads)
        thread.join();
}

void run_logins(ServiceHarness& service, size_t users, size_t concurrency, double seconds, Samples& samples)
{
    std::atomic<bool> stop { false };
    std::atomic<size_t> next_user { 0 };
    std::vector<std::unique_ptr<TlsClient>> clients;
    for (size_t c = 0; c < concurrency; ++c)
        clients.push_back(std::make_unique<TlsClient>(service, enrol_device(service, service.devices()[c % 4])));
    std::vector<std::thread> threads;
    for (size_t c = 0; c < concurrency; ++c)
        threads.emplace_back([&, c] {
            while (!stop) {
                auto user = "l" + std::to_string(1 + next_user++ % users);
                clients[c]->disconnect();
                auto start = Clock::now();
                auto reply = sign_in(*clients[c], { user, harness_password, "student", "", std::nullopt });
                samples.add("login (600k)", ms_since(start), reply.status == 200);
            }
        });
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (auto& thread : threads)
        thread.join();
}

// Sign-ins at the default cost, by 16 users made after the cost is set.
bool login_phase(ServiceHarness& service, size_t concurrency, double seconds, size_t hash_threads)
{
    std::string out;
    if (service.admin({ "tenant", "policy", "set", "pbkdf2_iterations", "600000" }) != 0)
        return false;
    size_t users = 16;
    std::string csv = "login_id,display_name,role,school,class,reading_level,password\n";
    for (size_t i = 1; i <= users; ++i)
        csv += "l" + std::to_string(i) + ",Login " + std::to_string(i) + ",student,North School,5-1,5,"
            + harness_password + "\n";
    std::ofstream(service.work_dir() / "logins.csv") << csv;
    if (service.admin({ "user", "import", (service.work_dir() / "logins.csv").string() }, &out) != 0) {
        std::cerr << out;
        return false;
    }
    Samples logins;
    auto c0 = process_usage(service.pid()).first;
    auto l0 = Clock::now();
    run_logins(service, users, concurrency, seconds, logins);
    double elapsed = std::chrono::duration<double>(Clock::now() - l0).count();
    auto [c1, r1] = process_usage(service.pid());
    std::cout << "Sign-ins at 600,000 PBKDF2-HMAC-SHA256 iterations: " << concurrency << " clients, " << hash_threads
              << " hashing thread(s), " << seconds << " s\n";
    logins.report(elapsed, std::cout);
    std::printf("service CPU %.1f s over %.1f s (%.0f%% of one core), RSS %.0f MiB\n", c1 - c0, elapsed,
        100 * (c1 - c0) / elapsed, r1);
    return true;
}

}

int main(int argc, char** argv)
{
    CLI::App cli { "Load generator of the lending service (loopback only)" };
    double rate = 10000, duration = 60, login_seconds = 30;
    size_t readers_count = 200, workers = 48, login_concurrency = 4, hash_threads = 1;
    bool skip_logins = false;
    std::string durability = "normal";
    cli.add_option("--rate", rate, "Reading starts per minute")
        ->capture_default_str()
        ->check(CLI::Range(1.0, 100000.0));
    cli.add_option("--duration", duration, "Seconds of reading starts")
        ->capture_default_str()
        ->check(CLI::Range(1.0, 600.0));
    cli.add_option("--readers", readers_count, "Simulated readers (devices with a loan)")
        ->capture_default_str()
        ->check(CLI::Range(1, 5000));
    cli.add_option("--workers", workers, "Client threads")->capture_default_str()->check(CLI::Range(1, 512));
    cli.add_option("--login-seconds", login_seconds, "Seconds of sign-ins at 600,000 iterations")
        ->capture_default_str()
        ->check(CLI::Range(1.0, 600.0));
    cli.add_option("--login-concurrency", login_concurrency, "Concurrent sign-in clients")
        ->capture_default_str()
        ->check(CLI::Range(1, 64));
    cli.add_option("--hash-threads", hash_threads, "The service's sign-in hashing threads")->capture_default_str();
    cli.add_flag("--skip-logins", skip_logins);
    cli.add_option(
           "--durability", durability, "The service's --durability (full: fsync per commit; normal: crash-safe)")
        ->capture_default_str()
        ->check(CLI::IsMember({ "full", "normal" }));
    CLI11_PARSE(cli, argc, argv);

    HarnessOptions options;
    options.hash_threads = static_cast<int>(hash_threads);
    options.durability = durability;
    ServiceHarness service(options);
    if (!service.ok()) {
        std::cerr << "service did not start: " << service.error() << "\n";
        return 1;
    }
    std::string out;
    if (service.admin(
            { "title", "add", (service.work_dir() / "sample.epub").string(), "--title", "Load title", "--unlimited" },
            &out)
        != 0) {
        std::cerr << out;
        return 1;
    }
    auto title = out.substr(6, out.find(' ', 6) - 6);
    std::vector<Reader> readers;
    std::cout << "seeding " << readers_count << " readers (enrolled devices, signed in, one loan each)…\n"
              << std::flush;
    if (!seed_readers(service, readers_count, title, readers)) {
        std::cerr << "seeding failed\n";
        return 1;
    }
    std::cout << "service pid " << service.pid() << " on 127.0.0.1:" << service.port() << ", durability " << durability
              << ", " << std::thread::hardware_concurrency() << " cores shared with this generator\n\n";

    Samples starts;
    auto cpu0 = process_usage(service.pid()).first;
    auto own0 = own_cpu();
    auto t0 = Clock::now();
    run_reading_starts(readers, rate, duration, workers, starts);
    double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
    auto [cpu1, rss1] = process_usage(service.pid());
    std::cout << "Reading starts: target " << rate << "/min for " << duration << " s (ran " << elapsed << " s)\n";
    starts.report(elapsed, std::cout);
    std::printf(
        "service CPU %.1f s over %.1f s (%.0f%% of one core), RSS %.0f MiB; this generator used %.1f s of CPU\n\n",
        cpu1 - cpu0, elapsed, 100 * (cpu1 - cpu0) / elapsed, rss1, own_cpu() - own0);

    if (!skip_logins && !login_phase(service, login_concurrency, login_seconds, hash_threads))
        return 1;
    return 0;
}
