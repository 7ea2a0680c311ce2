#pragma once

// Text for XML and XHTML we write ourselves (sample titles, cover SVGs).

#include <string>
#include <string_view>

namespace hondana::lending {

// `text` with &, <, > and " written as entities (element text and attribute values).
[[nodiscard]] std::string xml_escape(std::string_view text);

}
