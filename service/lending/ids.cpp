#include "lending/ids.h"

#include <array>
#include <cctype>

#include "hondana/drm/crypto.h"

namespace hondana::lending {

Result<std::string> new_uuid()
{
    std::array<uint8_t, 16> bytes {};
    if (auto ok = drm::random_bytes(bytes); !ok)
        return fail(ErrorKind::Internal, "random: " + ok.error().message);
    bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0f) | 0x40);
    bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3f) | 0x80);
    auto hex = drm::hex_encode(bytes);
    return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-"
        + hex.substr(20);
}

namespace {

constexpr std::string_view crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

}

Result<std::string> new_enrolment_code()
{
    std::array<uint8_t, 20> bytes {};
    if (auto ok = drm::random_bytes(bytes); !ok)
        return fail(ErrorKind::Internal, "random: " + ok.error().message);
    std::string code;
    for (size_t i = 0; i < bytes.size(); ++i) {
        if (i > 0 && i % 5 == 0)
            code += '-';
        code += crockford[bytes[i] % 32];
    }
    return code;
}

std::string normalise_enrolment_code(std::string_view code)
{
    std::string out;
    for (char c : code) {
        if (c == '-' || c == ' ')
            continue;
        char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (upper == 'I' || upper == 'L')
            upper = '1';
        else if (upper == 'O')
            upper = '0';
        out += upper;
    }
    return out;
}

}
