#include "plaintext_scan.h"

#include <fstream>

#include <zlib.h>

namespace hondana::test {

namespace {

std::string utf16(const std::string& utf8, bool little_endian)
{
    // The canary is ASCII plus what UTF-8 decodes to in the BMP.
    std::u32string code_points;
    for (size_t i = 0; i < utf8.size();) {
        auto c = static_cast<unsigned char>(utf8[i]);
        char32_t cp = c;
        size_t length = 1;
        if (c >= 0xf0) {
            cp = c & 0x07;
            length = 4;
        } else if (c >= 0xe0) {
            cp = c & 0x0f;
            length = 3;
        } else if (c >= 0xc0) {
            cp = c & 0x1f;
            length = 2;
        }
        for (size_t k = 1; k < length && i + k < utf8.size(); ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3f);
        code_points.push_back(cp);
        i += length;
    }
    std::string out;
    for (char32_t cp : code_points) {
        auto unit = static_cast<uint16_t>(cp);
        char high = static_cast<char>(unit >> 8), low = static_cast<char>(unit & 0xff);
        out += little_endian ? std::string { low, high } : std::string { high, low };
    }
    return out;
}

std::string pdf_hex(const std::string& text)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : text) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

std::string lower(std::string text)
{
    for (auto& c : text)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

// Inflates from `offset` (raw deflate when `raw`, else zlib); empty when it does not inflate.
std::string inflate_at(const std::string& bytes, size_t offset, bool raw)
{
    z_stream stream {};
    if (inflateInit2(&stream, raw ? -15 : 15) != Z_OK)
        return {};
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data() + offset));
    stream.avail_in = static_cast<uInt>(std::min<size_t>(bytes.size() - offset, 64 * 1024 * 1024));
    std::string out;
    char buffer[64 * 1024];
    int rc = Z_OK;
    while (rc == Z_OK && out.size() < 256 * 1024 * 1024) {
        stream.next_out = reinterpret_cast<Bytef*>(buffer);
        stream.avail_out = sizeof buffer;
        rc = inflate(&stream, Z_NO_FLUSH);
        out.append(buffer, sizeof buffer - stream.avail_out);
        if (stream.avail_out == sizeof buffer && rc == Z_OK)
            break;
    }
    inflateEnd(&stream);
    return rc == Z_STREAM_END || !out.empty() ? out : std::string();
}

std::vector<std::string> direct_encodings(const std::string& bytes, const std::string& needle)
{
    std::vector<std::string> found;
    if (bytes.find(needle) != std::string::npos)
        found.emplace_back("utf-8");
    if (bytes.find(utf16(needle, true)) != std::string::npos)
        found.emplace_back("utf-16le");
    if (bytes.find(utf16(needle, false)) != std::string::npos)
        found.emplace_back("utf-16be");
    auto hex = pdf_hex(needle);
    if (lower(bytes).find(hex) != std::string::npos)
        found.emplace_back("pdf-hex");
    return found;
}

// Deflate streams inside: PDF "stream" bodies (zlib), ZIP local entries with method 8 (raw deflate).
std::vector<std::string> nested_encodings(const std::string& bytes, const std::string& needle)
{
    std::vector<std::string> found;
    auto add = [&](const std::string& inflated) {
        for (auto& encoding : direct_encodings(inflated, needle))
            found.push_back("deflate/" + encoding);
    };
    for (size_t at = bytes.find("stream"); at != std::string::npos; at = bytes.find("stream", at + 6)) {
        size_t start = at + 6;
        while (start < bytes.size() && (bytes[start] == '\r' || bytes[start] == '\n'))
            ++start;
        if (start < bytes.size())
            add(inflate_at(bytes, start, false));
    }
    for (size_t at = bytes.find("PK\x03\x04"); at != std::string::npos; at = bytes.find("PK\x03\x04", at + 4)) {
        if (at + 30 > bytes.size())
            break;
        auto u16 = [&](size_t o) { return static_cast<unsigned>(static_cast<unsigned char>(bytes[o]) | (static_cast<unsigned char>(bytes[o + 1]) << 8)); };
        if (u16(at + 8) != 8)
            continue;
        size_t data = at + 30 + u16(at + 26) + u16(at + 28);
        if (data < bytes.size())
            add(inflate_at(bytes, data, true));
    }
    return found;
}

}

std::vector<std::string> find_encodings(const std::string& bytes, const std::string& needle)
{
    auto found = direct_encodings(bytes, needle);
    for (auto& nested : nested_encodings(bytes, needle))
        found.push_back(std::move(nested));
    return found;
}

std::vector<PlaintextHit> scan_for_plaintext(
    const std::vector<std::filesystem::path>& roots, const std::string& needle, size_t* files_scanned)
{
    std::vector<PlaintextHit> hits;
    size_t count = 0;
    for (const auto& root : roots) {
        std::error_code error;
        auto options = std::filesystem::directory_options::skip_permission_denied;
        for (auto it = std::filesystem::recursive_directory_iterator(root, options, error);
             !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
            if (!it->is_regular_file(error) || it->is_symlink(error))
                continue;
            std::ifstream file(it->path(), std::ios::binary);
            if (!file)
                continue;
            std::string bytes((std::istreambuf_iterator<char>(file)), {});
            ++count;
            for (auto& encoding : find_encodings(bytes, needle))
                hits.push_back({ it->path(), std::move(encoding) });
        }
    }
    if (files_scanned)
        *files_scanned = count;
    return hits;
}

}
