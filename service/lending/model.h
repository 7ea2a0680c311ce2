#pragma once

// The nouns the lending rules share: roles, tenants, authenticated devices and
// callers. Every row belongs to a tenant, and every request carries the
// tenant of its device, so no query crosses tenants (REQ AUTH-6).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lending/policy.h"

namespace hondana::lending {

enum class Role { Student, Teacher, Admin };

[[nodiscard]] std::string_view role_name(Role role);
[[nodiscard]] std::optional<Role> parse_role(std::string_view name);

struct Tenant {
    int64_t id { 0 };
    std::string slug;
    std::string name;
    TenantPolicy policy;
};

// A device that proved its enrolled key on this connection.
struct DeviceIdentity {
    std::string id;
    int64_t tenant_id { 0 };
    std::string tenant_slug;
    int64_t school_id { 0 };
};

// The user object of docs/protocol.md (`GET /v1/me`).
struct UserInfo {
    int64_t id { 0 };
    int64_t tenant_id { 0 };
    std::optional<int64_t> school_id;
    std::string login_id;
    std::string display_name;
    Role role { Role::Student };
    std::optional<int> reading_level;
    std::string school;                  // school name, empty for tenant-wide admins
    std::vector<std::string> classes;    // class names
    bool must_change_password { false }; // an admin issued the password: only the account's routes answer
};

// A request with a device and a signed-in user.
struct Caller {
    DeviceIdentity device;
    UserInfo user;
    int64_t session_id { 0 };
    [[nodiscard]] std::string actor() const { return "user:" + user.login_id; }
};

}
