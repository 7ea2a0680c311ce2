#pragma once

// Builds ZIP archives byte by byte for tests that need containers libzip
// would refuse to write (duplicate names, lying sizes, bombs), independent of
// the drm code under test. Stored or deflated (zlib) entries, no ZIP64.

#include <cstdint>
#include <string>
#include <vector>

#include <zlib.h>

#include "hondana/drm/crypto.h"

namespace hondana::drm::test {

class ZipBuilder {
public:
    enum class Method : uint16_t { Store = 0, Deflate = 8 };

    ZipBuilder& add(std::string name, ByteView data, Method method = Method::Store)
    {
        m_entries.push_back({ std::move(name), Bytes(data.begin(), data.end()), method });
        return *this;
    }
    ZipBuilder& add(std::string name, std::string_view text, Method method = Method::Store)
    {
        return add(std::move(name), as_bytes(text), method);
    }

    [[nodiscard]] Bytes build() const
    {
        Bytes out;
        Bytes directory;
        for (const auto& entry : m_entries) {
            uint32_t crc = static_cast<uint32_t>(crc32(0, entry.data.data(), static_cast<uInt>(entry.data.size())));
            Bytes body = entry.method == Method::Deflate ? deflate(entry.data) : entry.data;
            uint32_t offset = static_cast<uint32_t>(out.size());
            put32(out, 0x04034b50);
            put_common(out, entry, crc, body.size());
            put16(out, 0); // extra length
            out.insert(out.end(), entry.name.begin(), entry.name.end());
            out.insert(out.end(), body.begin(), body.end());

            put32(directory, 0x02014b50);
            put16(directory, 20); // version made by
            put_common(directory, entry, crc, body.size());
            put16(directory, 0); // extra
            put16(directory, 0); // comment
            put16(directory, 0); // disk
            put16(directory, 0); // internal attributes
            put32(directory, 0); // external attributes
            put32(directory, offset);
            directory.insert(directory.end(), entry.name.begin(), entry.name.end());
        }
        uint32_t directory_offset = static_cast<uint32_t>(out.size());
        out.insert(out.end(), directory.begin(), directory.end());
        put32(out, 0x06054b50);
        put16(out, 0);
        put16(out, 0);
        put16(out, static_cast<uint16_t>(m_entries.size()));
        put16(out, static_cast<uint16_t>(m_entries.size()));
        put32(out, static_cast<uint32_t>(directory.size()));
        put32(out, directory_offset);
        put16(out, 0);
        return out;
    }

    [[nodiscard]] static Bytes deflate(ByteView data)
    {
        z_stream z {};
        deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY);
        Bytes out(deflateBound(&z, static_cast<uLong>(data.size())));
        z.next_in = const_cast<Bytef*>(data.data());
        z.avail_in = static_cast<uInt>(data.size());
        z.next_out = out.data();
        z.avail_out = static_cast<uInt>(out.size());
        ::deflate(&z, Z_FINISH);
        out.resize(z.total_out);
        deflateEnd(&z);
        return out;
    }

private:
    struct Entry {
        std::string name;
        Bytes data;
        Method method;
    };

    static void put16(Bytes& out, uint16_t v)
    {
        out.push_back(static_cast<uint8_t>(v));
        out.push_back(static_cast<uint8_t>(v >> 8));
    }
    static void put32(Bytes& out, uint32_t v)
    {
        put16(out, static_cast<uint16_t>(v));
        put16(out, static_cast<uint16_t>(v >> 16));
    }
    // version needed, flags, method, time, date, crc, sizes, name length
    static void put_common(Bytes& out, const Entry& entry, uint32_t crc, size_t compressed)
    {
        put16(out, 20);
        put16(out, 0x0800); // UTF-8 names
        put16(out, static_cast<uint16_t>(entry.method));
        put16(out, 0);
        put16(out, 0x21); // 1980-01-01
        put32(out, crc);
        put32(out, static_cast<uint32_t>(compressed));
        put32(out, static_cast<uint32_t>(entry.data.size()));
        put16(out, static_cast<uint16_t>(entry.name.size()));
    }

    std::vector<Entry> m_entries;
};

}
