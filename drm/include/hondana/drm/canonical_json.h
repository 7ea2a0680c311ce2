#pragma once

// The canonical JSON form LCP signs: object members sorted by the code points
// of their names (recursively), arrays kept in order, no insignificant
// whitespace, strings as UTF-8 with only the escapes JSON requires (`"`, `\`
// and control characters below U+0020, using \b \f \n \r \t where they exist
// and \u00XX otherwise). Numbers must be integers: fractions and exponents
// have no single form, so they are refused.

#include <string>

#include <nlohmann/json.hpp>

#include "hondana/drm/error.h"

namespace hondana::drm {

// InvalidValue for a fraction, an exponent or a string that is not
// well-formed UTF-8; LimitExceeded past 256 levels of nesting.
[[nodiscard]] Result<std::string> canonical_json(const nlohmann::json& value);

// Parses JSON strictly for documents we verify: at most `max_bytes` (checked
// before parsing), no duplicate member names (which would make "what was
// signed" ambiguous), objects and arrays nested at most `max_depth` deep (a
// top-level object is depth 1), no trailing bytes, no comments.
// MalformedJson / DocumentTooLarge / LimitExceeded.
[[nodiscard]] Result<nlohmann::json> parse_json_strict(
    std::string_view text, size_t max_bytes, size_t max_depth = 32);

}
