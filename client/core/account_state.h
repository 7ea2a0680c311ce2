#pragma once

// The signed-in user's own account screen (the password change): what the
// password view shows, set by OnlineSession on the main thread.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hondana/reader/error.h"

namespace hondana::client {

struct PasswordChangeState {
    bool changing { false };
    // "" (nothing yet), changed, wrong_current, locked, weak, mismatch, offline, signed_out, failed
    std::string result;
    std::vector<std::string> rules;        // the broken rules of a `weak` refusal (stable codes)
    std::optional<int> remaining_attempts; // after `wrong_current`
    int64_t signed_out { 0 };              // sessions the change ended (after `changed`)
    int min_length { 10 };                 // REQ AUTH-2's floor, or the tenant's minimum once the service said it
};

// The rules the password view lists (stable codes of docs/protocol.md).
inline constexpr const char* password_rules[]
    = { "min-length", "upper", "lower", "digit", "symbol", "login-id", "common", "reused" };

// The result name for a failed change.
[[nodiscard]] std::string password_result_for(const reader::Error& error);
// The rule codes of a `rules=[…]` member in an error message (sync/ puts the
// problem's members there); empty when there is none.
[[nodiscard]] std::vector<std::string> rules_in(const std::string& message);

// The tenant's minimum length from a `min_length=N` member, if any.
[[nodiscard]] std::optional<int> min_length_in(const std::string& message);

// Adds the queryable part (`password_change`, `password_changing`,
// `password_rules`, `password_signed_out`, `password_remaining_attempts`) to
// the state JSON.
void add_account_json(const PasswordChangeState& account, nlohmann::json& out);

}
