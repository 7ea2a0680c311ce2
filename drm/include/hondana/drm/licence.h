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

// Parses a licence document (at most max_licence_bytes).
[[nodiscard]] Result<Licence> parse_licence(std::string_view json);

// The JSON form of `licence` built from its fields (without `signature` when
// it has none). Unknown members of a parsed document are not included; use
// `licence.document` to keep them.
[[nodiscard]] nlohmann::json licence_to_json(const Licence& licence);

// Signs with ECDSA P-256/SHA-256: sets `signature` (algorithm, `certificate`
// DER, value) and `document`, and returns the serialized licence.
[[nodiscard]] Result<std::string> sign_licence(
    Licence& licence, const PrivateKey& signing_key, const Certificate& signing_certificate);

// Verifies a licence: its certificate chains to `trusted_root` and was valid
// at `signing_time()`, and the signature holds over the canonical form of
// `document` without `signature`. Kinds: MissingField (unsigned),
// MalformedCertificate, UntrustedRoot, CertificateNotValidAtIssue,
// UnsupportedAlgorithm, SignatureInvalid.
[[nodiscard]] Result<void> verify_licence(const Licence& licence, const Certificate& trusted_root);

}
