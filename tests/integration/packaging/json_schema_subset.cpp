#include "json_schema_subset.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace hondana::test {

using nlohmann::json;

namespace {

constexpr std::string_view draft_2020_12 = "https://json-schema.org/draft/2020-12/schema";

const std::set<std::string>& type_names()
{
    static const std::set<std::string> names { "null", "boolean", "object", "array", "number", "integer", "string" };
    return names;
}

auto malformed(const std::string& where, const std::string& keyword, const std::string& why)
{
    return base::fail(SchemaErrorKind::Malformed, where + ": '" + keyword + "' " + why);
}

bool is_count(const json& value)
{
    return value.is_number_unsigned() || (value.is_number_integer() && value.get<int64_t>() >= 0);
}

std::string pointer_child(const std::string& at, const std::string& name)
{
    std::string escaped;
    for (char c : name) {
        if (c == '~')
            escaped += "~0";
        else if (c == '/')
            escaped += "~1";
        else
            escaped += c;
    }
    return at + "/" + escaped;
}

std::string location(const std::string& at)
{
    return at.empty() ? "(document)" : at;
}

// String length in Unicode code points, as JSON Schema counts it.
size_t code_points(const std::string& text)
{
    return static_cast<size_t>(std::count_if(text.begin(), text.end(),
        [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

SchemaResult<void> check_type_keyword(const json& value, const std::string& where)
{
    auto known = [](const json& name) { return name.is_string() && type_names().contains(name.get<std::string>()); };
    if (value.is_string() ? known(value) : (value.is_array() && !value.empty() && std::all_of(value.begin(), value.end(), known)))
        return {};
    return malformed(where, "type", "must be a type name or a list of them");
}

// Checks the value of a keyword that needs no recursion. Unsupported for an
// unknown keyword.
SchemaResult<void> check_simple_keyword(const std::string& keyword, const json& value, const std::string& where)
{
    if (keyword == "$schema") {
        if (!value.is_string() || value.get<std::string>() != draft_2020_12)
            return base::fail(SchemaErrorKind::Unsupported, where + ": only draft 2020-12 is supported");
        return {};
    }
    if (keyword == "$id" || keyword == "title" || keyword == "description" || keyword == "pattern")
        return value.is_string() ? SchemaResult<void> {} : malformed(where, keyword, "must be a string");
    if (keyword == "default" || keyword == "const")
        return {};
    if (keyword == "examples" || keyword == "enum")
        return value.is_array() ? SchemaResult<void> {} : malformed(where, keyword, "must be an array");
    if (keyword == "type")
        return check_type_keyword(value, where);
    if (keyword == "required") {
        bool ok = value.is_array() && std::all_of(value.begin(), value.end(), [](const json& v) { return v.is_string(); });
        return ok ? SchemaResult<void> {} : malformed(where, keyword, "must be an array of strings");
    }
    if (keyword == "minItems" || keyword == "maxItems" || keyword == "minLength" || keyword == "maxLength")
        return is_count(value) ? SchemaResult<void> {} : malformed(where, keyword, "must be a non-negative integer");
    if (keyword == "uniqueItems")
        return value.is_boolean() ? SchemaResult<void> {} : malformed(where, keyword, "must be true or false");
    if (keyword == "minimum" || keyword == "maximum")
        return value.is_number() ? SchemaResult<void> {} : malformed(where, keyword, "must be a number");
    return base::fail(SchemaErrorKind::Unsupported, where + ": keyword '" + keyword + "' is not supported by this validator");
}

}

bool json_schema_type_matches(const std::string& name, const json& instance)
{
    if (name == "null")
        return instance.is_null();
    if (name == "boolean")
        return instance.is_boolean();
    if (name == "object")
        return instance.is_object();
    if (name == "array")
        return instance.is_array();
    if (name == "string")
        return instance.is_string();
    if (name == "number")
        return instance.is_number();
    if (name == "integer") {
        if (instance.is_number_integer())
            return true;
        return instance.is_number_float() && std::isfinite(instance.get<double>())
            && std::floor(instance.get<double>()) == instance.get<double>();
    }
    return false;
}

SchemaResult<JsonSchema> JsonSchema::create(json schema)
{
    JsonSchema compiled(std::move(schema));
    TRY(compiled.compile(compiled.m_schema, "#"));
    return compiled;
}

SchemaResult<void> JsonSchema::compile(const json& schema, const std::string& where)
{
    if (!schema.is_object())
        return base::fail(SchemaErrorKind::Malformed, where + ": a schema must be an object here");
    for (const auto& [keyword, value] : schema.items()) {
        std::string inner = where + "/" + keyword;
        if (keyword == "properties") {
            if (!value.is_object())
                return malformed(where, keyword, "must be an object");
            for (const auto& [name, property] : value.items())
                TRY(compile(property, inner + "/" + name));
        } else if (keyword == "items") {
            TRY(compile(value, inner));
        } else if (keyword == "additionalProperties") {
            if (!value.is_boolean())
                TRY(compile(value, inner));
        } else {
            TRY(check_simple_keyword(keyword, value, where));
        }
        if (keyword == "pattern" && !m_patterns.contains(value.get<std::string>())) {
            try {
                m_patterns.emplace(value.get<std::string>(), std::regex(value.get<std::string>(), std::regex::ECMAScript));
            } catch (const std::regex_error& error) {
                return malformed(where, keyword, std::string("is not a valid regular expression: ") + error.what());
            }
        }
    }
    return {};
}

std::vector<std::string> JsonSchema::validate(const json& instance) const
{
    std::vector<std::string> errors;
    check(m_schema, instance, "", errors);
    return errors;
}

void JsonSchema::check(const json& schema, const json& instance, const std::string& at, std::vector<std::string>& errors) const
{
    if (auto type = schema.find("type"); type != schema.end()) {
        std::vector<std::string> names;
        if (type->is_string())
            names.push_back(type->get<std::string>());
        else
            names = type->get<std::vector<std::string>>();
        bool matched = std::any_of(names.begin(), names.end(), [&](const auto& name) { return json_schema_type_matches(name, instance); });
        if (!matched) {
            errors.push_back(location(at) + ": must be of type " + type->dump());
            return;
        }
    }
    if (auto allowed = schema.find("enum"); allowed != schema.end()
        && std::find(allowed->begin(), allowed->end(), instance) == allowed->end())
        errors.push_back(location(at) + ": must be one of " + allowed->dump());
    if (auto constant = schema.find("const"); constant != schema.end() && *constant != instance)
        errors.push_back(location(at) + ": must be " + constant->dump());
    if (instance.is_object())
        check_object(schema, instance, at, errors);
    else if (instance.is_array())
        check_array(schema, instance, at, errors);
    else
        check_scalar(schema, instance, at, errors);
}

void JsonSchema::check_object(const json& schema, const json& instance, const std::string& at, std::vector<std::string>& errors) const
{
    static const json no_properties = json::object();
    const json& properties = schema.contains("properties") ? schema.at("properties") : no_properties;
    if (auto required = schema.find("required"); required != schema.end()) {
        for (const auto& name : *required) {
            if (!instance.contains(name.get<std::string>()))
                errors.push_back(location(at) + ": required member '" + name.get<std::string>() + "' is missing");
        }
    }
    for (const auto& [name, value] : instance.items()) {
        std::string child = pointer_child(at, name);
        if (properties.contains(name)) {
            check(properties.at(name), value, child, errors);
            continue;
        }
        auto additional = schema.find("additionalProperties");
        if (additional == schema.end())
            continue;
        if (additional->is_boolean()) {
            if (!additional->get<bool>())
                errors.push_back(child + ": member '" + name + "' is not allowed");
        } else {
            check(*additional, value, child, errors);
        }
    }
}

void JsonSchema::check_array(const json& schema, const json& instance, const std::string& at, std::vector<std::string>& errors) const
{
    if (auto low = schema.find("minItems"); low != schema.end() && instance.size() < low->get<size_t>())
        errors.push_back(location(at) + ": must have at least " + low->dump() + " items");
    if (auto high = schema.find("maxItems"); high != schema.end() && instance.size() > high->get<size_t>())
        errors.push_back(location(at) + ": must have at most " + high->dump() + " items");
    if (schema.value("uniqueItems", false)) {
        for (size_t i = 0; i < instance.size(); ++i) {
            if (std::find(instance.begin() + static_cast<std::ptrdiff_t>(i) + 1, instance.end(), instance[i]) != instance.end())
                errors.push_back(pointer_child(at, std::to_string(i)) + ": is listed twice");
        }
    }
    if (auto items = schema.find("items"); items != schema.end()) {
        for (size_t i = 0; i < instance.size(); ++i)
            check(*items, instance[i], pointer_child(at, std::to_string(i)), errors);
    }
}

void JsonSchema::check_scalar(const json& schema, const json& instance, const std::string& at, std::vector<std::string>& errors) const
{
    if (instance.is_string()) {
        const auto& text = instance.get_ref<const std::string&>();
        if (auto low = schema.find("minLength"); low != schema.end() && code_points(text) < low->get<size_t>())
            errors.push_back(location(at) + ": must be at least " + low->dump() + " characters");
        if (auto high = schema.find("maxLength"); high != schema.end() && code_points(text) > high->get<size_t>())
            errors.push_back(location(at) + ": must be at most " + high->dump() + " characters");
        if (auto pattern = schema.find("pattern"); pattern != schema.end()
            && !std::regex_search(text, m_patterns.at(pattern->get<std::string>())))
            errors.push_back(location(at) + ": does not match " + pattern->dump());
    }
    if (instance.is_number()) {
        double number = instance.get<double>();
        if (auto low = schema.find("minimum"); low != schema.end() && number < low->get<double>())
            errors.push_back(location(at) + ": must be at least " + low->dump());
        if (auto high = schema.find("maximum"); high != schema.end() && number > high->get<double>())
            errors.push_back(location(at) + ": must be at most " + high->dump());
    }
}

}
