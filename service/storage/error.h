#pragma once

// Errors of the service's storage layer (SQLCipher). Every kind has a stable
// code (`storage.<name>`).

#include <string>
#include <string_view>

#include "hondana/base/result.h"

namespace hondana::storage {

enum class ErrorKind {
    Open,       // the database file cannot be opened or created
    WrongKey,   // the key does not decrypt the database (or it is not SQLCipher)
    NoCipher,   // the SQLite library linked is not SQLCipher (PRAGMA cipher_version empty)
    KeyFile,    // the key file is missing, malformed or readable by others
    Sql,        // SQLite reported an error (message has SQLite's text)
    Constraint, // a UNIQUE / FOREIGN KEY / CHECK constraint failed
    Busy,       // the database stayed locked past the busy timeout
    Migration,  // a schema migration failed or the schema is newer than this build
};

using Error = base::Error<ErrorKind>;
template<typename T> using Result = base::Result<T, ErrorKind>;

[[nodiscard]] std::string_view error_code(ErrorKind kind);

[[nodiscard]] inline auto fail(ErrorKind kind, std::string message)
{
    return base::fail(kind, std::move(message));
}

}
