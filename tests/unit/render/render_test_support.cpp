#include "render_test_support.h"

#include <cstring>
#include <fstream>
#include <mutex>

#include <gtest/gtest.h>
#include <zip.h>

#include "hondana/samples/samples.h"

namespace hondana::test {

const std::filesystem::path& sample_titles()
{
    static std::once_flag once;
    static std::filesystem::path folder;
    std::call_once(once, [] {
        folder = std::filesystem::temp_directory_path() / ("hondana-render-samples-" + std::to_string(getpid()));
        auto made = samples::make_samples(samples::default_assets_dir(), folder);
        if (!made)
            ADD_FAILURE() << "generating samples: " << made.error().message;
    });
    return folder;
}

std::shared_ptr<render::Engine> test_engine()
{
    static auto engine = render::Engine::create().value();
    return engine;
}

drm::Bytes read_file(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return drm::Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::shared_ptr<render::ResourceProvider> unzip_resources(const std::filesystem::path& epub)
{
    int error = 0;
    zip_t* archive = zip_open(epub.c_str(), ZIP_RDONLY, &error);
    std::vector<std::pair<std::string, drm::Bytes>> files;
    if (!archive) {
        ADD_FAILURE() << "cannot open " << epub;
        return render::memory_resources({});
    }
    zip_int64_t count = zip_get_num_entries(archive, 0);
    for (zip_int64_t i = 0; i < count; ++i) {
        zip_stat_t stat;
        if (zip_stat_index(archive, static_cast<zip_uint64_t>(i), 0, &stat) != 0 || !stat.name)
            continue;
        std::string name = stat.name;
        if (!name.empty() && name.back() == '/')
            continue;
        drm::Bytes bytes(stat.size);
        zip_file_t* file = zip_fopen_index(archive, static_cast<zip_uint64_t>(i), 0);
        if (file) {
            zip_fread(file, bytes.data(), bytes.size());
            zip_fclose(file);
        }
        files.emplace_back(name, std::move(bytes));
    }
    zip_discard(archive);
    return render::memory_resources(std::move(files));
}

FailingSource::FailingSource(drm::Bytes bytes, uint64_t failing_offset, drm::ErrorKind kind)
    : m_bytes(std::move(bytes))
    , m_failing_offset(failing_offset)
    , m_kind(kind)
{
}

drm::Result<size_t> FailingSource::read_at(uint64_t offset, std::span<uint8_t> out)
{
    if (offset + out.size() > m_failing_offset && offset < m_bytes.size())
        return drm::fail(m_kind, "segment authentication failed");
    if (offset >= m_bytes.size())
        return 0;
    size_t count = std::min<size_t>(out.size(), m_bytes.size() - offset);
    std::memcpy(out.data(), m_bytes.data() + offset, count);
    return count;
}

}
