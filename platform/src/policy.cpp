#include "hondana/platform/policy.h"

#include <algorithm>
#include <array>
#include <set>

#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include "hondana/drm/crypto.h"
#include "hondana/platform/files.h"

namespace hondana::platform {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr uint64_t max_policy_bytes = 256 * 1024;

constexpr std::array key_specs {
    PolicyKeySpec { "service_url", PolicyValueType::String, "",
        "https URL of the lending service (its host is always allowed)" },
    PolicyKeySpec { "tls_spki_pins", PolicyValueType::StringList, "",
        "SPKI SHA-256 pins (base64) of the service's TLS key: current + backup, at least two" },
    PolicyKeySpec { "tenant_root_cert", PolicyValueType::String, "",
        "the tenant root certificate: PEM text, or an absolute path to a PEM file" },
    PolicyKeySpec { "device_id", PolicyValueType::String, "", "this tablet's device ID, as registered by the admin" },
    PolicyKeySpec { "enrolment_code", PolicyValueType::String, "null", "the one-time enrolment code for device_id" },
    PolicyKeySpec { "allowed_hosts", PolicyValueType::StringList, "[]",
        "extra host or host:port entries the reader may contact besides the service" },
    PolicyKeySpec { "trusted_network_probes", PolicyValueType::StringList, "[]",
        "host:port endpoints whose pinned TLS handshake proves a trusted network (empty: the service)" },
    PolicyKeySpec { "offline_lease_days", PolicyValueType::Integer, "14",
        "days a title may be read offline after the last online licence check (0-90)" },
    PolicyKeySpec { "allow_offline_reading", PolicyValueType::Boolean, "true",
        "whether offline sign-in and reading are allowed at all" },
    PolicyKeySpec { "language", PolicyValueType::String, "\"ja\"", "user interface language: \"ja\" or \"en\"" },
    PolicyKeySpec { "audit_upload_interval", PolicyValueType::Integer, "300",
        "seconds between uploads of the reader's audit events while online (30-86400)" },
    PolicyKeySpec { "offline_signin_attempts", PolicyValueType::Integer, "5",
        "wrong offline passwords before offline sign-in locks until the next online sign-in (1-20)" },
    PolicyKeySpec { "request_timeout_seconds", PolicyValueType::Integer, "30",
        "timeout of one request to the service, in seconds (5-600)" },
};

const PolicyKeySpec* find_spec(std::string_view name)
{
    auto it = std::find_if(key_specs.begin(), key_specs.end(), [&](const auto& spec) { return spec.name == name; });
    return it == key_specs.end() ? nullptr : &*it;
}

auto invalid(const std::string& origin, std::string_view key, const std::string& why)
{
    return fail(ErrorKind::PolicyInvalid, origin + ": key '" + std::string(key) + "': " + why);
}

Result<void> check_type(const std::string& origin, const PolicyKeySpec& spec, const json& value)
{
    bool ok = false;
    switch (spec.type) {
    case PolicyValueType::String: ok = value.is_string() || (spec.name == "enrolment_code" && value.is_null()); break;
    case PolicyValueType::Boolean: ok = value.is_boolean(); break;
    case PolicyValueType::Integer: ok = value.is_number_integer(); break;
    case PolicyValueType::StringList:
        ok = value.is_array() && std::all_of(value.begin(), value.end(), [](const json& v) { return v.is_string(); });
        break;
    }
    if (!ok) {
        static constexpr std::array names { "a string", "true or false", "an integer", "an array of strings" };
        return invalid(origin, spec.name, std::string("must be ") + names[static_cast<size_t>(spec.type)]);
    }
    return {};
}

Result<json> parse_document(std::string_view text, const std::string& origin)
{
    json document = json::parse(text, nullptr, false);
    if (document.is_discarded())
        return fail(ErrorKind::PolicyInvalid, origin + ": not valid JSON");
    if (!document.is_object())
        return fail(ErrorKind::PolicyInvalid, origin + ": the policy must be a JSON object");
    for (const auto& [key, value] : document.items()) {
        const auto* spec = find_spec(key);
        if (!spec)
            return invalid(origin, key, "unknown key (see docs/mdm.md for the keys)");
        TRY(check_type(origin, *spec, value));
    }
    return document;
}

// Merged values, each with the file that set it.
struct Merged {
    std::map<std::string, std::pair<json, std::string>> values;

    void add(const json& document, const std::string& origin)
    {
        for (const auto& [key, value] : document.items())
            values[key] = { value, origin };
    }
    [[nodiscard]] const json* get(std::string_view key) const
    {
        auto it = values.find(std::string(key));
        return it == values.end() ? nullptr : &it->second.first;
    }
    [[nodiscard]] std::string origin(std::string_view key) const
    {
        auto it = values.find(std::string(key));
        return it == values.end() ? "default" : it->second.second;
    }
};

Result<const json*> required(const Merged& merged, std::string_view key)
{
    const json* value = merged.get(key);
    if (!value)
        return fail(ErrorKind::PolicyMissing, "required policy key '" + std::string(key) + "' is not set in any policy file");
    return value;
}

Result<int> integer_in(const Merged& merged, std::string_view key, int fallback, int low, int high)
{
    const json* value = merged.get(key);
    if (!value)
        return fallback;
    auto number = value->get<int64_t>();
    if (number < low || number > high)
        return invalid(merged.origin(key), key, "must be between " + std::to_string(low) + " and " + std::to_string(high));
    return static_cast<int>(number);
}

Result<std::vector<std::string>> pins_from(const Merged& merged)
{
    const json* value = TRY(required(merged, "tls_spki_pins"));
    std::vector<std::string> pins;
    for (const auto& item : *value) {
        std::string pin = item.get<std::string>();
        if (pin.starts_with("sha256//"))
            pin.erase(0, 8);
        auto decoded = drm::base64_decode(pin);
        if (!decoded || decoded->size() != 32)
            return invalid(merged.origin("tls_spki_pins"), "tls_spki_pins",
                "'" + pin + "' is not a base64 SHA-256 digest (44 characters)");
        if (std::find(pins.begin(), pins.end(), pin) != pins.end())
            return invalid(merged.origin("tls_spki_pins"), "tls_spki_pins", "pin '" + pin + "' is listed twice");
        pins.push_back(pin);
    }
    if (pins.size() < 2)
        return invalid(merged.origin("tls_spki_pins"), "tls_spki_pins",
            "at least two pins are required (the current key and a backup key)");
    return pins;
}

Result<std::string> root_cert_from(const Merged& merged)
{
    const json* value = TRY(required(merged, "tenant_root_cert"));
    std::string text = value->get<std::string>();
    std::string origin = merged.origin("tenant_root_cert");
    if (!text.starts_with("-----BEGIN")) {
        if (!fs::path(text).is_absolute())
            return invalid(origin, "tenant_root_cert", "must be PEM text or an absolute path to a PEM file");
        auto file = read_text_file(text, max_policy_bytes);
        if (!file)
            return invalid(origin, "tenant_root_cert", file.error().message);
        text = std::move(*file);
    }
    // FIXME: parse it (drm::Certificate::from_pem) once tests/integration/packaging
    // stops using a placeholder certificate; until then the reader parses it at use.
    if (text.find("-----BEGIN CERTIFICATE-----") == std::string::npos
        || text.find("-----END CERTIFICATE-----") == std::string::npos)
        return invalid(origin, "tenant_root_cert", "does not contain a PEM certificate");
    return text;
}

Result<std::vector<Endpoint>> endpoints_from(const Merged& merged, std::string_view key)
{
    std::vector<Endpoint> endpoints;
    const json* value = merged.get(key);
    if (!value)
        return endpoints;
    for (const auto& item : *value) {
        auto endpoint = parse_endpoint(item.get<std::string>());
        if (!endpoint)
            return invalid(merged.origin(key), key, endpoint.error().message);
        if (std::find(endpoints.begin(), endpoints.end(), *endpoint) == endpoints.end())
            endpoints.push_back(*endpoint);
    }
    return endpoints;
}

Result<void> fill_identity(Policy& policy, const Merged& merged)
{
    policy.service_url = TRY(required(merged, "service_url"))->get<std::string>();
    auto service = parse_https_url(policy.service_url);
    if (!service)
        return invalid(merged.origin("service_url"), "service_url", service.error().message);
    policy.service = *service;
    policy.tls_spki_pins = TRY(pins_from(merged));
    policy.tenant_root_cert_pem = TRY(root_cert_from(merged));
    policy.device_id = TRY(required(merged, "device_id"))->get<std::string>();
    if (policy.device_id.empty() || policy.device_id.size() > 128)
        return invalid(merged.origin("device_id"), "device_id", "must be 1 to 128 characters");
    if (const json* code = merged.get("enrolment_code"); code && code->is_string())
        policy.enrolment_code = code->get<std::string>();
    return {};
}

Result<void> fill_network(Policy& policy, const Merged& merged)
{
    Endpoint service { policy.service.host, policy.service.port };
    policy.allowed_hosts = { service };
    for (auto& endpoint : TRY(endpoints_from(merged, "allowed_hosts"))) {
        if (!policy.host_allowed(endpoint))
            policy.allowed_hosts.push_back(endpoint);
    }
    policy.trusted_network_probes = TRY(endpoints_from(merged, "trusted_network_probes"));
    for (const auto& probe : policy.trusted_network_probes) {
        if (!policy.host_allowed(probe))
            return invalid(merged.origin("trusted_network_probes"), "trusted_network_probes",
                probe.to_string() + " is not the service and not in allowed_hosts");
    }
    if (policy.trusted_network_probes.empty())
        policy.trusted_network_probes = { service };
    return {};
}

Result<void> fill_settings(Policy& policy, const Merged& merged)
{
    policy.offline_lease_days = TRY(integer_in(merged, "offline_lease_days", 14, 0, 90));
    if (const json* value = merged.get("allow_offline_reading"))
        policy.allow_offline_reading = value->get<bool>();
    if (const json* value = merged.get("language")) {
        policy.language = value->get<std::string>();
        if (policy.language != "ja" && policy.language != "en")
            return invalid(merged.origin("language"), "language", "must be \"ja\" or \"en\"");
    }
    policy.audit_upload_interval = std::chrono::seconds(TRY(integer_in(merged, "audit_upload_interval", 300, 30, 86400)));
    policy.offline_signin_attempts = TRY(integer_in(merged, "offline_signin_attempts", 5, 1, 20));
    policy.request_timeout = std::chrono::seconds(TRY(integer_in(merged, "request_timeout_seconds", 30, 5, 600)));
    return {};
}

Result<Policy> build(const Merged& merged, std::vector<fs::path> files)
{
    Policy policy;
    TRY(fill_identity(policy, merged));
    TRY(fill_network(policy, merged));
    TRY(fill_settings(policy, merged));
    policy.files = std::move(files);
    for (const auto& spec : key_specs)
        policy.key_sources[std::string(spec.name)] = merged.origin(spec.name);
    return policy;
}

Result<void> check_ownership(const fs::path& file)
{
    struct stat info {};
    if (::stat(file.c_str(), &info) != 0)
        return fail(ErrorKind::Io, "cannot stat " + file.string());
    if (info.st_uid != 0 || (info.st_mode & 022) != 0)
        return fail(ErrorKind::PolicyInsecure,
            file.string() + ": a managed policy file must be owned by root and writable by no one else");
    return {};
}

Result<std::vector<fs::path>> json_files_in(const fs::path& dir)
{
    std::vector<fs::path> files;
    std::error_code error;
    if (!fs::is_directory(dir, error))
        return files;
    for (const auto& entry : fs::directory_iterator(dir, error)) {
        if (entry.path().extension() == ".json" && entry.is_regular_file())
            files.push_back(entry.path());
    }
    if (error)
        return fail(ErrorKind::Io, "cannot list " + dir.string() + ": " + error.message());
    std::sort(files.begin(), files.end());
    return files;
}

Result<void> merge_file(Merged& merged, const fs::path& file)
{
    auto text = TRY(read_text_file(file, max_policy_bytes));
    merged.add(TRY(parse_document(text, file.string())), file.string());
    return {};
}

}

std::span<const PolicyKeySpec> policy_keys()
{
    return key_specs;
}

bool Policy::host_allowed(const Endpoint& endpoint) const
{
    return std::find(allowed_hosts.begin(), allowed_hosts.end(), endpoint) != allowed_hosts.end();
}

Result<Policy> parse_policy_text(std::string_view text, const std::string& origin)
{
    Merged merged;
    merged.add(TRY(parse_document(text, origin)), origin);
    return build(merged, { fs::path(origin) });
}

Result<Policy> load_policy(const PolicyLocations& locations)
{
    Merged merged;
    std::vector<fs::path> files;
    if (locations.explicit_file) {
        std::error_code error;
        if (!fs::is_regular_file(*locations.explicit_file, error))
            return fail(ErrorKind::PolicyMissing, "policy file " + locations.explicit_file->string() + " not found");
        TRY(merge_file(merged, *locations.explicit_file));
        files.push_back(*locations.explicit_file);
        return build(merged, std::move(files));
    }
    for (const auto& file : TRY(json_files_in(locations.recommended_dir))) {
        TRY(merge_file(merged, file));
        files.push_back(file);
    }
    for (const auto& file : TRY(json_files_in(locations.managed_dir))) {
        if (locations.require_root_owned == RequireRootOwned::Yes)
            TRY(check_ownership(file));
        TRY(merge_file(merged, file));
        files.push_back(file);
    }
    if (files.empty())
        return fail(ErrorKind::PolicyMissing, "no policy file in " + locations.managed_dir.string() + " or "
                + locations.recommended_dir.string() + " (give one with --policy FILE)");
    return build(merged, std::move(files));
}

}
