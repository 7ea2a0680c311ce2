#include "lending/error.h"

namespace hondana::lending {

std::string_view error_code(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::MalformedRequest:
        return "lending.malformed_request";
    case ErrorKind::InvalidArgument:
        return "lending.invalid_argument";
    case ErrorKind::Conflict:
        return "lending.conflict";
    case ErrorKind::WeakPassword:
        return "lending.weak_password";
    case ErrorKind::DeviceUnknown:
        return "lending.device_unknown";
    case ErrorKind::DeviceRevoked:
        return "lending.device_revoked";
    case ErrorKind::EnrolmentInvalid:
        return "lending.enrolment_invalid";
    case ErrorKind::InvalidCredentials:
        return "lending.invalid_credentials";
    case ErrorKind::AccountLocked:
        return "lending.account_locked";
    case ErrorKind::TotpRequired:
        return "lending.totp_required";
    case ErrorKind::TotpInvalid:
        return "lending.totp_invalid";
    case ErrorKind::WrongSchool:
        return "lending.wrong_school";
    case ErrorKind::TokenInvalid:
        return "lending.token_invalid";
    case ErrorKind::Forbidden:
        return "lending.forbidden";
    case ErrorKind::PasswordChangeRequired:
        return "lending.password_change_required";
    case ErrorKind::NotFound:
        return "lending.not_found";
    case ErrorKind::NoCopies:
        return "lending.no_copies";
    case ErrorKind::LoanLimit:
        return "lending.loan_limit";
    case ErrorKind::AlreadyBorrowed:
        return "lending.already_borrowed";
    case ErrorKind::AlreadyReserved:
        return "lending.already_reserved";
    case ErrorKind::LoanNotActive:
        return "lending.loan_not_active";
    case ErrorKind::RenewRefused:
        return "lending.renew_refused";
    case ErrorKind::AuditChainBroken:
        return "lending.audit_chain_broken";
    case ErrorKind::NotEnoughCopies:
        return "lending.not_enough_copies";
    case ErrorKind::SessionState:
        return "lending.session_state";
    case ErrorKind::Busy:
        return "lending.busy";
    case ErrorKind::Internal:
        return "lending.internal";
    }
    return "lending.unknown";
}

Error from_storage(const storage::Error& error)
{
    switch (error.kind) {
    case storage::ErrorKind::Constraint:
        return Error { ErrorKind::Conflict, error.message };
    case storage::ErrorKind::Busy:
        return Error { ErrorKind::Busy, error.message };
    default:
        return Error { ErrorKind::Internal, std::string(storage::error_code(error.kind)) + ": " + error.message };
    }
}

}
