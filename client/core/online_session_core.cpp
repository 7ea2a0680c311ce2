#include "core/online_session_core.h"

#include <charconv>

#include "hondana/base/time.h"

namespace hondana::client {

// "[sync.invalid_credentials] …" → "sync.invalid_credentials"; else the kind's name.
std::string error_code_of(const reader::Error& error)
{
    if (error.message.starts_with("[")) {
        auto end = error.message.find(']');
        if (end != std::string::npos)
            return error.message.substr(1, end - 1);
    }
    return "reader." + std::string(reader::error_name(error.kind));
}

// A number after "remaining" in a message ("… 3 attempts remaining", "remaining_attempts: 2").
std::optional<int> remaining_attempts(const std::string& message)
{
    auto at = message.find("remaining");
    if (at == std::string::npos)
        return std::nullopt;
    for (size_t i = at > 12 ? at - 12 : 0; i < message.size() && i < at + 24; ++i) {
        if (message[i] >= '0' && message[i] <= '9') {
            int value = 0;
            std::from_chars(message.data() + i, message.data() + message.size(), value);
            return value;
        }
    }
    return std::nullopt;
}

ErrorShown shown(const reader::Error& error, std::string message_key)
{
    return ErrorShown { error_code_of(error), std::move(message_key), error.message };
}

std::string message_key_for(const reader::Error& error)
{
    switch (error.kind) {
    case reader::ErrorKind::AuthFailed:
        return "signin.wrong_password";
    case reader::ErrorKind::Locked:
        return "signin.locked";
    case reader::ErrorKind::NetworkUntrusted:
    case reader::ErrorKind::NetworkOffline:
    case reader::ErrorKind::TlsRefused:
        return "signin.offline_note";
    case reader::ErrorKind::LicenceRefused:
    case reader::ErrorKind::ContentInvalid:
        return "reader.open_failed";
    default:
        return "error.title";
    }
}

LoanView loan_view(const sync::Loan& loan)
{
    return LoanView { loan.id, loan.title_id, loan.title, base::format_rfc3339(loan.end), false, std::nullopt };
}

}
