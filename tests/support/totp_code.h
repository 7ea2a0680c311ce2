#pragma once

// RFC 6238 TOTP codes for tests that sign in as the demo teacher (HMAC-SHA256,
// 6 digits, 30-second steps: the demo tenant's parameters).

#include <cstdint>
#include <string>
#include <string_view>

#include "hondana/base/time.h"
#include "hondana/drm/crypto.h"

namespace hondana::test {

// The RFC 6238 time step now.
inline uint64_t totp_step_now()
{
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                     base::now_utc().time_since_epoch())
                                     .count()
        / 30);
}

// The code of a base32 (RFC 4648, no padding) secret at `step`.
inline std::string totp_code(std::string_view secret_base32, uint64_t step)
{
    drm::Bytes key;
    uint32_t buffer = 0;
    int bits = 0;
    for (char c : secret_base32) {
        auto at = std::string_view("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567").find(c);
        if (at == std::string_view::npos)
            continue;
        buffer = (buffer << 5) | static_cast<uint32_t>(at);
        bits += 5;
        if (bits >= 8) {
            key.push_back(static_cast<uint8_t>(buffer >> (bits - 8)));
            bits -= 8;
        }
    }
    drm::Bytes counter(8);
    for (int i = 7; i >= 0; --i, step >>= 8)
        counter[static_cast<size_t>(i)] = static_cast<uint8_t>(step & 0xff);
    auto mac = *drm::hmac(drm::HmacHash::Sha256, key, counter);
    size_t offset = mac.back() & 0x0f;
    uint32_t code = ((mac[offset] & 0x7fu) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
    auto digits = std::to_string(code % 1000000);
    return std::string(6 - digits.size(), '0') + digits;
}

}
