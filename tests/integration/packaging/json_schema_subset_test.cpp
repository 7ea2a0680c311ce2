// The test-side JSON Schema validator: it refuses what it cannot check and
// reports each violation with its location.

#include <gtest/gtest.h>

#include "json_schema_subset.h"

namespace hondana::test {
namespace {

using nlohmann::json;

TEST(JsonSchemaSubset, refuses_a_keyword_it_does_not_implement)
{
    auto schema = JsonSchema::create(json::parse(R"({"type": "object", "properties": {"a": {"oneOf": []}}})"));
    ASSERT_FALSE(schema);
    EXPECT_EQ(schema.error().kind, SchemaErrorKind::Unsupported);
    EXPECT_NE(schema.error().message.find("oneOf"), std::string::npos) << schema.error().message;
}

TEST(JsonSchemaSubset, refuses_another_draft_and_bad_regex)
{
    auto draft7 = JsonSchema::create(json::parse(R"({"$schema": "http://json-schema.org/draft-07/schema#"})"));
    ASSERT_FALSE(draft7);
    EXPECT_EQ(draft7.error().kind, SchemaErrorKind::Unsupported);
    auto regex = JsonSchema::create(json::parse(R"({"type": "string", "pattern": "(["})"));
    ASSERT_FALSE(regex);
    EXPECT_EQ(regex.error().kind, SchemaErrorKind::Malformed);
}

TEST(JsonSchemaSubset, reports_each_violation_with_its_pointer)
{
    auto schema = JsonSchema::create(json::parse(R"({
        "type": "object", "additionalProperties": false, "required": ["n", "list"],
        "properties": {
            "n": {"type": "integer", "minimum": 1, "maximum": 3},
            "s": {"type": ["string", "null"], "minLength": 2, "maxLength": 3, "pattern": "^[a-z]+$"},
            "e": {"enum": ["ja", "en"]},
            "t": {"type": "string", "maxLength": 2},
            "list": {"type": "array", "minItems": 2, "uniqueItems": true, "items": {"type": "string"}}
        }})"));
    ASSERT_TRUE(schema) << schema.error().message;
    EXPECT_TRUE(schema->validate(json::parse(R"({"n": 2, "s": null, "e": "en", "list": ["a", "b"]})")).empty());
    EXPECT_TRUE(schema->validate(json::parse(R"({"n": 3.0, "t": "本棚", "list": ["a", "b"]})")).empty())
        << "3.0 is an integer and length counts code points";

    auto errors = schema->validate(json::parse(R"({"n": 4, "s": "A", "e": "fr", "list": ["a", "a", 1], "x": 0})"));
    std::vector<std::string> expected {
        "/n: must be at most 3",
        "/s: must be at least 2 characters",
        "/s: does not match \"^[a-z]+$\"",
        "/e: must be one of [\"ja\",\"en\"]",
        "/list/0: is listed twice",
        "/list/2: must be of type \"string\"",
        "/x: member 'x' is not allowed",
    };
    std::sort(errors.begin(), errors.end());
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(errors, expected);

    auto missing = schema->validate(json::parse(R"({"list": "ab"})"));
    std::sort(missing.begin(), missing.end());
    EXPECT_EQ(missing, (std::vector<std::string> { "(document): required member 'n' is missing", "/list: must be of type \"array\"" }));
}

}
}
