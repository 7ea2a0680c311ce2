#pragma once

// Small file helpers for the data directory: atomic writes with a given mode
// (write to a temporary file, fsync, rename) and whole-file reads.

#include <filesystem>
#include <string>
#include <sys/types.h>

#include "hondana/drm/crypto.h"
#include "lending/error.h"

namespace hondana::lending {

enum class Overwrite { No, Yes };

// Writes `bytes` to `path` with `mode` (0600 for keys), atomically. With
// Overwrite::No, Conflict when `path` exists.
[[nodiscard]] Result<void> write_file(
    const std::filesystem::path& path, drm::ByteView bytes, mode_t mode, Overwrite overwrite = Overwrite::No);

// The whole file; InvalidArgument when it cannot be read or is over `max_bytes`.
[[nodiscard]] Result<std::string> read_text_file(
    const std::filesystem::path& path, size_t max_bytes = 16 * 1024 * 1024);

// Creates a directory (and parents) with `mode`.
[[nodiscard]] Result<void> make_directory(const std::filesystem::path& path, mode_t mode);

}
