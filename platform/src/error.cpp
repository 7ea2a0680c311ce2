#include "hondana/platform/error.h"

namespace hondana::platform {

std::string_view error_code(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::InvalidArgument: return "platform.invalid_argument";
    case ErrorKind::Io: return "platform.io";
    case ErrorKind::PolicyMissing: return "platform.policy_missing";
    case ErrorKind::PolicyInvalid: return "platform.policy_invalid";
    case ErrorKind::PolicyInsecure: return "platform.policy_insecure";
    case ErrorKind::NotEnrolled: return "platform.not_enrolled";
    case ErrorKind::KeyStoreCorrupt: return "platform.key_store_corrupt";
    case ErrorKind::Crypto: return "platform.crypto";
    case ErrorKind::Netlink: return "platform.netlink";
    }
    return "platform.unknown";
}

}
