#include "hondana/drm/error.h"

namespace hondana::drm {

std::string_view error_code(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::InvalidArgument: return "drm.invalid_argument";
    case ErrorKind::Io: return "drm.io";
    case ErrorKind::Crypto: return "drm.crypto";
    case ErrorKind::MalformedJson: return "drm.malformed_json";
    case ErrorKind::DocumentTooLarge: return "drm.document_too_large";
    case ErrorKind::MissingField: return "drm.missing_field";
    case ErrorKind::WrongType: return "drm.wrong_type";
    case ErrorKind::InvalidValue: return "drm.invalid_value";
    case ErrorKind::UnsupportedProfile: return "drm.unsupported_profile";
    case ErrorKind::UnsupportedAlgorithm: return "drm.unsupported_algorithm";
    case ErrorKind::MalformedCertificate: return "drm.malformed_certificate";
    case ErrorKind::SignatureInvalid: return "drm.signature_invalid";
    case ErrorKind::UntrustedRoot: return "drm.untrusted_root";
    case ErrorKind::CertificateNotValidAtIssue: return "drm.certificate_not_valid_at_issue";
    case ErrorKind::KeyUnwrapFailed: return "drm.key_unwrap_failed";
    case ErrorKind::WrongPassphrase: return "drm.wrong_passphrase";
    case ErrorKind::MalformedHeader: return "drm.malformed_header";
    case ErrorKind::UnsupportedVersion: return "drm.unsupported_version";
    case ErrorKind::ContentTampered: return "drm.content_tampered";
    case ErrorKind::ContentLengthMismatch: return "drm.content_length_mismatch";
    case ErrorKind::MalformedPackage: return "drm.malformed_package";
    case ErrorKind::MalformedXml: return "drm.malformed_xml";
    case ErrorKind::ResourceNotFound: return "drm.resource_not_found";
    case ErrorKind::LimitExceeded: return "drm.limit_exceeded";
    }
    return "drm.unknown";
}

}
