#pragma once

// The fixed content key of the drm fuzz targets (bytes 0x01..0x20): their
// seed corpora were encrypted with it, so mutations start from content that
// authenticates.

#include <cstddef>
#include <cstdint>

#include "hondana/drm/crypto.h"

namespace hondana::drm::fuzz {

inline const SecretBytes& fixed_key()
{
    static const SecretBytes key = [] {
        SecretBytes bytes(32);
        for (size_t i = 0; i < bytes.size(); ++i)
            bytes.data()[i] = static_cast<uint8_t>(i + 1);
        return bytes;
    }();
    return key;
}

}
