#include "hondana/reader/error.h"

namespace hondana::reader {

namespace {

std::string tagged(std::string_view code, const std::string& message)
{
    return "[" + std::string(code) + "] " + message;
}

ErrorKind kind_for_sync(sync::ErrorKind kind)
{
    using K = sync::ErrorKind;
    switch (kind) {
    case K::HostNotAllowed:
    case K::RedirectRefused:
    case K::RedirectOffAllowlist:
    case K::TlsProtocolVersion:
    case K::TlsNoCommonCipher:
    case K::TlsHandshake:
    case K::PinMismatch:
    case K::UntrustedCertificate: return ErrorKind::TlsRefused;
    case K::Unreachable:
    case K::Timeout: return ErrorKind::NetworkOffline;
    case K::HashMismatch: return ErrorKind::ContentInvalid;
    case K::Io: return ErrorKind::Io;
    case K::DeviceRequired:
    case K::DeviceUnknown:
    case K::EnrolmentInvalid: return ErrorKind::NotEnrolled;
    case K::DeviceRevoked: return ErrorKind::DeviceRevoked;
    case K::InvalidCredentials:
    case K::TotpRequired:
    case K::TotpInvalid:
    case K::WrongSchool: return ErrorKind::AuthFailed;
    case K::AccountLocked: return ErrorKind::Locked;
    case K::TokenInvalid: return ErrorKind::NotSignedIn;
    case K::WeakPassword: return ErrorKind::PasswordRejected;
    case K::PasswordChangeRequired: return ErrorKind::PasswordChangeRequired;
    case K::InvalidArgument:
    case K::Cancelled:
    case K::MalformedResponse:
    case K::ResponseTooLarge: return ErrorKind::Internal;
    default: return ErrorKind::ServiceRefused;
    }
}

ErrorKind kind_for_store(store::ErrorKind kind)
{
    using K = store::ErrorKind;
    switch (kind) {
    case K::WrongPassword: return ErrorKind::AuthFailed;
    case K::OfflineSignInLocked: return ErrorKind::Locked;
    case K::OfflineNotAllowed:
    case K::NoLocalStore: return ErrorKind::NotSignedIn;
    case K::LicenceInvalid:
    case K::LicenceWrongDevice:
    case K::LicenceNotYetValid:
    case K::LicenceExpired:
    case K::OfflineLeaseExpired:
    case K::LicenceRevoked: return ErrorKind::LicenceRefused;
    case K::ContentMissing:
    case K::NotFound: return ErrorKind::ServiceRefused;
    case K::ContentInvalid: return ErrorKind::ContentInvalid;
    case K::Io: return ErrorKind::Io;
    default: return ErrorKind::Store;
    }
}

}

std::string_view error_name(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::Internal: return "internal";
    case ErrorKind::Usage: return "usage";
    case ErrorKind::Policy: return "policy";
    case ErrorKind::NotEnrolled: return "not_enrolled";
    case ErrorKind::NetworkUntrusted: return "network_untrusted";
    case ErrorKind::NetworkOffline: return "network_offline";
    case ErrorKind::TlsRefused: return "tls_refused";
    case ErrorKind::AuthFailed: return "auth_failed";
    case ErrorKind::Locked: return "locked";
    case ErrorKind::NotSignedIn: return "not_signed_in";
    case ErrorKind::ServiceRefused: return "service_refused";
    case ErrorKind::LicenceRefused: return "licence_refused";
    case ErrorKind::DeviceRevoked: return "device_revoked";
    case ErrorKind::ContentInvalid: return "content_invalid";
    case ErrorKind::Store: return "store";
    case ErrorKind::Io: return "io";
    case ErrorKind::PasswordRejected: return "password_rejected";
    case ErrorKind::PasswordChangeRequired: return "password_change_required";
    }
    return "internal";
}

int exit_code(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::Internal: return 1;
    case ErrorKind::Usage: return 2;
    case ErrorKind::Policy: return 3;
    case ErrorKind::NotEnrolled: return 4;
    case ErrorKind::NetworkUntrusted: return 5;
    case ErrorKind::NetworkOffline: return 6;
    case ErrorKind::TlsRefused: return 7;
    case ErrorKind::AuthFailed: return 8;
    case ErrorKind::Locked: return 9;
    case ErrorKind::NotSignedIn: return 10;
    case ErrorKind::ServiceRefused: return 11;
    case ErrorKind::LicenceRefused: return 12;
    case ErrorKind::DeviceRevoked: return 13;
    case ErrorKind::ContentInvalid: return 14;
    case ErrorKind::Store: return 15;
    case ErrorKind::Io: return 16;
    case ErrorKind::PasswordRejected: return 17;
    case ErrorKind::PasswordChangeRequired: return 18;
    }
    return 1;
}

Error from_platform(const platform::Error& error)
{
    using K = platform::ErrorKind;
    auto kind = ErrorKind::Internal;
    if (error.kind == K::PolicyMissing || error.kind == K::PolicyInvalid || error.kind == K::PolicyInsecure)
        kind = ErrorKind::Policy;
    else if (error.kind == K::NotEnrolled)
        kind = ErrorKind::NotEnrolled;
    else if (error.kind == K::Io)
        kind = ErrorKind::Io;
    else if (error.kind == K::KeyStoreCorrupt)
        kind = ErrorKind::Store;
    return Error { kind, tagged(platform::error_code(error.kind), error.message) };
}

Error from_store(const store::Error& error)
{
    return Error { kind_for_store(error.kind), tagged(store::error_code(error.kind), error.message) };
}

Error from_sync(const sync::Error& error)
{
    return Error { kind_for_sync(error.kind), tagged(sync::error_code(error.kind), error.message) };
}

}
