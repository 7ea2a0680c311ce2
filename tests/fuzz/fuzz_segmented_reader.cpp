// fuzz-deps: hondana::drm
// Fuzzes the segmented AES-256-GCM reader: the input is ciphertext opened with
// a fixed key (the seeds were encrypted with it, so mutations start from
// authentic content). Whatever the bytes, open and every read give plaintext
// of the promised size or an error, never a crash.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "drm_fuzz_key.h"
#include "hondana/drm/segmented.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace hondana::drm;
    const SecretBytes& key = fuzz::fixed_key();
    auto source = std::make_shared<MemoryByteSource>(Bytes(data, data + size));
    auto reader = SegmentedReader::open(source, key.view(), 2);
    if (!reader)
        return 0;
    uint64_t total = (*reader)->size();
    if (total > size)
        __builtin_trap(); // the input cannot authenticate more plaintext than it has bytes
    // Reads that start and end inside segments, straddle them, and run past the end.
    Bytes out(static_cast<size_t>(total) + 10);
    const uint64_t probes[][2]
        = { { 0, total }, { total / 3, total / 2 + 7 }, { 1, 1 }, { total, 5 }, { total / 2, total + 10 } };
    for (const auto& probe : probes) {
        auto count = (*reader)->read_at(probe[0], std::span(out).first(std::min<uint64_t>(probe[1], out.size())));
        if (count && *count > total - std::min(total, probe[0]))
            __builtin_trap();
    }
    return 0;
}
