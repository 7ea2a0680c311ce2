#include "lending/totp.h"

#include <array>
#include <cctype>

#include "hondana/base/text.h"

namespace hondana::lending {

namespace {

constexpr std::string_view base32_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

}

std::string base32_encode(drm::ByteView bytes)
{
    std::string out;
    uint32_t buffer = 0;
    int bits = 0;
    for (uint8_t b : bytes) {
        buffer = (buffer << 8) | b;
        bits += 8;
        while (bits >= 5) {
            out += base32_alphabet[(buffer >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0)
        out += base32_alphabet[(buffer << (5 - bits)) & 31];
    return out;
}

Result<drm::Bytes> base32_decode(std::string_view text)
{
    drm::Bytes out;
    uint32_t buffer = 0;
    int bits = 0;
    for (char raw : text) {
        if (raw == '=' || raw == ' ')
            continue;
        char c = static_cast<char>(std::toupper(static_cast<unsigned char>(raw)));
        auto index = base32_alphabet.find(c);
        if (index == std::string_view::npos)
            return fail(ErrorKind::MalformedRequest, "not base32");
        buffer = (buffer << 5) | static_cast<uint32_t>(index);
        bits += 5;
        if (bits >= 8) {
            out.push_back(static_cast<uint8_t>((buffer >> (bits - 8)) & 0xff));
            bits -= 8;
        }
    }
    return out;
}

uint64_t totp_step(base::Timestamp time)
{
    auto seconds = time.time_since_epoch().count();
    return seconds < 0 ? 0 : static_cast<uint64_t>(seconds) / totp_period_seconds;
}

Result<std::string> totp_code(drm::ByteView secret, uint64_t step, int digits, drm::HmacHash hash)
{
    if (digits < 6 || digits > 9)
        return fail(ErrorKind::InvalidArgument, "TOTP digits must be 6 to 9");
    std::array<uint8_t, 8> counter {};
    for (int i = 7; i >= 0; --i) {
        counter[static_cast<size_t>(i)] = static_cast<uint8_t>(step & 0xff);
        step >>= 8;
    }
    auto mac = drm::hmac(hash, secret, counter);
    if (!mac)
        return fail(ErrorKind::Internal, "HMAC: " + mac.error().message);
    size_t offset = mac->back() & 0x0f;
    uint32_t binary = (static_cast<uint32_t>((*mac)[offset] & 0x7f) << 24)
        | (static_cast<uint32_t>((*mac)[offset + 1]) << 16) | (static_cast<uint32_t>((*mac)[offset + 2]) << 8)
        | static_cast<uint32_t>((*mac)[offset + 3]);
    uint32_t modulus = 1;
    for (int i = 0; i < digits; ++i)
        modulus *= 10;
    auto value = std::to_string(binary % modulus);
    return std::string(static_cast<size_t>(digits) - value.size(), '0') + value;
}

Result<std::optional<uint64_t>> totp_verify(
    drm::ByteView secret, std::string_view code, base::Timestamp now, uint64_t last_used_step)
{
    if (code.size() != static_cast<size_t>(totp_digits))
        return std::optional<uint64_t> {};
    uint64_t current = totp_step(now);
    std::optional<uint64_t> matched;
    // Every candidate is computed and compared, so the time taken does not
    // say which step matched.
    for (uint64_t step = current == 0 ? 0 : current - 1; step <= current + 1; ++step) {
        auto expected = TRY(totp_code(secret, step));
        if (drm::constant_time_equal(drm::as_bytes(expected), drm::as_bytes(code)) && step > last_used_step)
            matched = step;
    }
    return matched;
}

std::string totp_uri(std::string_view issuer, std::string_view account, drm::ByteView secret)
{
    return "otpauth://totp/" + base::percent_encode(issuer) + ":" + base::percent_encode(account)
        + "?secret=" + base32_encode(secret) + "&issuer=" + base::percent_encode(issuer)
        + "&algorithm=SHA256&digits=" + std::to_string(totp_digits) + "&period=" + std::to_string(totp_period_seconds);
}

}
