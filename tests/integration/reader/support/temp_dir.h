#pragma once

// A fresh directory for one test, under the build tree (never /tmp, so the
// no-plaintext-on-disk test sees only what the reader wrote there), removed
// when the test ends.

#include <atomic>
#include <filesystem>
#include <string>

#include <unistd.h>

namespace hondana::test {

class TempDir {
public:
    TempDir()
    {
        static std::atomic<int> counter { 0 };
        m_path = std::filesystem::path(HONDANA_BINARY_DIR) / "test-tmp"
            / ("t" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::remove_all(m_path);
        std::filesystem::create_directories(m_path);
    }
    ~TempDir()
    {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

}
