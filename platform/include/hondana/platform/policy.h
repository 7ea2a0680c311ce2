#pragma once

// The managed policy (MDM): what a device admin sets for every tablet.
//
// Sources, in order (later overrides earlier, key by key):
//   1. built-in defaults;
//   2. /etc/hondana/policies/recommended/*.json (sorted by name);
//   3. /etc/hondana/policies/managed/*.json (sorted by name; mandatory; must
//      be owned by root and writable by nobody else).
// For tests and the demo, one explicit file (`--policy FILE`) replaces all of
// them. Every key is documented in docs/mdm.md; `policy_keys()` lists them and
// a test fails when one has no entry there.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hondana/platform/error.h"

namespace hondana::platform {

// host:port, as in `allowed_hosts` and `trusted_network_probes`.
struct Endpoint {
    std::string host;
    uint16_t port { 443 };

    [[nodiscard]] std::string to_string() const;
    friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

// An https URL split into what the reader checks (no userinfo, no fragment).
struct HttpsUrl {
    std::string host;
    uint16_t port { 443 };
    std::string path; // starts with "/" ("/" when the URL has none)
};

// Parses `https://host[:port][/path]`. IPv6 literals are written `[::1]`.
// InvalidArgument for any other scheme, userinfo, an empty host or a bad port.
[[nodiscard]] Result<HttpsUrl> parse_https_url(std::string_view url);
// Parses `host` or `host:port` (default port 443); `[v6]:port` for IPv6.
[[nodiscard]] Result<Endpoint> parse_endpoint(std::string_view text);

enum class PolicyValueType { String, Boolean, Integer, StringList };

// One documented policy key.
struct PolicyKeySpec {
    std::string_view name;
    PolicyValueType type;
    std::string_view default_value; // as JSON text; empty when the key is required
    std::string_view summary;
};

// Every key the reader understands.
[[nodiscard]] std::span<const PolicyKeySpec> policy_keys();

// The effective policy after merging every source.
struct Policy {
    std::string service_url;
    HttpsUrl service;
    std::vector<std::string> tls_spki_pins; // base64 SHA-256 of SPKI, without "sha256//"
    std::string tenant_root_cert_pem;
    std::string device_id;
    std::optional<std::string> enrolment_code;
    std::vector<Endpoint> allowed_hosts;
    std::vector<Endpoint> trusted_network_probes;
    int offline_lease_days { 14 };
    bool allow_offline_reading { true };
    std::string language { "ja" };
    std::chrono::seconds audit_upload_interval { 300 };
    int offline_signin_attempts { 5 };
    std::chrono::seconds request_timeout { 30 };

    // Provenance, for `hondana-cli doctor`: the files read, in order, and for
    // each key the file that set it ("default" for built-in defaults).
    std::vector<std::filesystem::path> files;
    std::map<std::string, std::string> key_sources;

    [[nodiscard]] bool host_allowed(const Endpoint& endpoint) const;
};

enum class RequireRootOwned { Yes, No };

struct PolicyLocations {
    std::filesystem::path managed_dir { "/etc/hondana/policies/managed" };
    std::filesystem::path recommended_dir { "/etc/hondana/policies/recommended" };
    // When set, only this file is read (tests, the demo).
    std::optional<std::filesystem::path> explicit_file;
    RequireRootOwned require_root_owned { RequireRootOwned::Yes };
};

// Loads and validates the policy. Errors name the file and the key:
// PolicyMissing (no file anywhere, or a required key unset), PolicyInvalid
// (not JSON, not an object, unknown key, wrong type, bad value),
// PolicyInsecure (managed file not root-owned or group/world-writable), Io.
[[nodiscard]] Result<Policy> load_policy(const PolicyLocations& locations);

// Validates one policy document's text (for `load_policy` and tests);
// `origin` names the file in errors.
[[nodiscard]] Result<Policy> parse_policy_text(std::string_view json, const std::string& origin);

}
