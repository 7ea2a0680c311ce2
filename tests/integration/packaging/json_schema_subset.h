#pragma once

// A validator for the part of JSON Schema (draft 2020-12) that
// installer/mdm/hondana-policy.schema.json uses, so the tests need no Python.
// A schema using any other keyword is refused at create(), never half-checked.
//
// Assertions: type (one name or a list), enum, const, properties, required,
// additionalProperties (boolean or schema), items, minItems, maxItems,
// uniqueItems, minimum, maximum, minLength, maxLength (in code points),
// pattern (ECMAScript, unanchored, as the spec says).
// Annotations, accepted and not checked: $schema (must name draft 2020-12),
// $id, title, description, default, examples.

#include <map>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hondana/base/result.h"

namespace hondana::test {

enum class SchemaErrorKind {
    Unsupported, // a keyword or $schema this validator does not implement
    Malformed,   // a keyword with a value of the wrong shape, or a bad regex
};

template<typename T>
using SchemaResult = base::Result<T, SchemaErrorKind>;

// A compiled schema; validate() lists every violation with its JSON pointer.
class JsonSchema {
public:
    [[nodiscard]] static SchemaResult<JsonSchema> create(nlohmann::json schema);

    // Empty when `instance` is valid; else one line per violation, each
    // starting with the instance location ("/tls_spki_pins/1: ...").
    [[nodiscard]] std::vector<std::string> validate(const nlohmann::json& instance) const;

    [[nodiscard]] const nlohmann::json& document() const { return m_schema; }

private:
    explicit JsonSchema(nlohmann::json schema)
        : m_schema(std::move(schema))
    {
    }

    [[nodiscard]] SchemaResult<void> compile(const nlohmann::json& schema, const std::string& where);
    void check(const nlohmann::json& schema, const nlohmann::json& instance, const std::string& at,
        std::vector<std::string>& errors) const;
    void check_object(const nlohmann::json& schema, const nlohmann::json& instance, const std::string& at,
        std::vector<std::string>& errors) const;
    void check_array(const nlohmann::json& schema, const nlohmann::json& instance, const std::string& at,
        std::vector<std::string>& errors) const;
    void check_scalar(const nlohmann::json& schema, const nlohmann::json& instance, const std::string& at,
        std::vector<std::string>& errors) const;

    nlohmann::json m_schema;
    std::map<std::string, std::regex> m_patterns;
};

// True when `instance` is of the JSON Schema type `name` (an integer is also
// a number; 2.0 is an integer, as the spec says).
[[nodiscard]] bool json_schema_type_matches(const std::string& name, const nlohmann::json& instance);

}
