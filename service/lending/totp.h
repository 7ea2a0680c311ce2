#pragma once

// Time-based one-time passwords, RFC 6238 with HMAC-SHA-256 (CRYPTREC lists
// no SHA-1 for new systems): 30-second steps, 6 digits, a window of ±1 step,
// and a code is never accepted twice (the last accepted step is kept and
// only later steps pass).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hondana/base/time.h"
#include "hondana/drm/crypto.h"
#include "lending/error.h"

namespace hondana::lending {

inline constexpr int totp_period_seconds = 30;
inline constexpr int totp_digits = 6;
inline constexpr size_t totp_secret_size = 32; // the SHA-256 key length RFC 6238 uses

// RFC 4648 base32 (upper case, no padding), as authenticator apps expect.
[[nodiscard]] std::string base32_encode(drm::ByteView bytes);
// Accepts upper or lower case, optional padding and spaces. MalformedRequest otherwise.
[[nodiscard]] Result<drm::Bytes> base32_decode(std::string_view text);

// The time step (RFC 6238 T) of `time`.
[[nodiscard]] uint64_t totp_step(base::Timestamp time);

// The HOTP value (RFC 4226 dynamic truncation) of `secret` at `step`, with
// HMAC over the given hash, zero-padded to `digits`.
[[nodiscard]] Result<std::string> totp_code(
    drm::ByteView secret, uint64_t step, int digits = totp_digits, drm::HmacHash hash = drm::HmacHash::Sha256);

// The step `code` matches within now±1 step and after `last_used_step`, or
// nullopt (wrong, too far off, or already used).
[[nodiscard]] Result<std::optional<uint64_t>> totp_verify(
    drm::ByteView secret, std::string_view code, base::Timestamp now, uint64_t last_used_step);

// otpauth:// URI for enrolling an authenticator app.
[[nodiscard]] std::string totp_uri(std::string_view issuer, std::string_view account, drm::ByteView secret);

}
