#pragma once

// Random-access byte sources: the one interface protected content is read
// through (files, memory, ZIP entries, decryptors all implement it).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>

#include "hondana/drm/crypto.h"

namespace hondana::drm {

class ByteSource {
public:
    virtual ~ByteSource() = default;
    // Total length in bytes.
    [[nodiscard]] virtual uint64_t size() const = 0;
    // Reads up to out.size() bytes at `offset`; returns the count, which is
    // short only at the end of the source (0 at or past the end). Errors are
    // errors: a decryptor never returns unauthenticated bytes.
    // Implementations say whether concurrent calls are safe.
    [[nodiscard]] virtual Result<size_t> read_at(uint64_t offset, std::span<uint8_t> out) = 0;
    // The bytes [offset, offset + length) without a copy, when the source
    // already holds them in memory for its whole lifetime (MemoryByteSource
    // and windows of it); nullopt otherwise or when the range does not fit.
    // Decryptors use it to skip one copy; callers must fall back to read_at.
    [[nodiscard]] virtual std::optional<ByteView> contiguous(uint64_t offset, uint64_t length) const;
};

// Reads exactly out.size() bytes or fails (ContentLengthMismatch when the
// source ends first).
[[nodiscard]] Result<void> read_exact(ByteSource& source, uint64_t offset, std::span<uint8_t> out);
// Reads the whole source; LimitExceeded when it is larger than `max_bytes`.
[[nodiscard]] Result<Bytes> read_all(ByteSource& source, uint64_t max_bytes);

// Bytes in memory. Concurrent reads are safe.
class MemoryByteSource final : public ByteSource {
public:
    explicit MemoryByteSource(Bytes bytes);
    [[nodiscard]] uint64_t size() const override { return m_bytes.size(); }
    [[nodiscard]] Result<size_t> read_at(uint64_t offset, std::span<uint8_t> out) override;
    [[nodiscard]] std::optional<ByteView> contiguous(uint64_t offset, uint64_t length) const override;

private:
    Bytes m_bytes;
};

// A file read with pread(2); the size is fixed at open (reads never go past
// it; a file that shrinks afterwards gives short reads). Concurrent reads are
// safe. Open fails with Io for a missing file or anything but a regular file.
class FileByteSource final : public ByteSource {
public:
    [[nodiscard]] static Result<std::unique_ptr<FileByteSource>> open(const std::filesystem::path& path);
    ~FileByteSource() override;
    FileByteSource(const FileByteSource&) = delete;
    FileByteSource& operator=(const FileByteSource&) = delete;
    [[nodiscard]] uint64_t size() const override { return m_size; }
    [[nodiscard]] Result<size_t> read_at(uint64_t offset, std::span<uint8_t> out) override;

private:
    FileByteSource(int fd, uint64_t size);
    int m_fd { -1 };
    uint64_t m_size { 0 };
};

// A window [offset, offset + length) of another source; as safe for
// concurrent reads as the source it windows.
class SubrangeByteSource final : public ByteSource {
public:
    // InvalidArgument when the window does not fit inside `inner`.
    [[nodiscard]] static Result<std::unique_ptr<SubrangeByteSource>> create(
        std::shared_ptr<ByteSource> inner, uint64_t offset, uint64_t length);
    [[nodiscard]] uint64_t size() const override { return m_length; }
    [[nodiscard]] Result<size_t> read_at(uint64_t offset, std::span<uint8_t> out) override;
    [[nodiscard]] std::optional<ByteView> contiguous(uint64_t offset, uint64_t length) const override;

private:
    SubrangeByteSource(std::shared_ptr<ByteSource> inner, uint64_t offset, uint64_t length);
    std::shared_ptr<ByteSource> m_inner;
    uint64_t m_offset;
    uint64_t m_length;
};

}
