#pragma once

// Helpers shared by the content tests (byte sources, segmented content,
// packages): deterministic test data, keys, and a scratch folder that is
// removed when the test ends.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "hondana/drm/crypto.h"

namespace hondana::drm::test {

// Deterministic pseudo-random bytes (std::mt19937, seeded): reproducible data.
inline Bytes pattern_bytes(size_t size, uint32_t seed = 1)
{
    std::mt19937 generator(seed);
    Bytes bytes(size);
    for (auto& b : bytes)
        b = static_cast<uint8_t>(generator());
    return bytes;
}

inline SecretBytes test_key(uint8_t first = 0x11)
{
    SecretBytes key(32);
    for (size_t i = 0; i < key.size(); ++i)
        key.data()[i] = static_cast<uint8_t>(first + i);
    return key;
}

inline Bytes read_file_bytes(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline void write_file_bytes(const std::filesystem::path& path, ByteView bytes)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// A fresh folder under the system temp folder, removed with everything in it.
class ScratchDir {
public:
    ScratchDir()
    {
        auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        std::string name = std::string("hondana-") + (info ? info->name() : "test") + "-";
        auto suffix = random_hex(6);
        m_path = std::filesystem::temp_directory_path() / (name + suffix.value_or("x"));
        std::filesystem::create_directories(m_path);
    }
    ~ScratchDir()
    {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }
    [[nodiscard]] std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

private:
    std::filesystem::path m_path;
};

}
