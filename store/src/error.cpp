#include "hondana/store/error.h"

namespace hondana::store {

std::string_view error_code(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::InvalidArgument: return "store.invalid_argument";
    case ErrorKind::Io: return "store.io";
    case ErrorKind::Database: return "store.database";
    case ErrorKind::NotEncrypted: return "store.not_encrypted";
    case ErrorKind::WrongKey: return "store.wrong_key";
    case ErrorKind::SchemaTooNew: return "store.schema_too_new";
    case ErrorKind::WrongPassword: return "store.wrong_password";
    case ErrorKind::OfflineSignInLocked: return "store.offline_sign_in_locked";
    case ErrorKind::OfflineNotAllowed: return "store.offline_not_allowed";
    case ErrorKind::NoLocalStore: return "store.no_local_store";
    case ErrorKind::NotFound: return "store.not_found";
    case ErrorKind::LicenceInvalid: return "store.licence_invalid";
    case ErrorKind::LicenceWrongDevice: return "store.licence_wrong_device";
    case ErrorKind::LicenceNotYetValid: return "store.licence_not_yet_valid";
    case ErrorKind::LicenceExpired: return "store.licence_expired";
    case ErrorKind::OfflineLeaseExpired: return "store.offline_lease_expired";
    case ErrorKind::LicenceRevoked: return "store.licence_revoked";
    case ErrorKind::ContentMissing: return "store.content_missing";
    case ErrorKind::ContentInvalid: return "store.content_invalid";
    case ErrorKind::AuditChainBroken: return "store.audit_chain_broken";
    case ErrorKind::Crypto: return "store.crypto";
    }
    return "store.unknown";
}

}
