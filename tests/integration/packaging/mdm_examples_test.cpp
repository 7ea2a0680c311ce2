// The example policies in installer/mdm/examples/ are valid for the schema
// and for the reader's own policy code, and the schema refuses what the code
// refuses: each bad value below fails both.

#include <fstream>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "hondana/platform/policy.h"
#include "json_schema_subset.h"
#include "mdm_channels.h"

namespace hondana::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path examples_dir()
{
    return fs::path(HONDANA_SOURCE_DIR) / "installer" / "mdm" / "examples";
}

json read_json(const fs::path& path)
{
    auto text = read_text(path);
    EXPECT_TRUE(text) << text.error().message;
    json document = text ? json::parse(*text, nullptr, false) : json();
    EXPECT_FALSE(document.is_discarded()) << path << " is not JSON";
    return document;
}

JsonSchema schema()
{
    auto compiled = JsonSchema::create(read_json(examples_dir().parent_path() / "hondana-policy.schema.json"));
    EXPECT_TRUE(compiled) << compiled.error().message;
    return std::move(*compiled);
}

// A scratch folder with the tenant root the examples name, for the code,
// which reads the certificate file a policy points to.
class ScratchDir {
public:
    ScratchDir()
    {
        std::string pattern = (fs::temp_directory_path() / "hondana-mdm-XXXXXX").string();
        m_path = ::mkdtemp(pattern.data());
        // The policy code checks only that the file holds a PEM certificate block.
        std::ofstream(root_cert()) << "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";
    }
    ~ScratchDir()
    {
        std::error_code ignored;
        fs::remove_all(m_path, ignored);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;

    [[nodiscard]] const fs::path& path() const { return m_path; }
    [[nodiscard]] fs::path root_cert() const { return m_path / "tenant-root.pem"; }

    // `document` with the examples' tenant root path replaced by root_cert().
    [[nodiscard]] json localised(json document) const
    {
        if (document.value("tenant_root_cert", "") == "/etc/hondana/tenant-root.pem")
            document["tenant_root_cert"] = root_cert().string();
        return document;
    }

private:
    fs::path m_path;
};

std::string joined(const std::vector<std::string>& lines)
{
    std::string text;
    for (const auto& line : lines)
        text += "\n  " + line;
    return text;
}

TEST(MdmExamples, single_file_examples_satisfy_the_schema_and_the_reader)
{
    auto validator = schema();
    ScratchDir scratch;
    for (const char* name : { "complete.json", "minimal.json" }) {
        json document = read_json(examples_dir() / name);
        auto errors = validator.validate(document);
        EXPECT_TRUE(errors.empty()) << name << " breaks the schema:" << joined(errors);
        auto policy = platform::parse_policy_text(scratch.localised(document).dump(), name);
        EXPECT_TRUE(policy) << name << " is refused by the reader: " << (policy ? "" : policy.error().message);
    }
}

TEST(MdmExamples, split_example_merges_into_a_valid_policy)
{
    auto validator = schema();
    ScratchDir scratch;
    fs::create_directories(scratch.path() / "managed");
    json merged = json::object();
    for (const char* name : { "00-school.json", "50-device.json" }) {
        json document = read_json(examples_dir() / "split" / name);
        merged.update(document);
        std::ofstream(scratch.path() / "managed" / name) << scratch.localised(document).dump();
    }
    auto errors = validator.validate(merged);
    EXPECT_TRUE(errors.empty()) << "the merged split example breaks the schema:" << joined(errors);

    platform::PolicyLocations locations;
    locations.managed_dir = scratch.path() / "managed";
    locations.recommended_dir = scratch.path() / "recommended";
    locations.require_root_owned = platform::RequireRootOwned::No;
    auto policy = platform::load_policy(locations);
    ASSERT_TRUE(policy) << policy.error().message;
    EXPECT_EQ(policy->device_id, "tablet-0003");
    EXPECT_FALSE(policy->allow_offline_reading);
    EXPECT_EQ(policy->key_sources.at("device_id"), (locations.managed_dir / "50-device.json").string());
}

struct Change {
    const char* what;
    const char* member;
    json value; // discarded: remove the member
};

const std::vector<Change>& refused_changes()
{
    static const std::vector<Change> changes {
        { "unknown key", "colour", "blue" },
        { "http URL", "service_url", "http://lending.city.example.jp/" },
        { "user information in the URL", "service_url", "https://admin@lending.city.example.jp/" },
        { "fragment in the URL", "service_url", "https://lending.city.example.jp/#x" },
        { "required key missing", "service_url", json(json::value_t::discarded) },
        { "one pin only", "tls_spki_pins", { "w90h+Gxf2Y+87cCVDQRUcf/t9zcMgKM0h3ubVFLvqfc=" } },
        { "pin not a SHA-256", "tls_spki_pins", { "w90h+Gxf2Y+87cCVDQRUcf/t9zcMgKM0h3ubVFLvqfc=", "abc=" } },
        { "pin twice", "tls_spki_pins",
            { "w90h+Gxf2Y+87cCVDQRUcf/t9zcMgKM0h3ubVFLvqfc=", "w90h+Gxf2Y+87cCVDQRUcf/t9zcMgKM0h3ubVFLvqfc=" } },
        { "pins as a string", "tls_spki_pins", "w90h+Gxf2Y+87cCVDQRUcf/t9zcMgKM0h3ubVFLvqfc=" },
        { "relative root path", "tenant_root_cert", "tenant-root.pem" },
        { "empty device ID", "device_id", "" },
        { "device ID of 129 characters", "device_id", std::string(129, 'd') },
        { "enrolment code as a number", "enrolment_code", 4711 },
        { "bad host", "allowed_hosts", { "probe.city.example.jp:8443", "cdn.city.example.jp/path" } },
        { "probe with a bad host", "trusted_network_probes", { "probe city" } },
        { "lease below 0", "offline_lease_days", -1 },
        { "lease above 90", "offline_lease_days", 91 },
        { "lease as text", "offline_lease_days", "14" },
        { "lease with a fraction", "offline_lease_days", 14.5 },
        { "offline switch as text", "allow_offline_reading", "yes" },
        { "unknown language", "language", "fr" },
        { "upload interval below 30", "audit_upload_interval", 29 },
        { "upload interval above a day", "audit_upload_interval", 86401 },
        { "no offline attempt", "offline_signin_attempts", 0 },
        { "21 offline attempts", "offline_signin_attempts", 21 },
        { "timeout below 5", "request_timeout_seconds", 4 },
        { "timeout above 600", "request_timeout_seconds", 601 },
    };
    return changes;
}

json changed(json document, const Change& change)
{
    if (change.value.is_discarded())
        document.erase(change.member);
    else
        document[change.member] = change.value;
    return document;
}

TEST(MdmExamples, schema_and_reader_both_refuse_each_bad_value)
{
    auto validator = schema();
    ScratchDir scratch;
    json base = read_json(examples_dir() / "complete.json");
    for (const auto& change : refused_changes()) {
        json document = changed(base, change);
        EXPECT_FALSE(validator.validate(document).empty()) << "the schema accepts: " << change.what;
        auto policy = platform::parse_policy_text(scratch.localised(document).dump(), "complete.json");
        EXPECT_FALSE(policy) << "the reader accepts: " << change.what;
    }
}

TEST(MdmExamples, schema_and_reader_both_accept_the_limits_of_each_range)
{
    auto validator = schema();
    ScratchDir scratch;
    json base = read_json(examples_dir() / "complete.json");
    const std::vector<Change> limits {
        { "lease 0", "offline_lease_days", 0 }, { "lease 90", "offline_lease_days", 90 },
        { "interval 30", "audit_upload_interval", 30 }, { "interval 86400", "audit_upload_interval", 86400 },
        { "1 attempt", "offline_signin_attempts", 1 }, { "20 attempts", "offline_signin_attempts", 20 },
        { "timeout 5", "request_timeout_seconds", 5 }, { "timeout 600", "request_timeout_seconds", 600 },
        { "no enrolment code", "enrolment_code", nullptr }, { "English", "language", "en" },
        { "device ID of 128 characters", "device_id", std::string(128, 'd') },
        { "IPv6 host", "allowed_hosts", { "probe.city.example.jp:8443", "[2001:db8::1]:8443" } },
        { "URL with a port and query", "service_url", "https://lending.city.example.jp:8443/v1?school=1" },
    };
    for (const auto& change : limits) {
        json document = changed(base, change);
        auto errors = validator.validate(document);
        EXPECT_TRUE(errors.empty()) << "the schema refuses " << change.what << ":" << joined(errors);
        auto policy = platform::parse_policy_text(scratch.localised(document).dump(), "complete.json");
        EXPECT_TRUE(policy) << "the reader refuses " << change.what << ": " << (policy ? "" : policy.error().message);
    }
}

}
}
