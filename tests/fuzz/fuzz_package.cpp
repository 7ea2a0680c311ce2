// fuzz-deps: hondana::drm
// Fuzzes the package opener: the input is a ZIP (LCPDF or EPUB). It is opened
// with small limits, and every entry is read raw and as plaintext with a fixed
// key (the seeds were packaged with it), plus the embedded licence. Any bytes
// give content or an error, never a crash, a hang or unbounded memory.

#include <cstddef>
#include <cstdint>
#include <memory>

#include "drm_fuzz_key.h"
#include "hondana/drm/package.h"

namespace {

void read_through(hondana::drm::Result<std::shared_ptr<hondana::drm::ByteSource>> source)
{
    if (!source)
        return;
    hondana::drm::Bytes buffer(4096);
    uint64_t size = (*source)->size();
    // The start, the middle and the end: enough to exercise every layer without
    // reading megabytes of an inflated bomb the limits allowed.
    for (uint64_t offset : { uint64_t(0), size / 2, size > 100 ? size - 100 : 0 }) {
        if (!(*source)->read_at(offset, buffer))
            return;
    }
}

}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace hondana::drm;
    const SecretBytes& key = fuzz::fixed_key();
    PackageLimits limits;
    limits.max_entries = 200;
    limits.max_metadata_bytes = 256 * 1024;
    limits.max_inflated_resource = 8 * 1024 * 1024;
    auto package = Package::open(std::make_shared<MemoryByteSource>(Bytes(data, data + size)), limits);
    if (!package)
        return 0;
    (void)(*package)->embedded_licence();
    (void)(*package)->main_resource();
    for (const auto& entry : (*package)->entries()) {
        read_through((*package)->open_raw(entry.path));
        read_through((*package)->open_resource(entry.path, &key));
    }
    return 0;
}
