// The managed-policy keys agree everywhere they are written down: the code
// (platform::policy_keys(), the reader's one list), the JSON Schema, the key
// entries of docs/mdm.md and the templates for the other MDM channels.

#include <algorithm>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "hondana/platform/policy.h"
#include "json_schema_subset.h"
#include "mdm_channels.h"

namespace hondana::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path mdm_dir()
{
    return fs::path(HONDANA_SOURCE_DIR) / "installer" / "mdm";
}

KeyType code_type(platform::PolicyValueType type)
{
    switch (type) {
    case platform::PolicyValueType::String: return KeyType::String;
    case platform::PolicyValueType::Boolean: return KeyType::Boolean;
    case platform::PolicyValueType::Integer: return KeyType::Integer;
    case platform::PolicyValueType::StringList: return KeyType::StringList;
    }
    return KeyType::String;
}

json schema_document()
{
    auto text = read_text(mdm_dir() / "hondana-policy.schema.json");
    EXPECT_TRUE(text) << text.error().message;
    return text ? json::parse(*text, nullptr, false) : json();
}

ChannelKeys schema_keys()
{
    auto keys = keys_from_schema(schema_document());
    EXPECT_TRUE(keys) << keys.error().message;
    return keys ? *keys : ChannelKeys {};
}

// Every key of the code is in `channel` with the same type, and nothing else
// is; ranges, choices and defaults, where the channel states them, are the
// schema's (and the defaults the code's).
void expect_agrees_with_code(const std::string& channel, const ChannelKeys& keys)
{
    auto reference = schema_keys();
    std::set<std::string> code_names;
    for (const auto& spec : platform::policy_keys()) {
        std::string name(spec.name);
        code_names.insert(name);
        auto it = keys.find(name);
        if (it == keys.end()) {
            ADD_FAILURE() << channel << " has no entry for policy key " << name;
            continue;
        }
        const ChannelKey& key = it->second;
        EXPECT_EQ(key_type_name(key.type), key_type_name(code_type(spec.type))) << channel << ": type of " << name;
        if (key.minimum) {
            EXPECT_EQ(key.minimum, reference[name].minimum) << channel << ": minimum of " << name;
        }
        if (key.maximum) {
            EXPECT_EQ(key.maximum, reference[name].maximum) << channel << ": maximum of " << name;
        }
        if (!key.choices.empty()) {
            EXPECT_EQ(key.choices, reference[name].choices) << channel << ": allowed values of " << name;
        }
        if (key.fallback) {
            ASSERT_FALSE(spec.default_value.empty()) << channel << " gives required key " << name << " a default";
            EXPECT_EQ(json::parse(*key.fallback, nullptr, false), json::parse(spec.default_value))
                << channel << ": default of " << name;
        }
        if (key.required) {
            EXPECT_TRUE(spec.default_value.empty()) << channel << " requires " << name << ", which has a default";
        }
    }
    for (const auto& [name, key] : keys)
        EXPECT_TRUE(code_names.contains(name)) << channel << " maps " << name << ", which is not a policy key";
}

TEST(MdmSchema, is_well_formed_draft_2020_12_within_the_supported_keywords)
{
    auto schema = JsonSchema::create(schema_document());
    ASSERT_TRUE(schema) << schema.error().message;
    EXPECT_EQ(schema->document().value("additionalProperties", true), false);
}

TEST(MdmSchema, keys_types_ranges_and_defaults_match_the_code)
{
    auto keys = schema_keys();
    expect_agrees_with_code("hondana-policy.schema.json", keys);
    for (const auto& spec : platform::policy_keys()) {
        auto it = keys.find(std::string(spec.name));
        if (it == keys.end())
            continue;
        EXPECT_EQ(it->second.required, spec.default_value.empty()) << "schema 'required' and the code disagree on " << spec.name;
        if (!spec.default_value.empty()) {
            EXPECT_TRUE(it->second.fallback) << "the schema has no default for " << spec.name;
        }
    }
}

TEST(MdmDocs, every_key_entry_matches_the_code_and_schema)
{
    auto text = read_text(fs::path(HONDANA_SOURCE_DIR) / "docs" / "mdm.md");
    ASSERT_TRUE(text) << text.error().message;
    auto keys = keys_from_docs(*text);
    ASSERT_TRUE(keys) << keys.error().message;
    expect_agrees_with_code("docs/mdm.md", *keys);
    for (const auto& spec : platform::policy_keys()) {
        auto it = keys->find(std::string(spec.name));
        if (it != keys->end()) {
            EXPECT_TRUE(it->second.fallback || it->second.required) << "docs/mdm.md: `" << spec.name << "` states no default";
        }
    }
}

TEST(MdmWindows, admx_maps_every_key_under_software_policies_hondana)
{
    auto keys = keys_from_admx(mdm_dir() / "windows" / "Hondana.admx");
    ASSERT_TRUE(keys) << keys.error().message;
    expect_agrees_with_code("Hondana.admx", *keys);
}

TEST(MdmWindows, adml_for_en_us_and_ja_jp_resolve_every_reference)
{
    for (const char* language : { "en-US", "ja-JP" }) {
        auto missing = unresolved_adml_references(
            mdm_dir() / "windows" / "Hondana.admx", mdm_dir() / "windows" / language / "Hondana.adml");
        ASSERT_TRUE(missing) << missing.error().message;
        for (const auto& reference : *missing)
            ADD_FAILURE() << language << "/Hondana.adml does not define " << reference;
    }
}

TEST(MdmApple, appconfig_specfile_maps_every_key)
{
    auto keys = keys_from_appconfig(mdm_dir() / "ios" / "specfile.xml");
    ASSERT_TRUE(keys) << keys.error().message;
    expect_agrees_with_code("specfile.xml", *keys);
}

TEST(MdmAndroid, app_restrictions_map_every_key)
{
    auto res = mdm_dir() / "android" / "res";
    auto keys = keys_from_android(res / "xml" / "app_restrictions.xml", res / "values" / "strings.xml");
    ASSERT_TRUE(keys) << keys.error().message;
    expect_agrees_with_code("app_restrictions.xml", *keys);
}

TEST(MdmAndroid, string_resources_in_english_and_japanese_resolve_every_reference)
{
    auto res = mdm_dir() / "android" / "res";
    for (const char* values : { "values", "values-ja" }) {
        auto missing = unresolved_android_references(
            res / "xml" / "app_restrictions.xml", res / values / "strings.xml", res / "values" / "strings.xml");
        ASSERT_TRUE(missing) << missing.error().message;
        for (const auto& reference : *missing)
            ADD_FAILURE() << values << "/strings.xml does not define " << reference;
    }
}

}
}
