#include <algorithm>
#include <array>
#include <cstring>
#include <functional>
#include <mutex>

#include "document_state.h"
#include "hondana/render/resources.h"

namespace hondana::render {

namespace {

constexpr uint32_t local_header_signature = 0x04034b50;
constexpr uint32_t central_header_signature = 0x02014b50;
constexpr uint32_t end_of_directory_signature = 0x06054b50;
constexpr uint16_t utf8_names_flag = 0x0800;
constexpr uint16_t version_needed = 20;
// MuPDF 1.21 (ensure_zip_entries) looks for the end record in the last 512
// bytes first; a tail a little longer than that holds the whole window.
constexpr size_t eocd_window = 520;

void put16(drm::Bytes& out, uint16_t value)
{
    out.push_back(static_cast<uint8_t>(value));
    out.push_back(static_cast<uint8_t>(value >> 8));
}

void put32(drm::Bytes& out, uint32_t value)
{
    for (int shift = 0; shift < 32; shift += 8)
        out.push_back(static_cast<uint8_t>(value >> shift));
}

// Fields shared by the local and the central header, from "version needed" on.
void put_common(drm::Bytes& out, const ResourceEntry& entry)
{
    put16(out, version_needed);
    put16(out, utf8_names_flag);
    put16(out, 0); // method: stored
    put16(out, 0); // time
    put16(out, 0x21); // date: 1980-01-01
    put32(out, 0); // CRC-32: not computed (see resources.h)
    put32(out, static_cast<uint32_t>(entry.size));
    put32(out, static_cast<uint32_t>(entry.size));
    put16(out, static_cast<uint16_t>(entry.path.size()));
}

// A piece of the ZIP: generated header bytes or one entry's data.
struct Piece {
    uint64_t offset { 0 };
    uint64_t length { 0 };
    drm::Bytes header; // used when entry < 0
    long entry { -1 };
};

bool is_markup(std::string_view path)
{
    for (std::string_view suffix : { ".xhtml", ".html", ".htm", ".xml", ".svg", ".opf", ".ncx" }) {
        if (path.size() >= suffix.size() && path.substr(path.size() - suffix.size()) == suffix)
            return true;
    }
    return false;
}

bool is_void_element(std::string_view name)
{
    for (std::string_view known : { "br", "img", "hr", "meta", "link", "input", "col", "area", "base", "wbr", "source" }) {
        if (name == known)
            return true;
    }
    return false;
}

// MuPDF lays out HTML recursively: a book nested thousands of elements deep
// would exhaust the stack. Counts element nesting in one pass over the
// resource and refuses it past `max_depth` (LimitExceeded).
drm::Result<void> check_markup_depth(drm::ByteSource& source, const std::string& path, size_t max_depth)
{
    std::array<uint8_t, 16 * 1024> chunk {};
    size_t depth = 0;
    bool in_tag = false, closing = false, self_closing = false, naming = false;
    std::string name;
    for (uint64_t offset = 0; offset < source.size();) {
        size_t count = TRY(source.read_at(offset, chunk));
        if (count == 0)
            break;
        offset += count;
        for (size_t i = 0; i < count; ++i) {
            char c = static_cast<char>(chunk[i]);
            if (!in_tag) {
                if (c == '<') {
                    in_tag = true;
                    closing = self_closing = false;
                    naming = true;
                    name.clear();
                }
                continue;
            }
            if (c == '>') {
                in_tag = false;
                bool special = !name.empty() && (name[0] == '!' || name[0] == '?');
                if (closing)
                    depth -= depth > 0 ? 1 : 0;
                else if (!self_closing && !special && !is_void_element(name) && ++depth > max_depth)
                    return drm::fail(drm::ErrorKind::LimitExceeded,
                        path + " nests elements more than " + std::to_string(max_depth) + " deep");
                continue;
            }
            if (naming && name.empty() && c == '/') {
                closing = true;
                continue;
            }
            if (naming && (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '/'))
                naming = false;
            else if (naming && name.size() < 16)
                name += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
            self_closing = c == '/';
        }
    }
    return {};
}

class SyntheticZip final : public drm::ByteSource {
public:
    SyntheticZip(std::shared_ptr<ResourceProvider> resources, std::vector<Piece> pieces, uint64_t size,
        const SyntheticZipLimits& limits)
        : m_resources(std::move(resources))
        , m_pieces(std::move(pieces))
        , m_size(size)
        , m_limits(limits)
    {
    }

    [[nodiscard]] uint64_t size() const override { return m_size; }

    // Where a read from `offset` should stop to touch one resource's bytes
    // only: before the second entry's data it would reach.
    [[nodiscard]] uint64_t read_end(uint64_t offset) const
    {
        auto it = std::upper_bound(m_pieces.begin(), m_pieces.end(), offset,
            [](uint64_t value, const Piece& piece) { return value < piece.offset; });
        bool entry_seen = false;
        for (it = it == m_pieces.begin() ? it : std::prev(it); it != m_pieces.end(); ++it) {
            if (it->entry >= 0 && std::exchange(entry_seen, true))
                return it->offset;
        }
        return m_size;
    }

    [[nodiscard]] drm::Result<size_t> read_at(uint64_t offset, std::span<uint8_t> out) override
    {
        size_t done = 0;
        while (done < out.size() && offset + done < m_size) {
            uint64_t at = offset + done;
            auto it = std::upper_bound(m_pieces.begin(), m_pieces.end(), at,
                [](uint64_t value, const Piece& piece) { return value < piece.offset; });
            const Piece& piece = *std::prev(it);
            uint64_t within = at - piece.offset;
            size_t count = static_cast<size_t>(std::min<uint64_t>(piece.length - within, out.size() - done));
            auto target = out.subspan(done, count);
            if (piece.entry < 0)
                std::memcpy(target.data(), piece.header.data() + within, count);
            else
                TRY(read_entry(static_cast<size_t>(piece.entry), within, target));
            done += count;
        }
        return done;
    }

private:
    // Keeps the most recently read resource open: MuPDF reads one entry
    // start to end, so plaintext sources are opened once per entry read.
    drm::Result<void> read_entry(size_t index, uint64_t offset, std::span<uint8_t> out)
    {
        std::shared_ptr<drm::ByteSource> source;
        {
            std::lock_guard lock(m_mutex);
            if (m_current_index == index)
                source = m_current;
        }
        if (!source) {
            const auto& entry = m_resources->entries()[index];
            auto opened = m_resources->open(entry.path);
            if (!opened)
                return drm::fail(drm::ErrorKind::ResourceNotFound, opened.error().message);
            source = std::move(*opened);
            if (source->size() != entry.size)
                return drm::fail(drm::ErrorKind::ContentLengthMismatch,
                    "resource " + entry.path + " changed size after the ZIP directory was made");
            if (is_markup(entry.path))
                TRY(check_markup_depth(*source, entry.path, m_limits.max_markup_depth));
            std::lock_guard lock(m_mutex);
            m_current = source;
            m_current_index = index;
        }
        size_t done = 0;
        while (done < out.size()) {
            size_t count = TRY(source->read_at(offset + done, out.subspan(done)));
            if (count == 0)
                return drm::fail(drm::ErrorKind::ContentLengthMismatch, "resource ended early");
            done += count;
        }
        return {};
    }

    std::shared_ptr<ResourceProvider> m_resources;
    std::vector<Piece> m_pieces;
    uint64_t m_size;
    SyntheticZipLimits m_limits;
    std::mutex m_mutex;
    std::shared_ptr<drm::ByteSource> m_current;
    size_t m_current_index { static_cast<size_t>(-1) };
};

// Files that describe protection the resources no longer have: their
// plaintext is what the ZIP serves, and MuPDF refuses an EPUB that has them.
bool describes_protection(std::string_view path)
{
    return path == "META-INF/encryption.xml" || path == "META-INF/rights.xml" || path == "META-INF/license.lcpl"
        || path == "META-INF/signatures.xml";
}

// Entry order: `mimetype` first, as EPUB readers expect, then the rest as given.
std::vector<size_t> entry_order(const std::vector<ResourceEntry>& entries)
{
    std::vector<size_t> order;
    for (size_t i = 0; i < entries.size(); ++i) {
        if (describes_protection(entries[i].path))
            continue;
        if (entries[i].path == "mimetype")
            order.insert(order.begin(), i);
        else
            order.push_back(i);
    }
    return order;
}

}

std::function<uint64_t(uint64_t)> synthetic_zip_read_end(const std::shared_ptr<drm::ByteSource>& zip)
{
    auto* synthetic = dynamic_cast<const SyntheticZip*>(zip.get());
    if (!synthetic)
        return {};
    return [zip](uint64_t offset) { return static_cast<const SyntheticZip&>(*zip).read_end(offset); };
}

Result<std::shared_ptr<drm::ByteSource>> synthetic_zip(
    std::shared_ptr<ResourceProvider> resources, const SyntheticZipLimits& limits)
{
    const auto& entries = resources->entries();
    if (entries.size() > limits.max_entries || entries.size() > 0xFFFF)
        return fail(ErrorKind::LimitExceeded, "the book has " + std::to_string(entries.size()) + " resources");
    std::vector<Piece> pieces;
    drm::Bytes directory;
    uint64_t offset = 0;
    for (size_t index : entry_order(entries)) {
        const auto& entry = entries[index];
        if (entry.path.empty() || entry.path.size() > 0xFFFF || entry.path.find('\0') != std::string::npos)
            return fail(ErrorKind::InvalidArgument, "unusable resource path in the book");
        Piece header;
        header.offset = offset;
        put32(header.header, local_header_signature);
        put_common(header.header, entry);
        put16(header.header, 0); // extra length
        header.header.insert(header.header.end(), entry.path.begin(), entry.path.end());
        header.length = header.header.size();

        put32(directory, central_header_signature);
        put16(directory, version_needed); // version made by
        put_common(directory, entry);
        for (int i = 0; i < 4; ++i)
            put16(directory, 0); // extra, comment, disk, internal attributes
        put32(directory, 0); // external attributes
        put32(directory, static_cast<uint32_t>(offset));
        directory.insert(directory.end(), entry.path.begin(), entry.path.end());

        offset += header.length;
        pieces.push_back(std::move(header));
        if (entry.size > 0)
            pieces.push_back(Piece { offset, entry.size, {}, static_cast<long>(index) });
        offset += entry.size;
        if (offset > limits.max_total_bytes)
            return fail(ErrorKind::LimitExceeded, "the book is larger than a stored ZIP can present");
    }
    Piece tail;
    tail.offset = offset;
    tail.header = std::move(directory);
    auto count = static_cast<uint16_t>(std::count_if(pieces.begin(), pieces.end(),
        [](const Piece& piece) { return piece.entry < 0; }));
    auto directory_size = static_cast<uint32_t>(tail.header.size());
    put32(tail.header, end_of_directory_signature);
    put16(tail.header, 0);
    put16(tail.header, 0);
    put16(tail.header, count);
    put16(tail.header, count);
    put32(tail.header, directory_size);
    put32(tail.header, static_cast<uint32_t>(offset));
    // MuPDF finds the end record in the last 512 bytes it reads first: a
    // comment makes the directory and end record fill them, so finding the
    // directory reads no resource's bytes (the last one's would be decrypted).
    size_t comment = tail.header.size() + 2 < eocd_window ? eocd_window - tail.header.size() - 2 : 0;
    put16(tail.header, static_cast<uint16_t>(comment));
    tail.header.resize(tail.header.size() + comment, ' ');
    tail.length = tail.header.size();
    uint64_t size = offset + tail.length;
    pieces.push_back(std::move(tail));
    return std::shared_ptr<drm::ByteSource>(std::make_shared<SyntheticZip>(std::move(resources), std::move(pieces), size, limits));
}

}
