#pragma once

// Tenants, schools, classes and tenant policies (admin CLI operations), and
// the lookups the other rules share inside their transactions.

#include <string>
#include <vector>

#include "lending/clock.h"
#include "lending/model.h"
#include "lending/store.h"

namespace hondana::lending {

// Slugs and login IDs: 1–64 of [A-Za-z0-9._-], starting with a letter or digit.
[[nodiscard]] bool valid_identifier(std::string_view text);

class Directory {
public:
    Directory(Store& store, const Clock& clock);

    [[nodiscard]] Result<Tenant> add_tenant(const std::string& actor, const std::string& slug, const std::string& name);
    [[nodiscard]] Result<Tenant> tenant(std::string_view slug);
    [[nodiscard]] Result<std::vector<Tenant>> tenants();
    [[nodiscard]] Result<int64_t> add_school(
        const std::string& actor, std::string_view tenant_slug, const std::string& name);
    [[nodiscard]] Result<int64_t> add_class(
        const std::string& actor, std::string_view tenant_slug, const std::string& school, const std::string& name);
    // Sets one policy member; the audit entry keeps the value before and after (REQ OPS-2).
    [[nodiscard]] Result<TenantPolicy> set_policy(
        const std::string& actor, std::string_view tenant_slug, std::string_view key, std::string_view value);

private:
    Store& m_store;
    const Clock& m_clock;
};

// Lookups for use inside a transaction. NotFound names what is missing.
[[nodiscard]] Result<Tenant> load_tenant(storage::Database& db, int64_t tenant_id);
[[nodiscard]] Result<Tenant> load_tenant(storage::Database& db, std::string_view slug);
[[nodiscard]] Result<int64_t> find_school(storage::Database& db, int64_t tenant_id, std::string_view name);
[[nodiscard]] Result<int64_t> find_class(storage::Database& db, int64_t school_id, std::string_view name);
[[nodiscard]] Result<std::string> school_name(storage::Database& db, int64_t school_id);

}
