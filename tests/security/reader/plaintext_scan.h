#pragma once

// Searches files for a sentence in the encodings the reader's content could
// leak it in: UTF-8, UTF-16LE, UTF-16BE, inside zlib/deflate streams (PDF
// FlateDecode streams, ZIP entries) decompressed, and as PDF hex strings.
// Used by the no-plaintext-on-disk test.

#include <filesystem>
#include <string>
#include <vector>

namespace hondana::test {

struct PlaintextHit {
    std::filesystem::path file;
    std::string encoding; // "utf-8", "utf-16le", "utf-16be", "pdf-hex", "deflate/<inner encoding>"
};

// Every encoding of `needle` found in `bytes` (decompressing deflate streams found inside).
[[nodiscard]] std::vector<std::string> find_encodings(const std::string& bytes, const std::string& needle);

// Scans every regular file under each root (not following symlinks); unreadable files are skipped.
[[nodiscard]] std::vector<PlaintextHit> scan_for_plaintext(
    const std::vector<std::filesystem::path>& roots, const std::string& needle, size_t* files_scanned = nullptr);

}
