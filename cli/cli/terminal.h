#pragma once

// Reading secrets for hondana-cli: from the terminal without echo when stdin
// is a terminal, else one line from stdin. Never from arguments.

#include <optional>
#include <string>
#include <string_view>

namespace hondana::cli {

// Prompts on stderr (terminal only) and reads one line; nullopt at end of input.
[[nodiscard]] std::optional<std::string> read_secret(std::string_view prompt);

}
