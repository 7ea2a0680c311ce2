#include "lending/directory.h"

#include <cctype>

#include "lending/audit.h"

namespace hondana::lending {

bool valid_identifier(std::string_view text)
{
    if (text.empty() || text.size() > 64 || !std::isalnum(static_cast<unsigned char>(text[0])))
        return false;
    for (unsigned char c : text)
        if (!std::isalnum(c) && c != '.' && c != '_' && c != '-')
            return false;
    return true;
}

Directory::Directory(Store& store, const Clock& clock)
    : m_store(store)
    , m_clock(clock)
{
}

namespace {

Result<Tenant> read_tenant(storage::Statement& row, std::string_view what)
{
    if (!TRY_DB(row.step()))
        return fail(ErrorKind::NotFound, "no tenant " + std::string(what));
    Tenant tenant;
    tenant.id = row.integer(0);
    tenant.slug = row.text(1);
    tenant.name = row.text(2);
    tenant.policy = TRY(parse_policy_text(row.text(3)));
    return tenant;
}

}

Result<Tenant> load_tenant(storage::Database& db, int64_t tenant_id)
{
    auto row = TRY_DB(db.prepare("SELECT id, slug, name, policy FROM tenants WHERE id = ?1"));
    row.bind(1, tenant_id);
    return read_tenant(row, std::to_string(tenant_id));
}

Result<Tenant> load_tenant(storage::Database& db, std::string_view slug)
{
    auto row = TRY_DB(db.prepare("SELECT id, slug, name, policy FROM tenants WHERE slug = ?1"));
    row.bind(1, slug);
    return read_tenant(row, slug);
}

Result<int64_t> find_school(storage::Database& db, int64_t tenant_id, std::string_view name)
{
    auto row = TRY_DB(db.prepare("SELECT id FROM schools WHERE tenant_id = ?1 AND name = ?2"));
    row.bind(1, tenant_id).bind(2, name);
    if (!TRY_DB(row.step()))
        return fail(ErrorKind::NotFound, "no school named " + std::string(name));
    return row.integer(0);
}

Result<int64_t> find_class(storage::Database& db, int64_t school_id, std::string_view name)
{
    auto row = TRY_DB(db.prepare("SELECT id FROM classes WHERE school_id = ?1 AND name = ?2"));
    row.bind(1, school_id).bind(2, name);
    if (!TRY_DB(row.step()))
        return fail(ErrorKind::NotFound, "no class named " + std::string(name) + " in that school");
    return row.integer(0);
}

Result<std::string> school_name(storage::Database& db, int64_t school_id)
{
    auto row = TRY_DB(db.prepare("SELECT name FROM schools WHERE id = ?1"));
    row.bind(1, school_id);
    if (!TRY_DB(row.step()))
        return fail(ErrorKind::NotFound, "no school " + std::to_string(school_id));
    return row.text(0);
}

Result<Tenant> Directory::add_tenant(const std::string& actor, const std::string& slug, const std::string& name)
{
    if (!valid_identifier(slug))
        return fail(ErrorKind::InvalidArgument, "a tenant slug is 1-64 of A-Z a-z 0-9 . _ -");
    if (name.empty())
        return fail(ErrorKind::InvalidArgument, "a tenant needs a name");
    auto now = m_clock.now();
    return m_store.write([&](storage::Database& db) -> Result<Tenant> {
        auto insert
            = TRY_DB(db.prepare("INSERT INTO tenants (slug, name, policy, created_at) VALUES (?1, ?2, ?3, ?4)"));
        insert.bind(1, slug).bind(2, name).bind(3, policy_to_json(TenantPolicy {}).dump());
        insert.bind(4, base::format_rfc3339(now));
        if (auto ran = insert.run(); !ran)
            return fail(ErrorKind::Conflict, "tenant " + slug + " exists already");
        TRY(append_audit(db, now,
            { .tenant = slug,
                .actor = actor,
                .action = "admin.tenant.add",
                .target = slug,
                .after = nlohmann::json { { "name", name } }.dump() }));
        return load_tenant(db, std::string_view(slug));
    });
}

Result<Tenant> Directory::tenant(std::string_view slug)
{
    return m_store.read([&](storage::Database& db) { return load_tenant(db, slug); });
}

Result<std::vector<Tenant>> Directory::tenants()
{
    return m_store.read([&](storage::Database& db) -> Result<std::vector<Tenant>> {
        std::vector<Tenant> result;
        auto rows = TRY_DB(db.prepare("SELECT id, slug, name, policy FROM tenants ORDER BY slug"));
        while (TRY_DB(rows.step()))
            result.push_back({ rows.integer(0), rows.text(1), rows.text(2), TRY(parse_policy_text(rows.text(3))) });
        return result;
    });
}

Result<int64_t> Directory::add_school(const std::string& actor, std::string_view tenant_slug, const std::string& name)
{
    if (name.empty() || name.size() > 200)
        return fail(ErrorKind::InvalidArgument, "a school name is 1-200 bytes");
    auto now = m_clock.now();
    return m_store.write([&](storage::Database& db) -> Result<int64_t> {
        auto tenant = TRY(load_tenant(db, tenant_slug));
        auto insert = TRY_DB(db.prepare("INSERT INTO schools (tenant_id, name, created_at) VALUES (?1, ?2, ?3)"));
        insert.bind(1, tenant.id).bind(2, name).bind(3, base::format_rfc3339(now));
        if (auto ran = insert.run(); !ran)
            return fail(ErrorKind::Conflict, "school " + name + " exists already");
        auto id = db.last_insert_rowid();
        TRY(append_audit(
            db, now, { .tenant = tenant.slug, .actor = actor, .action = "admin.school.add", .target = name }));
        return id;
    });
}

Result<int64_t> Directory::add_class(
    const std::string& actor, std::string_view tenant_slug, const std::string& school, const std::string& name)
{
    if (name.empty() || name.size() > 200)
        return fail(ErrorKind::InvalidArgument, "a class name is 1-200 bytes");
    auto now = m_clock.now();
    return m_store.write([&](storage::Database& db) -> Result<int64_t> {
        auto tenant = TRY(load_tenant(db, tenant_slug));
        auto school_id = TRY(find_school(db, tenant.id, school));
        auto insert = TRY_DB(
            db.prepare("INSERT INTO classes (tenant_id, school_id, name, created_at) VALUES (?1, ?2, ?3, ?4)"));
        insert.bind(1, tenant.id).bind(2, school_id).bind(3, name).bind(4, base::format_rfc3339(now));
        if (auto ran = insert.run(); !ran)
            return fail(ErrorKind::Conflict, "class " + name + " exists already in " + school);
        auto id = db.last_insert_rowid();
        TRY(append_audit(db, now,
            { .tenant = tenant.slug, .actor = actor, .action = "admin.class.add", .target = school + "/" + name }));
        return id;
    });
}

Result<TenantPolicy> Directory::set_policy(
    const std::string& actor, std::string_view tenant_slug, std::string_view key, std::string_view value)
{
    auto now = m_clock.now();
    return m_store.write([&](storage::Database& db) -> Result<TenantPolicy> {
        auto tenant = TRY(load_tenant(db, tenant_slug));
        auto before = policy_to_json(tenant.policy);
        auto updated = tenant.policy;
        TRY(set_policy_value(updated, key, value));
        auto after = policy_to_json(updated);
        auto statement = TRY_DB(db.prepare("UPDATE tenants SET policy = ?1 WHERE id = ?2"));
        statement.bind(1, after.dump()).bind(2, tenant.id);
        TRY_DB(statement.run());
        TRY(append_audit(db, now,
            { .tenant = tenant.slug,
                .actor = actor,
                .action = "admin.policy.set",
                .target = std::string(key),
                .before = before[std::string(key)].dump(),
                .after = after[std::string(key)].dump() }));
        return updated;
    });
}

}
