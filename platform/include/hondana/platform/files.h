#pragma once

// Small, careful file operations the reader's state needs: private
// directories (0700), atomic replacement (temporary file, fsync, rename,
// fsync of the directory) and removal that overwrites first.

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

#include "hondana/drm/crypto.h"
#include "hondana/platform/error.h"

namespace hondana::platform {

// Creates `dir` and its parents; the last component gets mode 0700 (and is
// tightened to 0700 when it exists with wider permissions).
[[nodiscard]] Result<void> ensure_private_dir(const std::filesystem::path& dir);

// Writes `bytes` to `path` with `mode` so that a crash leaves either the old
// or the new file, never a mix: temporary file in the same directory, fsync,
// rename, fsync of the directory.
[[nodiscard]] Result<void> write_file_atomic(
    const std::filesystem::path& path, std::span<const uint8_t> bytes, unsigned mode = 0600);

// Reads a whole file; Io when it is missing, unreadable or larger than `max_bytes`.
[[nodiscard]] Result<drm::Bytes> read_file(const std::filesystem::path& path, uint64_t max_bytes);
[[nodiscard]] Result<std::string> read_text_file(const std::filesystem::path& path, uint64_t max_bytes);

// Overwrites a regular file with zeros, fsyncs and unlinks it. Missing files
// are not an error. On flash storage and journaling file systems the
// overwrite is best effort; what makes data unrecoverable is destroying the
// keys that encrypt it first (see docs/reader.md).
[[nodiscard]] Result<void> overwrite_and_remove(const std::filesystem::path& path);

// Removes `dir` recursively, overwriting each regular file first.
[[nodiscard]] Result<void> overwrite_and_remove_tree(const std::filesystem::path& dir);

// fsyncs a directory so a rename or unlink in it is durable.
[[nodiscard]] Result<void> sync_directory(const std::filesystem::path& dir);

// Permission bits of a path (for tests and `doctor`).
[[nodiscard]] Result<unsigned> file_mode(const std::filesystem::path& path);

}
