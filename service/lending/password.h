#pragma once

// Passwords: the tenant's rule (REQ AUTH-2) and salted PBKDF2-HMAC-SHA256
// hashes that describe themselves, so the cost can be raised later:
//
//   pbkdf2-sha256$<iterations>$<base64 salt (16 bytes)>$<base64 hash (32 bytes)>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lending/error.h"
#include "lending/policy.h"

namespace hondana::lending {

inline constexpr size_t max_password_bytes = 1024;

// One way a password breaks the rule: `rule` is a stable code (docs/protocol.md,
// weak-password `rules`): min-length, max-length, upper, lower, digit, symbol,
// login-id, common (and reused, for a change to the same password); `reason`
// says it in English for people.
struct PasswordRuleFailure {
    std::string_view rule;
    std::string reason;
};

// Every way `password` breaks the rule (empty when it is acceptable): too
// short, no upper case / lower case / digit / symbol, equal to or containing
// the login ID, or on the list of common passwords.
[[nodiscard]] std::vector<PasswordRuleFailure> password_rule_failures(
    std::string_view password, std::string_view login_id, const TenantPolicy& policy);
// The same, as the reasons alone.
[[nodiscard]] std::vector<std::string> password_rule_violations(
    std::string_view password, std::string_view login_id, const TenantPolicy& policy);

// WeakPassword when the rule is broken, with details.rules (the codes),
// details.reasons (the sentences) and details.min_length.
[[nodiscard]] Error weak_password_error(const std::vector<PasswordRuleFailure>& failures, const TenantPolicy& policy);
[[nodiscard]] Result<void> check_password_rule(
    std::string_view password, std::string_view login_id, const TenantPolicy& policy);

// A new salted hash.
[[nodiscard]] Result<std::string> hash_password(std::string_view password, uint32_t iterations);

struct StoredPasswordHash {
    uint32_t iterations { 0 };
    std::vector<uint8_t> salt;
    std::vector<uint8_t> hash;
};

// Internal when `stored` is not a hash this build understands.
[[nodiscard]] Result<StoredPasswordHash> parse_password_hash(std::string_view stored);

// Whether `password` matches `stored` (constant-time comparison).
[[nodiscard]] Result<bool> verify_password(std::string_view password, std::string_view stored);

// True when `stored` uses fewer iterations than the policy asks.
[[nodiscard]] bool password_needs_rehash(std::string_view stored, uint32_t iterations);

// A hash no password matches, of the given cost: unknown login IDs are
// checked against it so they take as long as known ones.
[[nodiscard]] std::string dummy_password_hash(uint32_t iterations);

// A random password that meets the default rule (for imports and resets).
[[nodiscard]] Result<std::string> generate_password();

}
