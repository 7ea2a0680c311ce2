#pragma once

// Licence documents in the Readium LCP shape, for two profiles:
//  - LCP basic profile (interoperability): content key under a passphrase.
//  - Hondana device profile: the content key wrapped to one device's P-256
//    key (see key_wrap.h), the device named in `encryption.user_key`, and an
//    offline lease end in `rights`.
// Parsing is strict: a missing or mistyped member, an unknown profile or
// algorithm or an oversized document fails with an error naming the member
// (as a JSON path, for example `encryption.content_key.encrypted_value`).
// Members we do not know are kept, because they are signed.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hondana/base/time.h"
#include "hondana/drm/crypto.h"
#include "hondana/drm/keys.h"

namespace hondana::drm {

inline constexpr std::string_view lcp_basic_profile = "http://readium.org/lcp/basic-profile";
inline constexpr std::string_view hondana_device_profile = "urn:hondana:lcp:device-profile:1.0";

// content_key.algorithm values.
inline constexpr std::string_view aes256_cbc_uri = "http://www.w3.org/2001/04/xmlenc#aes256-cbc";
inline constexpr std::string_view device_key_wrap_uri = "urn:hondana:lcp:ecdh-p256-hkdf-sha256-aes256kw";
// user_key.algorithm values.
inline constexpr std::string_view sha256_uri = "http://www.w3.org/2001/04/xmlenc#sha256";
inline constexpr std::string_view device_p256_uri = "urn:hondana:lcp:device-key:p256";
// Resource encryption algorithm of our profile (encryption.xml / manifest.json).
inline constexpr std::string_view segmented_gcm_uri = "urn:hondana:enc:aes256-gcm-segmented:1";

inline constexpr size_t max_licence_bytes = 64 * 1024;
inline constexpr std::string_view licence_media_type = "application/vnd.readium.lcp.license.v1.0+json";

struct LicenceLink {
    std::string rel;
    std::string href;
    std::optional<std::string> type;
    std::optional<std::string> title;
    std::optional<std::string> profile;
    bool templated { false };
    std::optional<uint64_t> length;
    std::optional<std::string> hash; // lower-case hex SHA-256 of the linked resource
};

struct LicenceRights {
    std::optional<int64_t> print;
    std::optional<int64_t> copy;
    std::optional<base::Timestamp> start;
    std::optional<base::Timestamp> end;
    // Hondana profile: reading offline is allowed until this time, after which
    // the reader must reach the service again (rights.offline_until).
    std::optional<base::Timestamp> offline_until;
};

struct LicenceUser {
    std::string id;
    std::optional<std::string> email;
    std::optional<std::string> name;
    std::vector<std::string> encrypted;
};

struct LicenceContentKey {
    std::string algorithm;
    Bytes encrypted_value;
};

struct LicenceUserKey {
    std::string algorithm;
    std::optional<std::string> text_hint;
    std::optional<Bytes> key_check; // LCP basic profile (required there)
    std::optional<std::string> device_id; // Hondana profile (required there)
    std::optional<std::string> device_key_pin; // Hondana profile: SPKI pin of the device key
};

struct LicenceSignature {
    std::string algorithm;
    Bytes certificate; // DER
    Bytes value;
};

struct Licence {
    std::string id;
    base::Timestamp issued;
    std::optional<base::Timestamp> updated;
    std::string provider;
    std::string profile;
    LicenceContentKey content_key;
    LicenceUserKey user_key;
    std::vector<LicenceLink> links;
    LicenceRights rights;
    LicenceUser user;
    std::optional<LicenceSignature> signature;
    // The document as parsed (or as last signed): the signed bytes are its
    // canonical form without `signature`.
    nlohmann::json document;

    [[nodiscard]] const LicenceLink* link(std::string_view rel) const;
    // The time the signing certificate is judged at: `updated`, else `issued`.
    [[nodiscard]] base::Timestamp signing_time() const { return updated.value_or(issued); }
};

// Parses a licence document (at most max_licence_bytes; duplicate member
// names and nesting deeper than 16 are refused). Checks the shape and the
// profile's requirements, not the signature (see verify_licence); an
// unsigned licence parses. Both profiles need id, issued, provider,
// encryption{profile, content_key, user_key} and links with a "publication"
// link. Basic profile: aes256-cbc / sha256 algorithms, user_key.key_check,
// a "hint" link. Device profile: device_key_wrap_uri with a 105-byte
// encrypted_value, device_p256_uri with user_key.device_id and
// device_key_pin (base64 SHA-256), a publication link with length and hash,
// rights{print, copy, start, end, offline_until} and user.id.
// Kinds: DocumentTooLarge, MalformedJson, LimitExceeded, MissingField,
// WrongType, InvalidValue, UnsupportedProfile, UnsupportedAlgorithm; the
// message names the member as a JSON path. docs/drm.md lists every member.
[[nodiscard]] Result<Licence> parse_licence(std::string_view json);

// The JSON form of `licence` built from its fields (without `signature` when
// it has none). Unknown members of a parsed document are not included; use
// `licence.document` to keep them.
[[nodiscard]] nlohmann::json licence_to_json(const Licence& licence);

// Signs with ECDSA P-256/SHA-256 (value r || s) over the canonical form of
// licence_to_json(licence) without `signature`: sets `signature` (algorithm,
// `certificate` DER, value) and `document`, and returns the serialized
// licence (canonical JSON). Refuses (with parse_licence's error) a licence
// that would not parse, and (InvalidArgument) a key that is not P-256 or
// does not match the certificate. Does not judge the certificate's validity.
[[nodiscard]] Result<std::string> sign_licence(
    Licence& licence, const PrivateKey& signing_key, const Certificate& signing_certificate);

// Verifies a licence: the signature holds over the canonical form of
// `document` without `signature` (checked first, so an altered licence is
// SignatureInvalid whoever signed it), its certificate chains to
// `trusted_root` with every certificate valid at `signing_time()`, and the
// certificate may sign licences: the device profile needs
// licence_signing_eku_oid, and a TLS client (device) certificate without it
// is refused for any profile. Kinds: MissingField (unsigned),
// UnsupportedAlgorithm, MalformedCertificate, SignatureInvalid,
// UntrustedRoot, CertificateNotValidAtIssue.
[[nodiscard]] Result<void> verify_licence(const Licence& licence, const Certificate& trusted_root);

}
