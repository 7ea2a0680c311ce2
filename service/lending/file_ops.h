#pragma once

// File operations of backup, restore and erasure: copies that hash what they
// copy and reach the disk before they count, and overwrite-then-unlink
// removal. Overwriting is best effort on journalling, copy-on-write and
// flash storage; what makes erased data unreadable there is that its keys
// are destroyed first (crypto-erasure, docs/operations.md).

#include <cstdint>
#include <filesystem>
#include <string>
#include <sys/types.h>
#include <vector>

#include "lending/error.h"

namespace hondana::lending {

struct FileDigest {
    uint64_t length { 0 };
    std::string sha256; // lower-case hex
};

// SHA-256 and length of a file. InvalidArgument when it cannot be read.
[[nodiscard]] Result<FileDigest> digest_file(const std::filesystem::path& path);

// Copies `from` to the new file `to` with `mode`, fsynced; returns the digest
// of the bytes copied. Internal on an I/O failure (the partial copy is removed).
[[nodiscard]] Result<FileDigest> copy_file_hashed(
    const std::filesystem::path& from, const std::filesystem::path& to, mode_t mode);

// Overwrites a regular file with random bytes, fsyncs and unlinks it; returns
// the bytes overwritten. A symbolic link is unlinked, never followed; a file
// with other hard links is unlinked without overwriting (its bytes live on
// under the other names, which are shredded in their turn).
[[nodiscard]] Result<uint64_t> shred_file(const std::filesystem::path& path);

struct ShredTally {
    std::vector<std::filesystem::path> files; // every file overwritten and removed
    uint64_t bytes { 0 };
};

// shred_file on every file below `root`, then removes the folders (and
// `root` itself unless KeepRoot::Yes). Nothing to do when `root` is absent.
enum class KeepRoot { No, Yes };
[[nodiscard]] Result<ShredTally> shred_tree(const std::filesystem::path& root, KeepRoot keep_root = KeepRoot::No);

// Gives `path` (recursively) to the owner of `reference` when running as
// root, so a backup made by root still belongs to the service user.
[[nodiscard]] Result<void> chown_like(const std::filesystem::path& path, const std::filesystem::path& reference);

// fsync of a folder (after renames and unlinks in it).
void sync_directory(const std::filesystem::path& path);

}
