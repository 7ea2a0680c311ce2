#include "core/account_state.h"

#include <charconv>

namespace hondana::client {

std::string password_result_for(const reader::Error& error)
{
    switch (error.kind) {
    case reader::ErrorKind::AuthFailed:
        return "wrong_current";
    case reader::ErrorKind::Locked:
        return "locked";
    case reader::ErrorKind::PasswordRejected:
        return "weak";
    case reader::ErrorKind::NetworkUntrusted:
    case reader::ErrorKind::NetworkOffline:
    case reader::ErrorKind::TlsRefused:
        return "offline";
    case reader::ErrorKind::NotSignedIn:
        return "signed_out";
    default:
        return "failed";
    }
}

std::vector<std::string> rules_in(const std::string& message)
{
    constexpr std::string_view token = "rules=";
    auto at = message.rfind(token);
    if (at == std::string::npos)
        return {};
    auto end = message.find(']', at);
    if (end == std::string::npos)
        return {};
    auto list = nlohmann::json::parse(message.substr(at + token.size(), end + 1 - at - token.size()), nullptr, false);
    std::vector<std::string> rules;
    if (!list.is_array())
        return rules;
    for (const auto& rule : list)
        if (rule.is_string())
            rules.push_back(rule.get<std::string>());
    return rules;
}

std::optional<int> min_length_in(const std::string& message)
{
    constexpr std::string_view token = "min_length=";
    auto at = message.rfind(token);
    if (at == std::string::npos)
        return std::nullopt;
    const char* begin = message.data() + at + token.size();
    int value = 0;
    auto [end, error] = std::from_chars(begin, message.data() + message.size(), value);
    if (error != std::errc {} || end == begin || value < 1 || value > 1024)
        return std::nullopt;
    return value;
}

void add_account_json(const PasswordChangeState& account, nlohmann::json& out)
{
    std::string rules;
    for (const auto& rule : account.rules)
        rules += (rules.empty() ? "" : ",") + rule;
    out["password_change"] = account.result.empty() ? "none" : account.result;
    out["password_changing"] = account.changing;
    out["password_rules"] = rules.empty() ? "none" : rules;
    out["password_signed_out"] = account.signed_out;
    out["password_min_length"] = account.min_length;
    out["password_remaining_attempts"] = account.remaining_attempts ? *account.remaining_attempts : -1;
}

}
