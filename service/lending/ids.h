#pragma once

// Identifiers and secrets made by the lending rules.

#include <string>

#include "lending/error.h"

namespace hondana::lending {

// A random UUID (version 4), lower-case, without the `urn:uuid:` prefix.
[[nodiscard]] Result<std::string> new_uuid();

// A one-time enrolment code: 20 characters of Crockford base32 (100 bits),
// grouped `XXXXX-XXXXX-XXXXX-XXXXX` for people typing it.
[[nodiscard]] Result<std::string> new_enrolment_code();

// Normalises a code as typed (case, dashes, spaces, I/L→1, O→0).
[[nodiscard]] std::string normalise_enrolment_code(std::string_view code);

}
