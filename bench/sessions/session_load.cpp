// hondana-sessions-load: the issue 6 load test (REQ PERF-1, PERF-2), on
// loopback only, bounded in count and time; it stops by itself.
//
//  (a) Idle streams: every student of --classes × --per-class holds GET
//      /v1/events open over its own tablet's mTLS connection; after all are
//      open, --idle seconds of heartbeats only. Reports the service's
//      resident memory and CPU (goal: 10,000 streams in ≤ 1 GiB).
//  (b) One class starts: its teacher POSTs /v1/sessions (start now) while all
//      streams stay open; latency from just before the request to the last
//      of the class's students receiving session.started; then the teacher
//      ends it. --runs times; p50/p95/p99 (goal: p99 ≤ 200 ms).
//  (c) The bell: every class's teacher starts a session, spread evenly over
//      --bell seconds; each student, on its session.started event, fetches
//      its licence (GET /v1/licences/{id}) on a new mTLS connection of its
//      tablet. All notified and licensed, zero errors; p99 from the
//      teacher's start to the licence in hand (goal: ≤ 2 s).

#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>

#include <CLI/CLI.hpp>

#include "common/process_usage.h"
#include "school.h"
#include "stream_pool.h"

using namespace hondana;
using namespace hondana::bench;

namespace {

double ms_between(Clock::time_point from, Clock::time_point to)
{
    return std::chrono::duration<double, std::milli>(to - from).count();
}

struct Percentiles {
    double p50 { 0 }, p95 { 0 }, p99 { 0 }, max { 0 };
};

Percentiles percentiles(std::vector<double> values)
{
    if (values.empty())
        return {};
    std::sort(values.begin(), values.end());
    auto at = [&](double q) { return values[std::min(values.size() - 1, static_cast<size_t>(q * values.size()))]; };
    return { at(0.50), at(0.95), at(0.99), values.back() };
}

void ratio_line(const char* what, double measured, double goal, const char* unit, bool lower_is_better)
{
    double ratio = goal > 0 ? measured / goal : 0;
    bool met = lower_is_better ? measured <= goal : measured >= goal;
    std::printf("  %-44s %10.1f %-4s goal %8.0f %-4s ratio %5.2f  %s\n", what, measured, unit, goal, unit, ratio,
        met ? "met" : "NOT met");
}

// What the observer saw, per student, for the phase running.
struct Arrivals {
    std::mutex mutex;
    std::condition_variable changed;
    std::string type;                  // the event type being waited for
    std::vector<Clock::time_point> at; // per student: arrival of `type` (epoch when not yet)
    std::vector<std::string> licence;  // per student: licence_id of session.started
    std::vector<size_t> count_per_class;
    size_t total { 0 };
    std::function<void(size_t student)> on_arrival; // copied under the lock, called outside it

    void reset(const std::string& wanted, size_t students, size_t classes,
        std::function<void(size_t student)> callback = nullptr)
    {
        std::lock_guard lock(mutex);
        on_arrival = std::move(callback);
        type = wanted;
        at.assign(students, {});
        licence.assign(students, {});
        count_per_class.assign(classes, 0);
        total = 0;
    }
};

// The licence fetches of the bell: students whose session.started came, in arrival order.
struct FetchQueue {
    std::mutex mutex;
    std::condition_variable ready;
    std::deque<size_t> students;
    bool done { false };
};

struct BellResults {
    std::mutex mutex;
    std::vector<Clock::time_point> class_t0;
    std::vector<double> start_to_licence, start_to_event, start_request;
    size_t started { 0 }, start_errors { 0 }, licensed { 0 }, licence_errors { 0 };
};

struct Config {
    size_t classes { 250 }, per_class { 40 }, runs { 30 }, in_flight { 256 }, fetchers { 16 }, seed_threads { 8 };
    double idle { 60 }, bell { 60 };
    bool skip_bell { false };
};

class Run {
public:
    Run(test::ServiceHarness& service, School& school, const Config& config)
        : m_service(service)
        , m_school(school)
        , m_config(config)
    {
    }
    bool open_streams();
    void idle_phase();
    bool one_class_phase(const std::string& title);
    bool bell_phase(const std::string& title);
    void close() { m_pool.reset(); }

private:
    void observe(size_t student, std::string_view type, std::string_view data, Clock::time_point now);
    bool wait_class(size_t class_index, std::chrono::seconds timeout);
    void fetch_licence(size_t student, BellResults& results);
    void fetch_worker(FetchQueue& queue, BellResults& results);
    void ring_bell(const std::string& title, BellResults& results);
    void settle(BellResults& results);
    void report_bell(const BellResults& results, size_t notified, double seconds, std::pair<double, double> before,
        std::pair<double, double> after);
    std::optional<std::string> start(size_t class_index, const std::string& title, test::TlsClient& client);

    test::ServiceHarness& m_service;
    School& m_school;
    const Config& m_config;
    std::unique_ptr<StreamPool> m_pool;
    Arrivals m_arrivals;
    double m_rss_before_streams { 0 };
};

void Run::observe(size_t student, std::string_view type, std::string_view data, Clock::time_point now)
{
    std::function<void(size_t)> then; // read under the lock: a phase may be switching over
    {
        std::lock_guard lock(m_arrivals.mutex);
        if (type != m_arrivals.type || m_arrivals.at[student] != Clock::time_point {})
            return;
        m_arrivals.at[student] = now;
        if (type == "session.started") {
            auto found = data.find("\"licence_id\":\"");
            if (found != std::string_view::npos) {
                auto value = data.substr(found + 14);
                m_arrivals.licence[student] = std::string(value.substr(0, value.find('"')));
            }
        }
        ++m_arrivals.count_per_class[m_school.students[student].class_index];
        ++m_arrivals.total;
        then = m_arrivals.on_arrival;
    }
    m_arrivals.changed.notify_all();
    if (then)
        then(student);
}

bool Run::open_streams()
{
    std::vector<StreamTarget> targets;
    for (const auto& student : m_school.students)
        targets.push_back({ student.device, student.access_token });
    auto [cpu0, rss0] = process_usage(m_service.pid());
    m_rss_before_streams = rss0;
    auto began = Clock::now();
    m_pool = std::make_unique<StreamPool>(m_service, std::move(targets),
        [this](size_t s, std::string_view type, std::string_view data, Clock::time_point now) {
            observe(s, type, data, now);
        });
    m_pool->open_all(m_config.in_flight, std::chrono::seconds(600));
    double seconds = ms_between(began, Clock::now()) / 1000;
    auto [cpu1, rss1] = process_usage(m_service.pid());
    std::printf(
        "(a) opened %zu of %zu event streams in %.1f s (%.0f/s), %zu failed%s%s; service CPU %.1f s, RSS %.0f → "
        "%.0f MiB\n",
        m_pool->opened(), m_school.students.size(), seconds, static_cast<double>(m_pool->opened()) / seconds,
        m_pool->failed(), m_pool->failed() ? ": " : "", m_pool->first_error().c_str(), cpu1 - cpu0, rss0, rss1);
    return m_pool->opened() > 0;
}

void Run::idle_phase()
{
    auto cpu0 = process_usage(m_service.pid()).first;
    auto beats0 = m_pool->heartbeats();
    auto own0 = own_cpu();
    auto began = Clock::now();
    std::this_thread::sleep_for(std::chrono::duration<double>(m_config.idle));
    double seconds = ms_between(began, Clock::now()) / 1000;
    auto [cpu1, rss1] = process_usage(m_service.pid());
    auto streams = m_pool->opened() - m_pool->ended();
    std::printf("(a) idle %.0f s with %zu streams open: %zu heartbeats received (%.1f per stream), %zu streams ended\n",
        seconds, streams, m_pool->heartbeats() - beats0,
        static_cast<double>(m_pool->heartbeats() - beats0) / static_cast<double>(std::max<size_t>(1, streams)),
        m_pool->ended());
    std::printf(
        "    service RSS %.0f MiB (%.1f KiB per stream over the %.0f MiB before), CPU %.2f s = %.1f%% of one core; "
        "generator CPU %.1f s\n",
        rss1, (rss1 - m_rss_before_streams) * 1024 / static_cast<double>(std::max<size_t>(1, streams)),
        m_rss_before_streams, cpu1 - cpu0, 100 * (cpu1 - cpu0) / seconds, own_cpu() - own0);
    ratio_line("streams held open", static_cast<double>(streams), 10000, "", false);
    ratio_line("service RSS", rss1, 1024, "MiB", true);
}

std::optional<std::string> Run::start(size_t class_index, const std::string& title, test::TlsClient& client)
{
    auto reply = client.post("/v1/sessions", { { "class", m_school.classes[class_index] }, { "title_id", title } },
        m_school.teachers[class_index].access_token);
    if (reply.status != 201) {
        std::fprintf(
            stderr, "start of %s: %u %s\n", m_school.classes[class_index].c_str(), reply.status, reply.body.c_str());
        return std::nullopt;
    }
    return reply.json()["id"].get<std::string>();
}

bool Run::wait_class(size_t class_index, std::chrono::seconds timeout)
{
    std::unique_lock lock(m_arrivals.mutex);
    return m_arrivals.changed.wait_for(
        lock, timeout, [&] { return m_arrivals.count_per_class[class_index] >= m_school.per_class; });
}

bool Run::one_class_phase(const std::string& title)
{
    auto& teacher = m_school.teachers[0];
    test::TlsClient client(m_service, teacher.device);
    std::vector<double> last_student, request_ms;
    size_t incomplete = 0;
    for (size_t run = 0; run < m_config.runs; ++run) {
        m_arrivals.reset("session.started", m_school.students.size(), m_school.classes.size());
        auto t0 = Clock::now();
        auto id = start(0, title, client);
        auto replied = Clock::now();
        if (!id)
            return false;
        if (!wait_class(0, std::chrono::seconds(10)))
            ++incomplete;
        Clock::time_point last = t0;
        {
            std::lock_guard lock(m_arrivals.mutex);
            for (size_t s = 0; s < m_school.per_class; ++s)
                last = std::max(last, m_arrivals.at[s]);
        }
        last_student.push_back(ms_between(t0, last));
        request_ms.push_back(ms_between(t0, replied));
        m_arrivals.reset("session.ended", m_school.students.size(), m_school.classes.size());
        auto ended = client.post("/v1/sessions/" + *id + "/end", nullptr, teacher.access_token);
        if (ended.status != 200 || !wait_class(0, std::chrono::seconds(10))) {
            std::fprintf(stderr, "end: %u %s\n", ended.status, ended.body.c_str());
            return false;
        }
    }
    auto p = percentiles(last_student);
    auto q = percentiles(request_ms);
    std::printf("(b) one class of %zu starts, %zu runs with %zu streams open (%zu runs incomplete):\n",
        m_school.per_class, m_config.runs, m_pool->opened() - m_pool->ended(), incomplete);
    std::printf("    teacher's start → last student's session.started: p50 %.1f  p95 %.1f  p99 %.1f  max %.1f ms\n",
        p.p50, p.p95, p.p99, p.max);
    std::printf("    the start request itself (licences for the class): p50 %.1f  p99 %.1f ms\n", q.p50, q.p99);
    ratio_line("p99 start → last student's event", p.p99, 200, "ms", true);
    return incomplete == 0;
}

// One licence fetch of the bell: the student's tablet opens a new mTLS
// connection and asks for the licence its session.started named.
void Run::fetch_licence(size_t s, BellResults& results)
{
    std::string licence;
    Clock::time_point notified;
    {
        std::lock_guard lock(m_arrivals.mutex);
        licence = m_arrivals.licence[s];
        notified = m_arrivals.at[s];
    }
    const auto& student = m_school.students[s];
    test::TlsClient client(m_service, student.device);
    auto reply = client.get("/v1/licences/" + licence, student.access_token);
    auto done = Clock::now();
    std::lock_guard lock(results.mutex);
    auto t0 = results.class_t0[student.class_index];
    results.start_to_event.push_back(ms_between(t0, notified));
    if (reply.status == 200 && !licence.empty()) {
        ++results.licensed;
        results.start_to_licence.push_back(ms_between(t0, done));
    } else if (results.licence_errors++ == 0) {
        std::fprintf(stderr, "licence [%s] of %s: %u %s\n", licence.c_str(), student.login_id.c_str(), reply.status,
            reply.body.substr(0, 300).c_str());
    }
}

void Run::fetch_worker(FetchQueue& queue, BellResults& results)
{
    for (;;) {
        size_t s = 0;
        {
            std::unique_lock lock(queue.mutex);
            queue.ready.wait(lock, [&] { return queue.done || !queue.students.empty(); });
            if (queue.students.empty())
                return;
            s = queue.students.front();
            queue.students.pop_front();
        }
        fetch_licence(s, results);
    }
}

// Every class's teacher starts its session, open loop, evenly over --bell seconds.
void Run::ring_bell(const std::string& title, BellResults& results)
{
    const size_t classes = m_school.classes.size();
    auto began = Clock::now() + std::chrono::milliseconds(100);
    auto interval = std::chrono::duration<double>(m_config.bell / static_cast<double>(classes));
    std::atomic<size_t> next { 0 };
    std::vector<std::thread> teachers;
    for (size_t t = 0; t < std::min<size_t>(classes, 32); ++t)
        teachers.emplace_back([&] {
            for (size_t c = next++; c < classes; c = next++) {
                std::this_thread::sleep_until(
                    began + std::chrono::duration_cast<Clock::duration>(interval * static_cast<double>(c)));
                test::TlsClient client(m_service, m_school.teachers[c].device);
                auto t0 = Clock::now();
                {
                    std::lock_guard lock(results.mutex);
                    results.class_t0[c] = t0;
                }
                auto id = start(c, title, client);
                std::lock_guard lock(results.mutex);
                results.start_request.push_back(ms_between(t0, Clock::now()));
                ++(id ? results.started : results.start_errors);
            }
        });
    for (auto& thread : teachers)
        thread.join();
}

// Waits (at most two minutes) until every started class's students have their licence or an error.
void Run::settle(BellResults& results)
{
    auto deadline = Clock::now() + std::chrono::seconds(120);
    while (Clock::now() < deadline) {
        {
            std::lock_guard lock(results.mutex);
            if (results.licensed + results.licence_errors >= results.started * m_school.per_class)
                return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

void Run::report_bell(const BellResults& results, size_t notified, double seconds, std::pair<double, double> before,
    std::pair<double, double> after)
{
    auto licence = percentiles(results.start_to_licence);
    auto event = percentiles(results.start_to_event);
    auto request = percentiles(results.start_request);
    std::printf("(c) the bell: %zu classes × %zu students started over %.0f s (%zu starts ok, %zu refused or failed)\n",
        m_school.classes.size(), m_school.per_class, m_config.bell, results.started, results.start_errors);
    std::printf("    notified %zu of %zu, licensed %zu, licence errors %zu; ran %.1f s\n", notified,
        m_school.students.size(), results.licensed, results.licence_errors, seconds);
    std::printf("    start → session.started:  p50 %.1f  p95 %.1f  p99 %.1f  max %.1f ms\n", event.p50, event.p95,
        event.p99, event.max);
    std::printf("    start → licence in hand:  p50 %.1f  p95 %.1f  p99 %.1f  max %.1f ms\n", licence.p50, licence.p95,
        licence.p99, licence.max);
    std::printf("    start request (a class's licences): p50 %.1f  p95 %.1f  p99 %.1f ms\n", request.p50, request.p95,
        request.p99);
    std::printf("    service CPU %.1f s over %.1f s (%.0f%% of one core), RSS %.0f → %.0f MiB\n",
        after.first - before.first, seconds, 100 * (after.first - before.first) / seconds, before.second, after.second);
    ratio_line("students licensed", static_cast<double>(results.licensed),
        static_cast<double>(m_school.students.size()), "", false);
    ratio_line("p99 start → licence", licence.p99, 2000, "ms", true);
}

bool Run::bell_phase(const std::string& title)
{
    const size_t classes = m_school.classes.size();
    const size_t students = m_school.students.size();
    BellResults results;
    results.class_t0.resize(classes);
    FetchQueue queue;
    m_arrivals.reset("session.started", students, classes, [&](size_t student) {
        {
            std::lock_guard lock(queue.mutex);
            queue.students.push_back(student);
        }
        queue.ready.notify_one();
    });
    std::vector<std::thread> fetchers;
    for (size_t f = 0; f < m_config.fetchers; ++f)
        fetchers.emplace_back([&] { fetch_worker(queue, results); });
    auto before = process_usage(m_service.pid());
    auto own_before = own_cpu();
    auto began = Clock::now();
    ring_bell(title, results);
    settle(results);
    {
        std::lock_guard lock(queue.mutex);
        queue.done = true;
    }
    queue.ready.notify_all();
    for (auto& thread : fetchers)
        thread.join();
    double seconds = ms_between(began, Clock::now()) / 1000;
    auto after = process_usage(m_service.pid());
    size_t notified = 0;
    {
        std::lock_guard lock(m_arrivals.mutex);
        notified = m_arrivals.total;
    }
    m_arrivals.reset("", students, classes); // no more fetches
    report_bell(results, notified, seconds, before, after);
    std::printf("    this generator used %.1f s of CPU (%.0f%% of one core)\n", own_cpu() - own_before,
        100 * (own_cpu() - own_before) / seconds);
    return results.start_errors == 0 && results.licence_errors == 0 && results.licensed == students;
}

std::optional<std::string> add_title(
    test::ServiceHarness& service, const std::string& name, const std::vector<std::string>& holding)
{
    std::string out;
    std::vector<std::string> args = { "title", "add", (service.work_dir() / "sample.epub").string(), "--title", name };
    args.insert(args.end(), holding.begin(), holding.end());
    if (service.admin(args, &out) != 0 || out.size() < 7) {
        std::cerr << "title add: " << out;
        return std::nullopt;
    }
    return out.substr(6, out.find(' ', 6) - 6);
}

void add_options(CLI::App& cli, Config& config)
{
    cli.add_option("--classes", config.classes, "Classes (one teacher each)")
        ->capture_default_str()
        ->check(CLI::Range(1, 400));
    cli.add_option("--per-class", config.per_class, "Students per class")
        ->capture_default_str()
        ->check(CLI::Range(1, 99));
    cli.add_option("--idle", config.idle, "Seconds of idle streams (heartbeats only)")
        ->capture_default_str()
        ->check(CLI::Range(1.0, 300.0));
    cli.add_option("--runs", config.runs, "Starts of one class")->capture_default_str()->check(CLI::Range(1, 500));
    cli.add_option("--bell", config.bell, "Seconds over which every class starts")
        ->capture_default_str()
        ->check(CLI::Range(1.0, 300.0));
    cli.add_option("--fetchers", config.fetchers, "Concurrent licence fetches at the bell")
        ->capture_default_str()
        ->check(CLI::Range(1, 256));
    cli.add_option("--in-flight", config.in_flight, "Streams connecting at once")
        ->capture_default_str()
        ->check(CLI::Range(1, 4096));
    cli.add_option("--seed-threads", config.seed_threads, "Concurrent enrolments while seeding")
        ->capture_default_str()
        ->check(CLI::Range(1, 64));
    cli.add_flag("--skip-bell", config.skip_bell, "Run (a) and (b) only");
}

// Raises this process's descriptor limit to its hard limit (the service
// inherits it); the limit, or nothing when the run needs more.
std::optional<rlim_t> raise_file_limit(const Config& config)
{
    rlimit files {};
    ::getrlimit(RLIMIT_NOFILE, &files);
    files.rlim_cur = files.rlim_max; // the service inherits it
    ::setrlimit(RLIMIT_NOFILE, &files);
    size_t needed = config.classes * (config.per_class + 1) + config.fetchers + 256;
    if (needed > files.rlim_cur) {
        std::fprintf(stderr, "%zu streams need about %zu file descriptors; the limit is %llu\n",
            config.classes * config.per_class, needed, static_cast<unsigned long long>(files.rlim_cur));
        return std::nullopt;
    }
    return files.rlim_cur;
}

}

int main(int argc, char** argv)
{
    CLI::App cli { "Load generator of class sessions and their event streams (loopback only)" };
    Config config;
    add_options(cli, config);
    CLI11_PARSE(cli, argc, argv);
    std::setvbuf(stdout, nullptr, _IOLBF, 0); // each figure as soon as it is known, also into a file
    auto descriptors = raise_file_limit(config);
    if (!descriptors)
        return 1;
    test::HarnessOptions options;
    options.max_connections = static_cast<int>(std::min<rlim_t>(*descriptors - 200, 20000));
    test::ServiceHarness service(options);
    if (!service.ok()) {
        std::cerr << "service did not start: " << service.error() << "\n";
        return 1;
    }
    // The run lasts longer than the default 15-minute access token.
    if (service.admin({ "tenant", "policy", "set", "access_token_minutes", "120" }) != 0)
        return 1;
    auto bell_title = add_title(service, "Bell title", { "--unlimited" });
    auto class_title = add_title(service, "Class set title", { "--class-set", std::to_string(config.per_class) });
    if (!bell_title || !class_title)
        return 1;
    School school;
    auto seeding = Clock::now();
    std::printf("seeding %zu classes × %zu students and their teachers, each on an enrolled tablet…\n", config.classes,
        config.per_class);
    if (!seed_school(service, { config.classes, config.per_class, config.seed_threads }, school))
        return 1;
    std::printf("seeded in %.0f s; service pid %d on 127.0.0.1:%u, %u cores shared with this generator\n\n",
        ms_between(seeding, Clock::now()) / 1000, service.pid(), service.port(), std::thread::hardware_concurrency());
    Run run(service, school, config);
    if (!run.open_streams())
        return 1;
    run.idle_phase();
    std::printf("\n");
    bool ok = run.one_class_phase(*class_title);
    std::printf("\n");
    if (!config.skip_bell)
        ok = run.bell_phase(*bell_title) && ok;
    run.close();
    return ok ? 0 : 1;
}
