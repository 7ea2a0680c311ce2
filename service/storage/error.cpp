#include "storage/error.h"

namespace hondana::storage {

std::string_view error_code(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::Open:
        return "storage.open";
    case ErrorKind::WrongKey:
        return "storage.wrong_key";
    case ErrorKind::NoCipher:
        return "storage.no_cipher";
    case ErrorKind::KeyFile:
        return "storage.key_file";
    case ErrorKind::Sql:
        return "storage.sql";
    case ErrorKind::Constraint:
        return "storage.constraint";
    case ErrorKind::Busy:
        return "storage.busy";
    case ErrorKind::Migration:
        return "storage.migration";
    }
    return "storage.unknown";
}

}
