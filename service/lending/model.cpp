#include "lending/model.h"

namespace hondana::lending {

std::string_view role_name(Role role)
{
    switch (role) {
    case Role::Student:
        return "student";
    case Role::Teacher:
        return "teacher";
    case Role::Admin:
        return "admin";
    }
    return "student";
}

std::optional<Role> parse_role(std::string_view name)
{
    if (name == "student")
        return Role::Student;
    if (name == "teacher")
        return Role::Teacher;
    if (name == "admin")
        return Role::Admin;
    return std::nullopt;
}

}
