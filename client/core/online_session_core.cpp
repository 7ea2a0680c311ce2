#include "core/online_session_core.h"

#include <charconv>

#include "hondana/base/time.h"
#include "hondana/render/image.h"

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

// The failures left before a lock, from the `remaining_attempts=N` that sync/
// (the service's invalid-credentials problem) and store/ (offline sign-in)
// put in their messages; nullopt when there is none.
std::optional<int> remaining_attempts(const std::string& message)
{
    constexpr std::string_view token = "remaining_attempts=";
    auto at = message.rfind(token);
    if (at == std::string::npos)
        return std::nullopt;
    const char* begin = message.data() + at + token.size();
    int value = 0;
    auto [end, error] = std::from_chars(begin, message.data() + message.size(), value);
    if (error != std::errc {} || end == begin || value < 0)
        return std::nullopt;
    return value;
}

std::shared_ptr<const render::PageImage> cover_of(OnlineSession::Core& core, const std::string& title_id)
{
    if (auto drawn = core.covers.find(title_id); drawn != core.covers.end())
        return drawn->second;
    if (!core.reader || !core.options.engine)
        return nullptr;
    auto cover = core.reader->cover(title_id);
    if (!cover)
        core.covers[title_id] = nullptr; // the service refused: not asked again this session
    if (!cover || !*cover)
        return nullptr; // or offline with none kept: the shelf shows the title only
    auto image = render::render_image(
        core.options.engine, (*cover)->media_type, (*cover)->image, cover_width, cover_height);
    if (!image)
        return nullptr;
    auto shared = std::make_shared<const render::PageImage>(std::move(*image));
    core.covers[title_id] = shared;
    return shared;
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
    case reader::ErrorKind::PasswordChangeRequired:
        return "password.must_change_first";
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
    return LoanView { loan.id, loan.title_id, loan.title, base::format_rfc3339(loan.end), false, std::nullopt, nullptr };
}

}
