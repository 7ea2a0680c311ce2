// Segmented AES-256-GCM benchmarks (issue 2), printed against their goals:
//  (a) decrypt throughput of SegmentedReader reading a 100 MiB protected
//      buffer sequentially, against one plain OpenSSL EVP AES-256-GCM decrypt
//      pass over a buffer of the same size (goal: ratio >= 0.90);
//  (b) latency of 4 KiB reads at random offsets in a 100 MiB protected file on
//      disk (page cache warm, as a reader's store file is): p50/p99/max
//      (goal: p99 < 100 us);
//  (c) the cost of opening a package's resources: segment key derivation
//      (HKDF-SHA256 per call against a package's SegmentKeyring) and
//      SegmentedReader::open of 16 KiB resources through each.
// Build and run it in release mode; see docs/drm.md.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include "hondana/drm/segment_keyring.h"
#include "hondana/drm/segmented.h"

using namespace hondana::drm;

namespace {

constexpr size_t protected_size = 100 * 1024 * 1024;
constexpr size_t random_read_size = 4096;
constexpr int random_reads = 20000;

// Everything the benchmarks share, made once.
struct Inputs {
    SecretBytes key;
    Bytes plaintext;
    std::shared_ptr<MemoryByteSource> protected_buffer;
    std::array<uint8_t, 12> nonce {};
    Bytes gcm_ciphertext;
    std::array<uint8_t, 16> gcm_tag {};
    std::filesystem::path folder;

    Inputs()
        : key(random_secret(32).value())
        , plaintext(protected_size)
    {
        if (!random_bytes(plaintext) || !random_bytes(nonce))
            std::abort();
        protected_buffer = std::make_shared<MemoryByteSource>(encrypt_segmented(plaintext, key.view()).value());
        gcm_ciphertext.resize(plaintext.size());
        EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
        int length = 0;
        if (EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, key.data(), nonce.data()) != 1
            || EVP_EncryptUpdate(
                   ctx, gcm_ciphertext.data(), &length, plaintext.data(), static_cast<int>(plaintext.size()))
                != 1
            || EVP_EncryptFinal_ex(ctx, gcm_ciphertext.data() + length, &length) != 1
            || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, gcm_tag.data()) != 1)
            std::abort();
        EVP_CIPHER_CTX_free(ctx);
        folder = std::filesystem::temp_directory_path() / ("hondana-drm-bench-" + random_hex(4).value());
        std::filesystem::create_directories(folder);
    }
    ~Inputs()
    {
        std::error_code ignored;
        std::filesystem::remove_all(folder, ignored);
    }

    // The plaintext protected with `segment_size`, as a file in `folder`.
    std::filesystem::path protected_file(uint32_t segment_size)
    {
        auto path = folder / ("book-" + std::to_string(segment_size) + ".hnds");
        if (std::filesystem::exists(path))
            return path;
        std::FILE* file = std::fopen(path.c_str(), "wb");
        MemoryByteSource source(plaintext);
        auto written = encrypt_segmented(
            source, key.view(),
            [file](ByteView bytes) -> Result<void> {
                if (std::fwrite(bytes.data(), 1, bytes.size(), file) != bytes.size())
                    return fail(ErrorKind::Io, "short write");
                return {};
            },
            segment_size);
        if (std::fclose(file) != 0 || !written)
            std::abort();
        return path;
    }
};

Inputs& inputs()
{
    static Inputs shared;
    return shared;
}

Bytes touched_buffer(size_t size)
{
    Bytes out(size);
    std::fill(out.begin(), out.end(), uint8_t(1)); // fault the pages in before timing
    return out;
}

// This thread's CPU time: on a shared machine, wall-clock time includes time
// the thread waited for a core; CPU time shows what the work itself cost.
double thread_cpu_micros()
{
    timespec now {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e6 + static_cast<double>(now.tv_nsec) / 1e3;
}

// Where sequential reads put their bytes: each at its own offset of the
// 100 MiB output (the reported figure), or all into one reused buffer of the
// read's size, as a consumer that processes a block and reads the next does
// (render/'s byte stream, for instance).
enum class Destination { WholeOutput = 0, ReusedBuffer = 1 };

// SegmentedReader: the whole 100 MiB read sequentially, `read_size` at a time.
bool segmented_pass(SegmentedReader& reader, Bytes& out, size_t read_size, Destination destination)
{
    for (size_t offset = 0; offset < protected_size; offset += read_size) {
        std::span<uint8_t> target
            = std::span(out).subspan(destination == Destination::WholeOutput ? offset : 0, read_size);
        auto count = reader.read_at(offset, target);
        if (!count || *count != read_size)
            return false;
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
    return true;
}

// The copy any reader must make when a read is smaller than a segment: the
// segment's plaintext is authenticated as a whole before any byte of it is
// handed out, so what a small read gets is copied from where the segment was
// decrypted. This pass is only that copy (100 MiB in `read_size` pieces from
// one segment-sized buffer into the output), to bound the ratio such a
// reader can reach: evp / (evp + copy).
void copy_pass(Bytes& out, size_t read_size, const Bytes& segment)
{
    for (size_t offset = 0; offset < protected_size; offset += read_size)
        std::copy_n(segment.data() + offset % segment.size(), read_size, out.data() + offset);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
}

// The baseline: one EVP AES-256-GCM decrypt of the whole buffer.
bool evp_pass(Bytes& out)
{
    Inputs& in = inputs();
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    int length = 0;
    std::array<uint8_t, 16> tag = in.gcm_tag;
    bool ok = EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, in.key.data(), in.nonce.data()) == 1
        && EVP_DecryptUpdate(ctx, out.data(), &length, in.gcm_ciphertext.data(), static_cast<int>(protected_size)) == 1
        && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, tag.data()) == 1
        && EVP_DecryptFinal_ex(ctx, out.data() + length, &length) == 1;
    EVP_CIPHER_CTX_free(ctx);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
    return ok;
}

void segmented_sequential(benchmark::State& state)
{
    size_t read_size = static_cast<size_t>(state.range(0));
    auto reader = SegmentedReader::open(inputs().protected_buffer, inputs().key.view()).value();
    Bytes out = touched_buffer(protected_size);
    for (auto _ : state) {
        if (!segmented_pass(*reader, out, read_size, Destination::WholeOutput))
            state.SkipWithError("read failed");
    }
    if (!std::equal(out.begin(), out.end(), inputs().plaintext.begin()))
        state.SkipWithError("plaintext differs");
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(protected_size));
}

void evp_gcm_one_pass(benchmark::State& state)
{
    Bytes out = touched_buffer(protected_size);
    for (auto _ : state) {
        if (!evp_pass(out))
            state.SkipWithError("EVP decrypt failed");
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(protected_size));
}

// (a) as reported against the goal: the two passes alternate, round after
// round, timed on the thread's CPU time, so that load from other processes
// falls on both alike; the ratio is the median of the rounds' ratios. For
// reads smaller than a segment each round also times copy_pass, the bound
// of any reader that copies authenticated plaintext out.
void paired_throughput(benchmark::State& state)
{
    constexpr int rounds = 15;
    size_t read_size = static_cast<size_t>(state.range(0));
    auto destination = static_cast<Destination>(state.range(1));
    auto reader = SegmentedReader::open(inputs().protected_buffer, inputs().key.view()).value();
    Bytes out = touched_buffer(protected_size);
    Bytes segment = touched_buffer(default_segment_size);
    std::vector<double> evp_times;
    std::vector<double> ours_times;
    std::vector<double> ratios;
    std::vector<double> bounds;
    for (auto _ : state) {
        for (int round = 0; round < rounds; ++round) {
            double start = thread_cpu_micros();
            bool evp_ok = evp_pass(out);
            double middle = thread_cpu_micros();
            bool ours_ok = segmented_pass(*reader, out, read_size, destination);
            double end = thread_cpu_micros();
            if (!evp_ok || !ours_ok)
                state.SkipWithError("decrypt failed");
            evp_times.push_back(middle - start);
            ours_times.push_back(end - middle);
            ratios.push_back((middle - start) / (end - middle));
            if (read_size < default_segment_size && destination == Destination::WholeOutput) {
                double copy_start = thread_cpu_micros();
                copy_pass(out, read_size, segment);
                bounds.push_back((middle - start) / (middle - start + thread_cpu_micros() - copy_start));
            }
        }
    }
    if (destination == Destination::WholeOutput) {
        if (!segmented_pass(*reader, out, read_size, destination)
            || !std::equal(out.begin(), out.end(), inputs().plaintext.begin()))
            state.SkipWithError("plaintext differs");
    }
    std::sort(ratios.begin(), ratios.end());
    std::sort(bounds.begin(), bounds.end());
    double size_mib = static_cast<double>(protected_size) / (1024.0 * 1024.0);
    state.counters["evp_mib_s"] = size_mib / (*std::min_element(evp_times.begin(), evp_times.end()) / 1e6);
    state.counters["ours_mib_s"] = size_mib / (*std::min_element(ours_times.begin(), ours_times.end()) / 1e6);
    state.counters["ratio"] = ratios[ratios.size() / 2];
    state.counters["ratio_min"] = ratios.front();
    state.counters["ratio_max"] = ratios.back();
    if (!bounds.empty())
        state.counters["copy_bound"] = bounds[bounds.size() / 2];
}

double percentile(std::vector<double>& sorted, double fraction)
{
    size_t index = static_cast<size_t>(fraction * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[std::min(index, sorted.size() - 1)];
}

// (b) 4 KiB reads at random offsets of a 100 MiB protected file.
void random_reads_from_file(benchmark::State& state)
{
    uint32_t segment_size = static_cast<uint32_t>(state.range(0));
    auto path = inputs().protected_file(segment_size);
    std::shared_ptr<ByteSource> file = FileByteSource::open(path).value();
    auto reader = SegmentedReader::open(file, inputs().key.view()).value();
    Bytes warm(8 * 1024 * 1024);
    for (uint64_t offset = 0; offset < file->size(); offset += warm.size())
        (void)file->read_at(offset, warm); // the page cache holds the file, as it does a book being read
    std::mt19937_64 generator(12345);
    std::vector<double> micros;
    std::vector<double> cpu_micros;
    micros.reserve(random_reads);
    cpu_micros.reserve(random_reads);
    Bytes out(random_read_size);
    for (auto _ : state) {
        for (int i = 0; i < random_reads; ++i) {
            uint64_t offset = generator() % (protected_size - random_read_size + 1);
            double cpu_start = thread_cpu_micros();
            auto start = std::chrono::steady_clock::now();
            auto count = reader->read_at(offset, out);
            auto stop = std::chrono::steady_clock::now();
            cpu_micros.push_back(thread_cpu_micros() - cpu_start);
            if (!count || *count != random_read_size
                || !std::equal(
                    out.begin(), out.end(), inputs().plaintext.begin() + static_cast<std::ptrdiff_t>(offset)))
                state.SkipWithError("read failed or differs");
            micros.push_back(std::chrono::duration<double, std::micro>(stop - start).count());
        }
    }
    std::sort(micros.begin(), micros.end());
    std::sort(cpu_micros.begin(), cpu_micros.end());
    state.counters["p50_us"] = percentile(micros, 0.50);
    state.counters["p99_us"] = percentile(micros, 0.99);
    state.counters["max_us"] = micros.back();
    state.counters["cpu_p99_us"] = percentile(cpu_micros, 0.99);
    state.counters["reads"] = static_cast<double>(micros.size());
}

// (c) Opening a package's resources: the segment key derivation each open
// needs, the reference HKDF-SHA256 (EVP_KDF, fetched per call) against a
// package's SegmentKeyring (HMAC prepared once), and SegmentedReader::open of
// a set of 16 KiB resources through each (a first open derives, a second
// finds the key kept).
constexpr int resource_count = 64;
constexpr size_t resource_size = 16 * 1024;

struct Resources {
    std::vector<std::shared_ptr<MemoryByteSource>> sources;
    Resources()
    {
        ByteView plain(inputs().plaintext.data(), resource_size);
        for (int i = 0; i < resource_count; ++i)
            sources.push_back(
                std::make_shared<MemoryByteSource>(encrypt_segmented(plain, inputs().key.view()).value()));
    }
};

Resources& resources()
{
    static Resources shared;
    return shared;
}

Bytes salt_for(uint64_t counter)
{
    Bytes salt(segment_salt_size, 0x5a);
    for (size_t i = 0; i < 8; ++i)
        salt[i] = static_cast<uint8_t>(counter >> (8 * i));
    return salt;
}

enum class KeyPath { Hkdf = 0, Keyring = 1, KeyringKept = 2 };

// One segment key per iteration: HKDF-SHA256 per call; the keyring on a new
// salt each time (past max_kept_keys it derives without keeping); the
// keyring on a salt it keeps.
void segment_key(benchmark::State& state)
{
    auto path = static_cast<KeyPath>(state.range(0));
    auto keyring = SegmentKeyring::create(inputs().key.view()).value();
    uint64_t counter = 0;
    for (auto _ : state) {
        Bytes salt = salt_for(path == KeyPath::KeyringKept ? 7 : counter++);
        auto key = path == KeyPath::Hkdf ? hkdf_sha256(inputs().key.view(), salt, as_bytes(segment_key_info), 32)
                                         : keyring->segment_key(salt);
        if (!key) {
            state.SkipWithError("derive failed");
            break;
        }
        benchmark::DoNotOptimize(key->data());
    }
    state.counters["s_per_call"] = benchmark::Counter(
        static_cast<double>(state.iterations()), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// Opens every resource once per iteration; the time is per resource.
void open_resources(benchmark::State& state)
{
    auto path = static_cast<KeyPath>(state.range(0));
    auto& sources = resources().sources;
    auto kept = SegmentKeyring::create(inputs().key.view()).value();
    for (auto _ : state) {
        std::unique_ptr<SegmentKeyring> fresh;
        if (path == KeyPath::Keyring)
            fresh = SegmentKeyring::create(inputs().key.view()).value(); // a package opened anew
        for (const auto& source : sources) {
            auto reader = path == KeyPath::Hkdf ? SegmentedReader::open(source, inputs().key.view())
                                                : SegmentedReader::open(source, fresh ? *fresh : *kept);
            if (!reader)
                state.SkipWithError("open failed");
        }
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * resource_count);
    state.counters["s_per_open"] = benchmark::Counter(static_cast<double>(state.iterations()) * resource_count,
        benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// Keeps each run's counters so the summary can compare them.
class SummaryReporter final : public benchmark::ConsoleReporter {
public:
    void ReportRuns(const std::vector<Run>& runs) override
    {
        for (const auto& run : runs) {
            auto& kept = m_counters[run.benchmark_name()];
            for (const auto& [name, counter] : run.counters)
                kept[name] = counter.value;
        }
        ConsoleReporter::ReportRuns(runs);
    }

    // The counter of the first run whose name starts with `prefix` (names
    // carry options such as min_time), or 0.
    [[nodiscard]] double value(const std::string& prefix, const std::string& counter) const
    {
        for (const auto& [name, counters] : m_counters) {
            if (name.starts_with(prefix) && counters.contains(counter))
                return counters.at(counter);
        }
        return 0;
    }

private:
    std::map<std::string, std::map<std::string, double>> m_counters;
};

void print_summary(const SummaryReporter& reporter)
{
    std::printf("\n== drm: segmented AES-256-GCM against the issue 2 goals ==\n");
    for (int read : { 1 << 20, 64 << 10, 4 << 10 }) {
        std::string name = "paired_throughput/" + std::to_string(read) + "/0/";
        double ratio = reporter.value(name, "ratio");
        if (ratio == 0)
            continue;
        std::printf("(a) sequential, %4d KiB reads: SegmentedReader %5.0f MiB/s, one EVP pass %5.0f MiB/s (best round,"
                    " CPU time); ratio %.3f (median of 15 paired rounds, range %.3f-%.3f; goal >= 0.90: %s)\n",
            read / 1024, reporter.value(name, "ours_mib_s"), reporter.value(name, "evp_mib_s"), ratio,
            reporter.value(name, "ratio_min"), reporter.value(name, "ratio_max"), ratio >= 0.90 ? "met" : "NOT met");
        if (double bound = reporter.value(name, "copy_bound"); bound > 0)
            std::printf("    bound for any reader that copies a small read out of an authenticated segment: %.3f"
                        " (EVP pass / (EVP pass + the copy alone))\n",
                bound);
    }
    std::string reused = "paired_throughput/4096/1/";
    if (double ratio = reporter.value(reused, "ratio"); ratio > 0)
        std::printf("    4 KiB reads into one reused 4 KiB buffer (a consumer's block, not the 100 MiB output):"
                    " SegmentedReader %5.0f MiB/s, ratio %.3f (range %.3f-%.3f)\n",
            reporter.value(reused, "ours_mib_s"), ratio, reporter.value(reused, "ratio_min"),
            reporter.value(reused, "ratio_max"));
    for (int segment : { 64 << 10, 16 << 10 }) {
        std::string name = "random_reads_from_file/" + std::to_string(segment) + "/";
        double p99 = reporter.value(name, "p99_us");
        if (p99 == 0)
            continue;
        std::printf("(b) 4 KiB random reads, 100 MiB file, %2d KiB segments: p50 %.1f us, p99 %.1f us, max %.1f us"
                    " (goal p99 < 100 us: %s); p99 of the reading thread's CPU time %.1f us\n",
            segment / 1024, reporter.value(name, "p50_us"), p99, reporter.value(name, "max_us"),
            p99 < 100 ? "met" : "NOT met", reporter.value(name, "cpu_p99_us"));
    }
    double hkdf = reporter.value("segment_key/0", "s_per_call") * 1e6;
    double keyring = reporter.value("segment_key/1", "s_per_call") * 1e6;
    double kept = reporter.value("segment_key/2", "s_per_call") * 1e6;
    if (hkdf > 0)
        std::printf("(c) segment key: HKDF-SHA256 per call %.2f us; package keyring %.2f us (%.1fx), kept %.3f us\n",
            hkdf, keyring, keyring > 0 ? hkdf / keyring : 0, kept);
    double open_hkdf = reporter.value("open_resources/0", "s_per_open") * 1e6;
    double open_keyring = reporter.value("open_resources/1", "s_per_open") * 1e6;
    double open_kept = reporter.value("open_resources/2", "s_per_open") * 1e6;
    if (open_hkdf > 0)
        std::printf("(c) SegmentedReader::open of a 16 KiB resource: %.1f us with HKDF per open, %.1f us first open"
                    " through the keyring, %.1f us opened again\n",
            open_hkdf, open_keyring, open_kept);
}

}

// Throughput is measured on CPU time (Google Benchmark's default): both sides
// are single-threaded, and CPU time stays meaningful on a shared, loaded
// machine where wall time does not. The console table shows both.
BENCHMARK(evp_gcm_one_pass)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(segmented_sequential)->Arg(1 << 20)->Arg(64 << 10)->Arg(4 << 10)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(paired_throughput)
    ->Args({ 1 << 20, 0 })
    ->Args({ 64 << 10, 0 })
    ->Args({ 4 << 10, 0 })
    ->Args({ 4 << 10, 1 })
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(segment_key)->Arg(0)->Arg(1)->Arg(2);
BENCHMARK(open_resources)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond);
BENCHMARK(random_reads_from_file)
    ->Arg(64 << 10)
    ->Arg(16 << 10)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

int main(int argc, char** argv)
{
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    SummaryReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    print_summary(reporter);
    benchmark::Shutdown();
    return 0;
}
