#pragma once

// Request targets: the path and the query parameters (percent-decoded,
// '+' as space). Malformed escapes make the target unusable.

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace hondana::api {

struct Target {
    std::string path;
    std::map<std::string, std::string, std::less<>> query;

    [[nodiscard]] std::optional<std::string> param(std::string_view name) const;
};

// nullopt for a bad percent escape or a path that does not start with '/'.
[[nodiscard]] std::optional<Target> parse_target(std::string_view target);
[[nodiscard]] std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

}
