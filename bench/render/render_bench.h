#pragma once

// Shared helpers of the render benchmark.

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "hondana/drm/crypto.h"

namespace hondana::bench {

// Median of `runs` timings of `work`, in milliseconds.
double median_ms(int runs, const std::function<void()>& work);
// Resident set size of this process, from /proc/self/status, in MiB.
double rss_mib();
// Protects `input` (PDF or EPUB) with our segmented profile into `output`.
void protect(const std::filesystem::path& input, const std::filesystem::path& output, const drm::SecretBytes& key);
void report(const std::string& name, double value, const std::string& unit, const std::string& goal = {});

// RSS after reading 200 pages of a 300-page illustrated protected PDF, in a child process.
void measure_reading_memory(const std::filesystem::path& folder, const drm::SecretBytes& key);

}
