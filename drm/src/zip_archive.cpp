#include "zip_archive.h"

#include <algorithm>
#include <cstdio>
#include <limits>

namespace hondana::drm::detail {

namespace {

constexpr uint64_t ratio_free_size = 1024 * 1024; // below this, any ratio is harmless
constexpr size_t max_open_files = 16;

// What libzip's callback source reads from: a ByteSource and a position.
struct CallbackContext {
    std::shared_ptr<ByteSource> source;
    uint64_t position { 0 };
    zip_error_t error {};
};

zip_int64_t read_callback(void* user, void* data, zip_uint64_t length, zip_source_cmd_t command)
{
    auto* context = static_cast<CallbackContext*>(user);
    uint64_t size = context->source->size();
    switch (command) {
    case ZIP_SOURCE_OPEN:
        context->position = 0;
        return 0;
    case ZIP_SOURCE_READ: {
        auto count = context->source->read_at(context->position, { static_cast<uint8_t*>(data), length });
        if (!count) {
            zip_error_set(&context->error, ZIP_ER_READ, 0);
            return -1;
        }
        context->position += *count;
        return static_cast<zip_int64_t>(*count);
    }
    case ZIP_SOURCE_CLOSE:
        return 0;
    case ZIP_SOURCE_STAT: {
        auto* stat = static_cast<zip_stat_t*>(data);
        zip_stat_init(stat);
        stat->size = size;
        stat->valid |= ZIP_STAT_SIZE;
        return sizeof(zip_stat_t);
    }
    case ZIP_SOURCE_ERROR:
        return zip_error_to_data(&context->error, data, length);
    case ZIP_SOURCE_SEEK: {
        zip_int64_t position = zip_source_seek_compute_offset(context->position, size, data, length, &context->error);
        if (position < 0)
            return -1;
        context->position = static_cast<uint64_t>(position);
        return 0;
    }
    case ZIP_SOURCE_TELL:
        return static_cast<zip_int64_t>(context->position);
    case ZIP_SOURCE_FREE: {
        zip_error_fini(&context->error);
        std::unique_ptr<CallbackContext> reclaimed(context); // what open() released to libzip
        return 0;
    }
    case ZIP_SOURCE_SUPPORTS:
        return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
            ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, ZIP_SOURCE_SEEK, ZIP_SOURCE_TELL, ZIP_SOURCE_SUPPORTS, -1);
    default:
        zip_error_set(&context->error, ZIP_ER_OPNOTSUPP, 0);
        return -1;
    }
}

std::string zip_error_text(zip_error_t* error)
{
    const char* text = zip_error_strerror(error);
    return text != nullptr ? text : "unknown libzip error";
}

// A stored entry, read through the archive on demand.
class ZipEntrySource final : public ByteSource {
public:
    ZipEntrySource(std::shared_ptr<ZipArchive> archive, ZipEntryInfo entry)
        : m_archive(std::move(archive))
        , m_entry(std::move(entry))
    {
    }
    [[nodiscard]] uint64_t size() const override { return m_entry.size; }
    [[nodiscard]] Result<size_t> read_at(uint64_t offset, std::span<uint8_t> out) override
    {
        return m_archive->read_stored(m_entry, offset, out);
    }

private:
    std::shared_ptr<ZipArchive> m_archive;
    ZipEntryInfo m_entry;
};

}

uint64_t InflateLimits::allowed_for(uint64_t compressed_size) const
{
    uint64_t by_ratio = compressed_size > std::numeric_limits<uint64_t>::max() / std::max<uint64_t>(max_ratio, 1)
        ? std::numeric_limits<uint64_t>::max()
        : compressed_size * max_ratio;
    return std::min(max_output, std::max(ratio_free_size, by_ratio));
}

Result<std::shared_ptr<ZipArchive>> ZipArchive::open(std::shared_ptr<ByteSource> source, size_t max_entries)
{
    if (!source)
        return fail(ErrorKind::InvalidArgument, "ZIP archive over a null source");
    uint64_t archive_size = source->size();
    auto context = std::make_unique<CallbackContext>();
    context->source = std::move(source);
    zip_error_init(&context->error);
    zip_error_t error;
    zip_error_init(&error);
    ZipSourceHandle zip_source { zip_source_function_create(read_callback, context.get(), &error) };
    if (!zip_source) {
        zip_error_fini(&context->error);
        std::string text = zip_error_text(&error);
        zip_error_fini(&error);
        return fail(ErrorKind::Crypto, "libzip cannot make a source: " + text);
    }
    context.release(); // owned by zip_source now: freed by ZIP_SOURCE_FREE
    zip_t* zip = zip_open_from_source(zip_source.get(), ZIP_RDONLY | ZIP_CHECKCONS, &error);
    if (zip == nullptr) {
        bool read_failed = zip_error_code_zip(&error) == ZIP_ER_READ;
        std::string text = zip_error_text(&error);
        zip_error_fini(&error);
        if (read_failed)
            return fail(ErrorKind::Io, "cannot read the ZIP archive: " + text);
        return fail(ErrorKind::MalformedPackage, "not a readable ZIP archive: " + text);
    }
    zip_error_fini(&error);
    zip_source.release();                                  // owned by the archive now
    std::shared_ptr<ZipArchive> archive(new ZipArchive()); // raw-new: private constructor
    archive->m_zip.reset(zip);
    TRY(archive->load_entries(max_entries, archive_size));
    return archive;
}

ZipArchive::~ZipArchive()
{
    std::lock_guard lock(m_mutex);
    m_open_files.clear();
    m_zip.reset();
}

Result<void> ZipArchive::load_entries(size_t max_entries, uint64_t archive_size)
{
    zip_int64_t count = zip_get_num_entries(m_zip.get(), 0);
    if (count < 0)
        return fail(ErrorKind::MalformedPackage, "ZIP archive has no readable directory");
    if (static_cast<uint64_t>(count) > max_entries)
        return fail(ErrorKind::LimitExceeded,
            "ZIP archive has " + std::to_string(count) + " entries (limit " + std::to_string(max_entries) + ")");
    m_entries.reserve(static_cast<size_t>(count));
    for (zip_uint64_t i = 0; i < static_cast<zip_uint64_t>(count); ++i) {
        zip_stat_t stat;
        zip_stat_init(&stat);
        if (zip_stat_index(m_zip.get(), i, 0, &stat) != 0 || (stat.valid & ZIP_STAT_NAME) == 0
            || (stat.valid & ZIP_STAT_SIZE) == 0 || (stat.valid & ZIP_STAT_COMP_SIZE) == 0)
            return fail(ErrorKind::MalformedPackage, "ZIP entry " + std::to_string(i) + " cannot be read");
        ZipEntryInfo entry;
        entry.name = stat.name;
        entry.index = i;
        entry.size = stat.size;
        entry.compressed_size = stat.comp_size;
        entry.directory = !entry.name.empty() && entry.name.back() == '/';
        if (entry.name.empty())
            return fail(ErrorKind::MalformedPackage, "ZIP entry " + std::to_string(i) + " has no name");
        if ((stat.valid & ZIP_STAT_ENCRYPTION_METHOD) != 0 && stat.encryption_method != ZIP_EM_NONE)
            return fail(ErrorKind::MalformedPackage, "ZIP entry " + entry.name + " uses ZIP encryption");
        if (stat.comp_method == ZIP_CM_DEFLATE)
            entry.deflated = true;
        else if (stat.comp_method != ZIP_CM_STORE)
            return fail(ErrorKind::MalformedPackage,
                "ZIP entry " + entry.name + " uses compression method " + std::to_string(stat.comp_method));
        if (entry.compressed_size > archive_size || (!entry.deflated && entry.size != entry.compressed_size))
            return fail(ErrorKind::MalformedPackage, "ZIP entry " + entry.name + " has impossible sizes");
        if (!m_by_name.emplace(entry.name, m_entries.size()).second)
            return fail(ErrorKind::MalformedPackage, "ZIP archive has two entries named " + entry.name);
        m_entries.push_back(std::move(entry));
    }
    return {};
}

const ZipEntryInfo* ZipArchive::find(std::string_view name) const
{
    auto found = m_by_name.find(name);
    return found == m_by_name.end() ? nullptr : &m_entries[found->second];
}

Result<Bytes> ZipArchive::read_entry(const ZipEntryInfo& entry, const InflateLimits& limits)
{
    uint64_t allowed = entry.deflated ? limits.allowed_for(entry.compressed_size) : limits.max_output;
    if (entry.size > allowed)
        return fail(ErrorKind::LimitExceeded,
            "ZIP entry " + entry.name + " of " + std::to_string(entry.size) + " bytes is over the limit of "
                + std::to_string(allowed));
    std::lock_guard lock(m_mutex);
    ZipFileHandle file { zip_fopen_index(m_zip.get(), entry.index, 0) };
    if (!file)
        return fail(
            ErrorKind::MalformedPackage, "cannot open ZIP entry " + entry.name + ": " + zip_strerror(m_zip.get()));
    Bytes bytes(static_cast<size_t>(entry.size) + 1); // one spare byte shows data longer than the directory says
    size_t done = 0;
    while (done < bytes.size()) {
        zip_int64_t count = zip_fread(file.get(), bytes.data() + done, bytes.size() - done);
        if (count < 0)
            return fail(ErrorKind::MalformedPackage,
                "cannot read ZIP entry " + entry.name + ": " + zip_file_strerror(file.get()));
        if (count == 0)
            break;
        done += static_cast<size_t>(count);
    }
    if (done != entry.size)
        return fail(ErrorKind::MalformedPackage, "ZIP entry " + entry.name + " is not the size its directory says");
    bytes.pop_back();
    return bytes;
}

Result<zip_file_t*> ZipArchive::stored_file(uint64_t index)
{
    auto open = m_open_files.find(index);
    if (open != m_open_files.end())
        return open->second.get();
    if (m_open_files.size() >= max_open_files)
        m_open_files.erase(m_open_files.begin());
    ZipFileHandle file { zip_fopen_index(m_zip.get(), index, 0) };
    if (!file)
        return fail(ErrorKind::MalformedPackage, std::string("cannot open ZIP entry: ") + zip_strerror(m_zip.get()));
    zip_file_t* raw = file.get();
    m_open_files.emplace(index, std::move(file));
    return raw;
}

Result<size_t> ZipArchive::read_stored(const ZipEntryInfo& entry, uint64_t offset, std::span<uint8_t> out)
{
    if (entry.deflated)
        return fail(ErrorKind::InvalidArgument, "random access into deflated ZIP entry " + entry.name);
    if (offset >= entry.size || out.empty())
        return 0;
    size_t wanted = std::min<uint64_t>(out.size(), entry.size - offset);
    std::lock_guard lock(m_mutex);
    zip_file_t* file = TRY(stored_file(entry.index));
    if (zip_fseek(file, static_cast<zip_int64_t>(offset), SEEK_SET) != 0) {
        std::string text = zip_file_strerror(file);
        m_open_files.erase(entry.index);
        return fail(ErrorKind::MalformedPackage, "cannot seek in ZIP entry " + entry.name + ": " + text);
    }
    size_t done = 0;
    while (done < wanted) {
        zip_int64_t count = zip_fread(file, out.data() + done, wanted - done);
        if (count <= 0) {
            std::string text = count < 0 ? zip_file_strerror(file) : "ended early";
            m_open_files.erase(entry.index);
            return fail(ErrorKind::MalformedPackage, "cannot read ZIP entry " + entry.name + ": " + text);
        }
        done += static_cast<size_t>(count);
    }
    return done;
}

Result<std::shared_ptr<ByteSource>> ZipArchive::open_entry(
    const std::shared_ptr<ZipArchive>& archive, const ZipEntryInfo& entry, const InflateLimits& limits)
{
    if (!entry.deflated)
        return std::shared_ptr<ByteSource>(std::make_shared<ZipEntrySource>(archive, entry));
    Bytes bytes = TRY(archive->read_entry(entry, limits));
    return std::shared_ptr<ByteSource>(std::make_shared<MemoryByteSource>(std::move(bytes)));
}

}
