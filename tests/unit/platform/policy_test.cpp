#include "hondana/platform/policy.h"

#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "hondana/drm/keys.h"
#include "temp_dir.h"

using namespace hondana::platform;
using nlohmann::json;

namespace {

// A real self-signed P-256 certificate (the tenant root must parse).
const std::string& root_pem()
{
    static const std::string pem = [] {
        auto key = *hondana::drm::PrivateKey::generate_p256();
        auto now = hondana::base::now_utc();
        hondana::drm::CertificateRequest request { "Policy Test Root", "Hondana tests", hondana::drm::CertificateRole::Root,
            {}, {}, now, now + std::chrono::hours(24) };
        return hondana::drm::issue_certificate(request, key.public_key(), nullptr, key)->pem();
    }();
    return pem;
}
const char* pin_a = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
const char* pin_b = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBA=";

json minimal()
{
    return { { "service_url", "https://lending.example.jp:8443/" }, { "tls_spki_pins", { pin_a, pin_b } },
        { "tenant_root_cert", root_pem() }, { "device_id", "tablet-0001" } };
}

Result<Policy> parse(const json& document)
{
    return parse_policy_text(document.dump(), "test.json");
}

void expect_error(const json& document, ErrorKind kind, std::string_view needle)
{
    auto policy = parse(document);
    ASSERT_FALSE(policy) << document.dump();
    EXPECT_EQ(policy.error().kind, kind) << policy.error().message;
    EXPECT_NE(policy.error().message.find(needle), std::string::npos) << policy.error().message;
    EXPECT_NE(policy.error().message.find("test.json"), std::string::npos) << policy.error().message;
}

void write(const std::filesystem::path& path, const json& document)
{
    std::ofstream(path) << document.dump();
}

}

TEST(Policy, minimal_policy_gets_documented_defaults)
{
    auto policy = parse(minimal());
    ASSERT_TRUE(policy) << policy.error().message;
    EXPECT_EQ(policy->service.host, "lending.example.jp");
    EXPECT_EQ(policy->service.port, 8443);
    EXPECT_EQ(policy->tls_spki_pins.size(), 2u);
    EXPECT_EQ(policy->offline_lease_days, 14);
    EXPECT_TRUE(policy->allow_offline_reading);
    EXPECT_EQ(policy->language, "ja");
    EXPECT_EQ(policy->audit_upload_interval.count(), 300);
    EXPECT_EQ(policy->offline_signin_attempts, 5);
    ASSERT_EQ(policy->allowed_hosts.size(), 1u);
    EXPECT_EQ(policy->allowed_hosts[0].to_string(), "lending.example.jp:8443");
    ASSERT_EQ(policy->trusted_network_probes.size(), 1u);
    EXPECT_EQ(policy->trusted_network_probes[0], policy->allowed_hosts[0]);
    EXPECT_EQ(policy->key_sources.at("language"), "default");
    EXPECT_EQ(policy->key_sources.at("device_id"), "test.json");
}

TEST(Policy, rejects_unknown_key_naming_file_and_key)
{
    auto document = minimal();
    document["colour"] = "blue";
    expect_error(document, ErrorKind::PolicyInvalid, "'colour'");
}

TEST(Policy, rejects_wrong_types_naming_the_key)
{
    auto document = minimal();
    document["offline_lease_days"] = "14";
    expect_error(document, ErrorKind::PolicyInvalid, "'offline_lease_days'");
    document = minimal();
    document["allow_offline_reading"] = 1;
    expect_error(document, ErrorKind::PolicyInvalid, "'allow_offline_reading'");
    document = minimal();
    document["allowed_hosts"] = { "a", 3 };
    expect_error(document, ErrorKind::PolicyInvalid, "'allowed_hosts'");
}

TEST(Policy, requires_at_least_two_distinct_pins)
{
    auto document = minimal();
    document["tls_spki_pins"] = { pin_a };
    expect_error(document, ErrorKind::PolicyInvalid, "at least two");
    document["tls_spki_pins"] = { pin_a, pin_a };
    expect_error(document, ErrorKind::PolicyInvalid, "twice");
    document["tls_spki_pins"] = { pin_a, "not-a-pin" };
    expect_error(document, ErrorKind::PolicyInvalid, "not-a-pin");
}

TEST(Policy, accepts_curl_style_pins)
{
    auto document = minimal();
    document["tls_spki_pins"] = { std::string("sha256//") + pin_a, pin_b };
    auto policy = parse(document);
    ASSERT_TRUE(policy) << policy.error().message;
    EXPECT_EQ(policy->tls_spki_pins[0], pin_a);
}

TEST(Policy, rejects_bad_values)
{
    auto document = minimal();
    document["service_url"] = "http://lending.example.jp/";
    expect_error(document, ErrorKind::PolicyInvalid, "'service_url'");
    document = minimal();
    document["offline_lease_days"] = 400;
    expect_error(document, ErrorKind::PolicyInvalid, "between 0 and 90");
    document = minimal();
    document["language"] = "fr";
    expect_error(document, ErrorKind::PolicyInvalid, "'language'");
    document = minimal();
    document["tenant_root_cert"] = "relative/root.pem";
    expect_error(document, ErrorKind::PolicyInvalid, "'tenant_root_cert'");
    document["tenant_root_cert"] = "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n";
    expect_error(document, ErrorKind::PolicyInvalid, "does not contain a PEM certificate");
    document = minimal();
    document["trusted_network_probes"] = { "probe.example.jp:443" };
    expect_error(document, ErrorKind::PolicyInvalid, "not the service and not in allowed_hosts");
}

TEST(Policy, reports_missing_required_key)
{
    auto document = minimal();
    document.erase("device_id");
    auto policy = parse(document);
    ASSERT_FALSE(policy);
    EXPECT_EQ(policy.error().kind, ErrorKind::PolicyMissing);
    EXPECT_NE(policy.error().message.find("device_id"), std::string::npos);
}

TEST(Policy, rejects_text_that_is_not_a_json_object)
{
    auto policy = parse_policy_text("{\"service_url\": ", "broken.json");
    ASSERT_FALSE(policy);
    EXPECT_EQ(policy.error().kind, ErrorKind::PolicyInvalid);
    EXPECT_NE(policy.error().message.find("broken.json"), std::string::npos);
    EXPECT_FALSE(parse_policy_text("[1,2]", "array.json"));
}

TEST(Policy, managed_files_override_recommended_in_name_order)
{
    hondana::test::TempDir dir;
    auto managed = dir.path() / "managed";
    auto recommended = dir.path() / "recommended";
    std::filesystem::create_directories(managed);
    std::filesystem::create_directories(recommended);
    write(recommended / "00-defaults.json", { { "language", "en" }, { "offline_lease_days", 3 } });
    write(managed / "10-base.json", minimal());
    write(managed / "20-school.json", { { "offline_lease_days", 7 } });
    auto policy = load_policy({ managed, recommended, std::nullopt, RequireRootOwned::No });
    ASSERT_TRUE(policy) << policy.error().message;
    EXPECT_EQ(policy->language, "en");
    EXPECT_EQ(policy->offline_lease_days, 7);
    EXPECT_EQ(policy->key_sources.at("offline_lease_days"), (managed / "20-school.json").string());
    EXPECT_EQ(policy->files.size(), 3u);
}

TEST(Policy, error_in_a_later_file_names_that_file)
{
    hondana::test::TempDir dir;
    auto managed = dir.path() / "managed";
    std::filesystem::create_directories(managed);
    write(managed / "10-base.json", minimal());
    write(managed / "20-bad.json", { { "offline_signin_attempts", true } });
    auto policy = load_policy({ managed, dir.path() / "none", std::nullopt, RequireRootOwned::No });
    ASSERT_FALSE(policy);
    EXPECT_NE(policy.error().message.find("20-bad.json"), std::string::npos) << policy.error().message;
    EXPECT_NE(policy.error().message.find("offline_signin_attempts"), std::string::npos);
}

TEST(Policy, no_policy_anywhere_is_policy_missing)
{
    hondana::test::TempDir dir;
    auto policy = load_policy({ dir.path() / "managed", dir.path() / "recommended", std::nullopt, RequireRootOwned::No });
    ASSERT_FALSE(policy);
    EXPECT_EQ(policy.error().kind, ErrorKind::PolicyMissing);
}

TEST(Policy, managed_file_writable_by_others_is_refused)
{
    hondana::test::TempDir dir;
    auto managed = dir.path() / "managed";
    std::filesystem::create_directories(managed);
    write(managed / "10-base.json", minimal());
    std::filesystem::permissions(managed / "10-base.json", std::filesystem::perms::others_write,
        std::filesystem::perm_options::add);
    auto policy = load_policy({ managed, dir.path() / "none", std::nullopt, RequireRootOwned::Yes });
    ASSERT_FALSE(policy);
    EXPECT_EQ(policy.error().kind, ErrorKind::PolicyInsecure);
}

TEST(Policy, explicit_file_is_the_only_source)
{
    hondana::test::TempDir dir;
    auto file = dir.path() / "demo.json";
    auto document = minimal();
    auto root = dir.path() / "root.pem";
    std::ofstream(root) << root_pem();
    document["tenant_root_cert"] = root.string();
    write(file, document);
    auto policy = load_policy({ dir.path() / "managed", dir.path() / "recommended", file, RequireRootOwned::Yes });
    ASSERT_TRUE(policy) << policy.error().message;
    EXPECT_EQ(policy->tenant_root_cert_pem, root_pem());
    EXPECT_EQ(policy->files, std::vector<std::filesystem::path> { file });
}

TEST(Url, parses_https_urls_and_rejects_others)
{
    auto url = parse_https_url("https://[::1]:8443/v1");
    ASSERT_TRUE(url);
    EXPECT_EQ(url->host, "::1");
    EXPECT_EQ(url->port, 8443);
    EXPECT_EQ(url->path, "/v1");
    EXPECT_EQ(parse_https_url("https://Example.JP")->host, "example.jp");
    EXPECT_EQ(parse_https_url("https://example.jp")->path, "/");
    EXPECT_FALSE(parse_https_url("http://example.jp/"));
    EXPECT_FALSE(parse_https_url("https://user@example.jp/"));
    EXPECT_FALSE(parse_https_url("https://example.jp:0/"));
    EXPECT_FALSE(parse_https_url("https://example.jp:99999/"));
    EXPECT_FALSE(parse_https_url("https:///path"));
    EXPECT_FALSE(parse_https_url("https://exa mple.jp/"));
}

TEST(Url, endpoints_default_to_port_443)
{
    EXPECT_EQ(parse_endpoint("example.jp")->port, 443);
    EXPECT_EQ(parse_endpoint("example.jp:8443")->port, 8443);
    EXPECT_EQ(parse_endpoint("[::1]:9")->to_string(), "[::1]:9");
    EXPECT_FALSE(parse_endpoint(":443"));
    EXPECT_FALSE(parse_endpoint("example.jp:port"));
}
