#pragma once

// Errors of the drm module. Every kind has a stable code (`drm.<name>`) that
// callers may show, log and test for.

#include <string_view>

#include "hondana/base/result.h"

namespace hondana::drm {

enum class ErrorKind {
    InvalidArgument,      // a caller passed something unusable (wrong key length, …)
    Io,                   // reading or writing a file failed
    Crypto,               // OpenSSL failed where it should not (out of memory, …)
    MalformedJson,        // not JSON, or JSON of the wrong shape at the top level
    DocumentTooLarge,     // a licence or manifest over its size limit
    MissingField,         // a required member is absent (message names it)
    WrongType,            // a member has the wrong JSON type (message names it)
    InvalidValue,         // a member has a value we cannot accept (message names it)
    UnsupportedProfile,   // encryption.profile is not one we implement
    UnsupportedAlgorithm, // a signature, key or content algorithm we do not implement
    MalformedCertificate, // certificate bytes that do not parse
    SignatureInvalid,     // the signature does not match the signed bytes
    UntrustedRoot,        // the certificate does not chain to the given root
    CertificateNotValidAtIssue, // the chain was not valid at the document's signing time
    KeyUnwrapFailed,      // wrong device key, wrong licence/device context or altered wrapped key
    WrongPassphrase,      // LCP basic profile: key_check does not decrypt to the licence id
    MalformedHeader,      // a segmented-content header that does not parse
    UnsupportedVersion,   // a segmented-content header of a version we do not know
    ContentTampered,      // authentication of protected content failed
    ContentLengthMismatch,// protected content truncated or extended
    MalformedPackage,     // a ZIP/EPUB/LCPDF container we cannot read
    MalformedXml,         // encryption.xml, container.xml or an OPF that does not parse
    ResourceNotFound,     // no such resource in the package
    LimitExceeded,        // too many entries, too large when inflated, too deep
};

using Error = base::Error<ErrorKind>;
template<typename T>
using Result = base::Result<T, ErrorKind>;

// Stable code for an error kind, for example "drm.signature_invalid".
[[nodiscard]] std::string_view error_code(ErrorKind kind);

// Shorthand for `base::fail` with a drm error kind.
[[nodiscard]] inline auto fail(ErrorKind kind, std::string message)
{
    return base::fail(kind, std::move(message));
}

}
