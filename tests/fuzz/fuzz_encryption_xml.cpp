// fuzz-deps: hondana::drm
// Fuzzes the META-INF/encryption.xml parser: any bytes give a map or an error,
// never a crash, a hang or an expanded entity.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hondana/drm/package.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    std::string_view xml(reinterpret_cast<const char*>(data), size);
    auto parsed = hondana::drm::parse_encryption_xml(xml, 1000);
    if (parsed) {
        for (const auto& [path, encryption] : *parsed) {
            if (path.empty() || encryption.algorithm.empty())
                __builtin_trap(); // the parser promised a path and an algorithm
        }
    }
    return 0;
}
