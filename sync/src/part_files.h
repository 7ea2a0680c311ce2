#pragma once

// What the downloader and the content prefetcher both read of a partial
// download: how long a file is, and the ETag kept beside it.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace hondana::sync::detail {

// The file's size; 0 when it is missing or unreadable (nothing to resume).
inline uint64_t size_or_zero(const std::filesystem::path& path)
{
    std::error_code error;
    auto size = std::filesystem::file_size(path, error);
    return error ? 0 : size;
}

// The first line of a small text file (an ETag); empty when there is none.
inline std::string first_line(const std::filesystem::path& path)
{
    std::ifstream file(path);
    std::string text;
    std::getline(file, text);
    return text;
}

}
