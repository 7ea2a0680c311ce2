#include "mdm_channels.h"

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <pugixml.hpp>

namespace hondana::test {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::string_view policy_registry_key = "Software\\Policies\\Hondana";

auto malformed(const std::string& what)
{
    return base::fail(MdmErrorKind::Malformed, what);
}

MdmResult<pugi::xml_document> load_xml(const fs::path& path)
{
    pugi::xml_document document;
    auto parsed = document.load_file(path.c_str());
    if (!parsed)
        return malformed(path.string() + ": not well-formed XML: " + parsed.description());
    return document;
}

std::optional<int64_t> integer_attribute(const pugi::xml_node& node, const char* name)
{
    auto attribute = node.attribute(name);
    if (!attribute)
        return std::nullopt;
    return attribute.as_llong();
}

MdmResult<ChannelKey> key_from_schema_property(const std::string& name, const json& property)
{
    ChannelKey key;
    const json& type = property.at("type");
    std::string main = type.is_array() ? type.at(0).get<std::string>() : type.get<std::string>();
    if (main == "string") {
        key.type = KeyType::String;
    } else if (main == "boolean") {
        key.type = KeyType::Boolean;
    } else if (main == "integer") {
        key.type = KeyType::Integer;
    } else if (main == "array" && property.contains("items") && property["items"].value("type", "") == "string") {
        key.type = KeyType::StringList;
    } else {
        return malformed("schema property " + name + " has a type no policy key has: " + type.dump());
    }
    if (property.contains("minimum"))
        key.minimum = property["minimum"].get<int64_t>();
    if (property.contains("maximum"))
        key.maximum = property["maximum"].get<int64_t>();
    if (property.contains("enum"))
        key.choices = property["enum"].get<std::vector<std::string>>();
    if (property.contains("default"))
        key.fallback = property["default"].dump();
    return key;
}

// The type of a docs/mdm.md entry from its "- Type:" line.
MdmResult<ChannelKey> key_from_docs_type(const std::string& name, const std::string& line)
{
    static const std::regex range(R"((\d+)\s*(?:–|-)\s*(\d+))");
    static const std::regex quoted(R"re("([^"]*)")re");
    ChannelKey key;
    if (line.starts_with("array of strings")) {
        key.type = KeyType::StringList;
    } else if (line.starts_with("boolean")) {
        key.type = KeyType::Boolean;
    } else if (line.starts_with("integer")) {
        key.type = KeyType::Integer;
        std::smatch match;
        if (std::regex_search(line, match, range)) {
            key.minimum = std::stoll(match[1].str());
            key.maximum = std::stoll(match[2].str());
        }
    } else if (line.starts_with("string")) {
        key.type = KeyType::String;
        for (std::sregex_iterator it(line.begin(), line.end(), quoted), end; it != end; ++it)
            key.choices.push_back((*it)[1].str());
    } else {
        return malformed("docs/mdm.md: the type of `" + name + "` is not one a policy key has: " + line);
    }
    return key;
}

void apply_docs_default(ChannelKey& key, const std::string& line)
{
    static const std::regex code(R"(^`([^`]*)`)");
    std::smatch match;
    if (line.starts_with("none"))
        key.required = true;
    else if (std::regex_search(line, match, code))
        key.fallback = match[1].str();
}

MdmResult<std::pair<std::string, ChannelKey>> key_from_admx_policy(const pugi::xml_node& policy)
{
    std::string name = policy.attribute("name").as_string();
    std::string_view registry_path = policy.attribute("key").as_string();
    if (registry_path != policy_registry_key) // not-secret: a registry path
        return malformed("ADMX policy " + name + " is not under " + std::string(policy_registry_key));
    ChannelKey key;
    if (policy.child("enabledValue") && policy.child("disabledValue")) {
        key.type = KeyType::Boolean;
        return std::pair { std::string(policy.attribute("valueName").as_string()), key };
    }
    pugi::xml_node element = policy.child("elements").first_child();
    if (!element || element.next_sibling())
        return malformed("ADMX policy " + name + " must have exactly one element");
    std::string kind = element.name();
    std::string value_name = element.attribute("valueName").as_string();
    key.required = element.attribute("required").as_bool();
    if (kind == "text") {
        key.type = KeyType::String;
    } else if (kind == "decimal") {
        key.type = KeyType::Integer;
        key.minimum = integer_attribute(element, "minValue");
        key.maximum = integer_attribute(element, "maxValue");
    } else if (kind == "enum") {
        key.type = KeyType::String;
        for (auto item : element.children("item"))
            key.choices.emplace_back(item.child("value").child("string").text().as_string());
        key.required = false; // "required" on an enum means "pick one", not "policy required"
    } else if (kind == "list") {
        key.type = KeyType::StringList;
        std::string list_key = element.attribute("key").as_string();
        std::string prefix = std::string(policy_registry_key) + "\\";
        if (!list_key.starts_with(prefix))
            return malformed("ADMX list " + name + " is not a subkey of " + std::string(policy_registry_key));
        value_name = list_key.substr(prefix.size());
    } else {
        return malformed("ADMX policy " + name + " has an element no policy key maps to: " + kind);
    }
    return std::pair { value_name, key };
}

std::set<std::string> adml_ids(const pugi::xml_node& resources, const char* table, const char* entry)
{
    std::set<std::string> ids;
    for (auto node : resources.child(table).children(entry))
        ids.insert(node.attribute("id").as_string());
    return ids;
}

// "$(string.X)" -> X, when `reference` has that form with `kind`.
std::optional<std::string> admx_reference(std::string_view reference, std::string_view kind)
{
    std::string prefix = "$(" + std::string(kind) + ".";
    if (!reference.starts_with(prefix) || !reference.ends_with(")"))
        return std::nullopt;
    return std::string(reference.substr(prefix.size(), reference.size() - prefix.size() - 1));
}

MdmResult<ChannelKey> key_from_android_restriction(
    const pugi::xml_node& restriction, const std::map<std::string, std::vector<std::string>>& arrays)
{
    std::string name = restriction.attribute("android:key").as_string();
    std::string type = restriction.attribute("android:restrictionType").as_string();
    ChannelKey key;
    if (type == "string") {
        key.type = KeyType::String;
    } else if (type == "bool") {
        key.type = KeyType::Boolean;
    } else if (type == "integer") {
        key.type = KeyType::Integer;
    } else if (type == "choice") {
        key.type = KeyType::String;
        std::string values = restriction.attribute("android:entryValues").as_string();
        if (!values.starts_with("@array/") || !arrays.contains(values.substr(7)))
            return malformed("Android choice " + name + " has no resolvable android:entryValues");
        key.choices = arrays.at(values.substr(7));
    } else if (type == "bundle_array") {
        auto bundle = restriction.child("restriction");
        auto item = bundle.child("restriction");
        if (std::string_view(bundle.attribute("android:restrictionType").as_string()) != "bundle"
            || std::string_view(item.attribute("android:restrictionType").as_string()) != "string"
            || item.next_sibling("restriction"))
            return malformed("Android bundle_array " + name + " must hold bundles of one string");
        key.type = KeyType::StringList;
    } else {
        return malformed("Android restriction " + name + " has a type no policy key maps to: " + type);
    }
    if (auto fallback = restriction.attribute("android:defaultValue"))
        key.fallback = key.type == KeyType::String ? json(fallback.as_string()).dump() : std::string(fallback.as_string());
    return key;
}

}

std::string_view key_type_name(KeyType type)
{
    switch (type) {
    case KeyType::String: return "string";
    case KeyType::Boolean: return "boolean";
    case KeyType::Integer: return "integer";
    case KeyType::StringList: return "list of strings";
    }
    return "?";
}

MdmResult<std::string> read_text(const fs::path& path)
{
    std::ifstream file(path, std::ios::binary);
    if (!file)
        return base::fail(MdmErrorKind::Io, "cannot read " + path.string());
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
}

MdmResult<ChannelKeys> keys_from_schema(const json& schema)
{
    ChannelKeys keys;
    for (const auto& [name, property] : schema.at("properties").items())
        keys[name] = TRY(key_from_schema_property(name, property));
    for (const auto& name : schema.value("required", json::array())) {
        auto it = keys.find(name.get<std::string>());
        if (it == keys.end())
            return malformed("schema requires " + name.get<std::string>() + ", which it does not define");
        it->second.required = true;
    }
    return keys;
}

MdmResult<ChannelKeys> keys_from_docs(const std::string& markdown)
{
    static const std::regex heading(R"(^### `([A-Za-z0-9_]+)`\s*$)");
    ChannelKeys keys;
    std::istringstream lines(markdown);
    std::string line;
    std::optional<std::string> current;
    while (std::getline(lines, line)) {
        std::smatch match;
        if (std::regex_match(line, match, heading)) {
            current = match[1].str();
            continue;
        }
        if (line.starts_with("#"))
            current.reset();
        if (!current)
            continue;
        if (line.starts_with("- Type: "))
            keys[*current] = TRY(key_from_docs_type(*current, line.substr(8)));
        else if (line.starts_with("- Default: ") && keys.contains(*current))
            apply_docs_default(keys[*current], line.substr(11));
    }
    return keys;
}

MdmResult<ChannelKeys> keys_from_admx(const fs::path& admx)
{
    auto document = TRY(load_xml(admx));
    ChannelKeys keys;
    for (auto policy : document.child("policyDefinitions").child("policies").children("policy")) {
        auto [name, key] = TRY(key_from_admx_policy(policy));
        if (!keys.emplace(name, key).second)
            return malformed("ADMX maps " + name + " twice");
    }
    return keys;
}

MdmResult<std::vector<std::string>> unresolved_adml_references(const fs::path& admx, const fs::path& adml)
{
    auto definitions = TRY(load_xml(admx));
    auto resources_document = TRY(load_xml(adml));
    auto resources = resources_document.child("policyDefinitionResources").child("resources");
    auto strings = adml_ids(resources, "stringTable", "string");
    std::map<std::string, pugi::xml_node> presentations;
    for (auto node : resources.child("presentationTable").children("presentation"))
        presentations[node.attribute("id").as_string()] = node;
    std::vector<std::string> missing;
    for (auto found : definitions.select_nodes("//@*")) {
        std::string_view value = found.attribute().value();
        if (auto id = admx_reference(value, "string"); id && !strings.contains(*id))
            missing.push_back("string " + *id);
        if (auto id = admx_reference(value, "presentation"); id && !presentations.contains(*id))
            missing.push_back("presentation " + *id);
    }
    for (auto policy : definitions.child("policyDefinitions").child("policies").children("policy")) {
        auto id = admx_reference(policy.attribute("presentation").as_string(), "presentation");
        if (!id || !presentations.contains(*id))
            continue;
        std::set<std::string> element_ids;
        for (auto element : policy.child("elements").children())
            element_ids.insert(element.attribute("id").as_string());
        for (auto control : presentations[*id].children()) {
            std::string ref = control.attribute("refId").as_string();
            if (!ref.empty() && !element_ids.contains(ref))
                missing.push_back("presentation " + *id + " control refId " + ref);
        }
    }
    return missing;
}

MdmResult<ChannelKeys> keys_from_appconfig(const fs::path& specfile)
{
    static const std::map<std::string, KeyType> types {
        { "string", KeyType::String }, { "boolean", KeyType::Boolean },
        { "integer", KeyType::Integer }, { "stringArray", KeyType::StringList } };
    auto document = TRY(load_xml(specfile));
    ChannelKeys keys;
    for (auto entry : document.child("managedAppConfiguration").child("dict").children()) {
        std::string name = entry.attribute("keyName").as_string();
        auto type = types.find(entry.name());
        if (type == types.end())
            return malformed("AppConfig " + name + " has a type no policy key maps to: " + entry.name());
        ChannelKey key;
        key.type = type->second;
        auto constraint = entry.child("constraint");
        key.minimum = integer_attribute(constraint, "min");
        key.maximum = integer_attribute(constraint, "max");
        key.required = constraint.attribute("required").as_bool();
        for (auto value : constraint.child("values").children("value"))
            key.choices.emplace_back(value.text().as_string());
        if (auto fallback = entry.child("defaultValue").child("value")) {
            std::string text = fallback.text().as_string();
            key.fallback = key.type == KeyType::String ? json(text).dump() : text;
        }
        if (!keys.emplace(name, key).second)
            return malformed("AppConfig maps " + name + " twice");
    }
    return keys;
}

MdmResult<ChannelKeys> keys_from_android(const fs::path& restrictions, const fs::path& strings)
{
    auto resources = TRY(load_xml(strings));
    std::map<std::string, std::vector<std::string>> arrays;
    for (auto array : resources.child("resources").children("string-array")) {
        auto& items = arrays[array.attribute("name").as_string()];
        for (auto item : array.children("item"))
            items.emplace_back(item.text().as_string());
    }
    auto document = TRY(load_xml(restrictions));
    ChannelKeys keys;
    for (auto restriction : document.child("restrictions").children("restriction")) {
        std::string name = restriction.attribute("android:key").as_string();
        auto key = TRY(key_from_android_restriction(restriction, arrays));
        if (!keys.emplace(name, key).second)
            return malformed("Android restrictions map " + name + " twice");
    }
    return keys;
}

MdmResult<std::vector<std::string>> unresolved_android_references(
    const fs::path& restrictions, const fs::path& localized, const fs::path& base)
{
    auto local = TRY(load_xml(localized));
    auto fallback = TRY(load_xml(base));
    std::set<std::string> defined;
    for (auto node : local.child("resources").children()) {
        std::string kind = std::string_view(node.name()) == "string-array" ? "@array/" : "@string/";
        defined.insert(kind + node.attribute("name").as_string());
    }
    for (auto node : fallback.child("resources").children("string-array")) {
        if (std::string_view(node.attribute("translatable").as_string()) == "false")
            defined.insert(std::string("@array/") + node.attribute("name").as_string());
    }
    auto document = TRY(load_xml(restrictions));
    std::vector<std::string> missing;
    for (auto found : document.select_nodes("//@*")) {
        std::string value = found.attribute().value();
        if ((value.starts_with("@string/") || value.starts_with("@array/")) && !defined.contains(value))
            missing.push_back(value);
    }
    return missing;
}

}
