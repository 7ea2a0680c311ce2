#include "lending/accounts.h"

#include "hondana/drm/crypto.h"
#include "lending/audit.h"
#include "lending/circulation.h"
#include "lending/directory.h"
#include "lending/password.h"
#include "lending/totp.h"

namespace hondana::lending {

bool totp_required(Role role, const TenantPolicy& policy)
{
    return role == Role::Admin || (role == Role::Teacher && policy.teacher_totp);
}

Accounts::Accounts(Store& store, const Clock& clock)
    : m_store(store)
    , m_clock(clock)
{
}

namespace {

Result<void> validate_new_user(const NewUser& user)
{
    if (!valid_identifier(user.login_id))
        return fail(
            ErrorKind::InvalidArgument, "a login ID is 1-64 of A-Z a-z 0-9 . _ - (got '" + user.login_id + "')");
    if (user.display_name.empty() || user.display_name.size() > 200)
        return fail(ErrorKind::InvalidArgument, "a display name is 1-200 bytes");
    if (!user.school && user.role != Role::Admin)
        return fail(ErrorKind::InvalidArgument, "students and teachers belong to a school");
    if (user.reading_level && (*user.reading_level < 0 || *user.reading_level > 100))
        return fail(ErrorKind::InvalidArgument, "a reading level is 0-100");
    return {};
}

struct UserRow {
    int64_t id;
    int64_t tenant_id;
    Role role;
    std::string status;
    int failed;
    bool locked;
    std::optional<std::string> locked_until;
};

Result<UserRow> find_user_row(storage::Database& db, int64_t tenant_id, std::string_view login_id)
{
    auto row = TRY_DB(db.prepare("SELECT id, tenant_id, role, status, failed_logins, locked, locked_until FROM users "
                                 "WHERE tenant_id = ?1 AND login_id = ?2"));
    row.bind(1, tenant_id).bind(2, login_id);
    if (!TRY_DB(row.step()))
        return fail(ErrorKind::NotFound, "no user " + std::string(login_id));
    return UserRow { row.integer(0), row.integer(1), parse_role(row.text(2)).value_or(Role::Student), row.text(3),
        static_cast<int>(row.integer(4)), row.integer(5) != 0, row.optional_text(6) };
}

nlohmann::json state_json(const UserRow& row)
{
    return { { "status", row.status }, { "locked", row.locked }, { "failed_logins", row.failed },
        { "locked_until", row.locked_until ? nlohmann::json(*row.locked_until) : nlohmann::json(nullptr) } };
}

Result<CreatedUser> with_new_totp(storage::Database& db, const Tenant& tenant, CreatedUser created)
{
    auto secret = drm::random_secret(totp_secret_size);
    if (!secret)
        return fail(ErrorKind::Internal, secret.error().message);
    auto update = TRY_DB(db.prepare("UPDATE users SET totp_secret = ?1, totp_last_step = 0 WHERE id = ?2"));
    update.bind(1, secret->view()).bind(2, created.user.id);
    TRY_DB(update.run());
    created.totp_secret_base32 = base32_encode(secret->view());
    created.totp_uri = totp_uri("Hondana " + tenant.name, created.user.login_id, secret->view());
    return created;
}

}

Result<CreatedUser> Accounts::insert_user(storage::Database& db, base::Timestamp now, const Tenant& tenant,
    const NewUser& user, const std::string& password_hash, const std::string& actor)
{
    TRY(validate_new_user(user));
    std::optional<int64_t> school_id;
    if (user.school)
        school_id = TRY(find_school(db, tenant.id, *user.school));
    std::vector<int64_t> class_ids;
    for (const auto& name : user.classes) {
        if (!school_id)
            return fail(ErrorKind::InvalidArgument, "a user without a school cannot be in a class");
        class_ids.push_back(TRY(find_class(db, *school_id, name)));
    }
    auto now_text = base::format_rfc3339(now);
    auto insert = TRY_DB(db.prepare("INSERT INTO users (tenant_id, school_id, login_id, display_name, role, "
                                    "reading_level, password_hash, must_change_password, created_at, updated_at) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?9, ?8, ?8)"));
    insert.bind(1, tenant.id).bind(2, school_id).bind(3, user.login_id).bind(4, user.display_name);
    insert.bind(5, role_name(user.role)).bind(6, user.reading_level).bind(7, password_hash).bind(8, now_text);
    insert.bind(9, user.temporary_password ? 1 : 0);
    if (auto ran = insert.run(); !ran) {
        if (ran.error().kind == storage::ErrorKind::Constraint)
            return fail(ErrorKind::Conflict,
                "login ID " + user.login_id + " is taken (login IDs of deleted accounts are never reused)");
        return tl::make_unexpected(from_storage(ran.error()));
    }
    auto user_id = db.last_insert_rowid();
    for (auto class_id : class_ids) {
        auto member = TRY_DB(db.prepare("INSERT INTO class_members (class_id, user_id) VALUES (?1, ?2)"));
        member.bind(1, class_id).bind(2, user_id);
        TRY_DB(member.run());
    }
    CreatedUser created { TRY(load_user_info(db, user_id)), {}, {} };
    if (user.role != Role::Student)
        created = TRY(with_new_totp(db, tenant, std::move(created)));
    nlohmann::json after = { { "login_id", user.login_id }, { "role", role_name(user.role) },
        { "school", user.school.value_or("") }, { "classes", user.classes } };
    TRY(append_audit(db, now,
        { .tenant = tenant.slug,
            .actor = actor,
            .action = "admin.user.add",
            .target = user.login_id,
            .after = after.dump() }));
    return created;
}

Result<CreatedUser> Accounts::add_user(const std::string& actor, std::string_view tenant_slug, const NewUser& user)
{
    TRY(validate_new_user(user));
    auto tenant = TRY(m_store.read([&](storage::Database& db) { return load_tenant(db, tenant_slug); }));
    TRY(check_password_rule(user.password, user.login_id, tenant.policy));
    auto hash = TRY(hash_password(user.password, tenant.policy.pbkdf2_iterations));
    auto now = m_clock.now();
    return m_store.write([&](storage::Database& db) { return insert_user(db, now, tenant, user, hash, actor); });
}

Result<UserInfo> Accounts::find_user(std::string_view tenant_slug, std::string_view login_id)
{
    return m_store.read([&](storage::Database& db) -> Result<UserInfo> {
        auto tenant = TRY(load_tenant(db, tenant_slug));
        auto row = TRY(find_user_row(db, tenant.id, login_id));
        return load_user_info(db, row.id);
    });
}

Result<void> Accounts::change_status(
    const std::string& actor, std::string_view tenant_slug, std::string_view login_id, std::string_view action)
{
    auto now = m_clock.now();
    auto now_text = base::format_rfc3339(now);
    return m_store.write([&](storage::Database& db) -> Result<void> {
        auto tenant = TRY(load_tenant(db, tenant_slug));
        auto before = TRY(find_user_row(db, tenant.id, login_id));
        if (before.status == "deleted")
            return fail(ErrorKind::InvalidArgument, "user " + std::string(login_id) + " is deleted");
        std::string sql;
        if (action == "lock")
            sql = "UPDATE users SET locked = 1, locked_until = NULL, updated_at = ?2 WHERE id = ?1";
        else if (action == "unlock")
            sql = "UPDATE users SET locked = 0, locked_until = NULL, failed_logins = 0, updated_at = ?2 WHERE id = ?1";
        else if (action == "suspend")
            sql = "UPDATE users SET status = 'suspended', updated_at = ?2 WHERE id = ?1";
        else if (action == "resume")
            sql = "UPDATE users SET status = 'active', updated_at = ?2 WHERE id = ?1";
        else // delete
            sql = "UPDATE users SET status = 'deleted', password_hash = NULL, totp_secret = NULL, locked = 0, "
                  "locked_until = NULL, updated_at = ?2 WHERE id = ?1";
        auto update = TRY_DB(db.prepare(sql));
        update.bind(1, before.id).bind(2, now_text);
        TRY_DB(update.run());
        if (action == "unlock") {
            auto clear = TRY_DB(db.prepare("DELETE FROM login_throttle WHERE tenant_id = ?1 AND login_id = ?2"));
            clear.bind(1, tenant.id).bind(2, login_id);
            TRY_DB(clear.run());
        }
        if (action == "suspend" || action == "delete")
            TRY(Tokens::revoke_user_sessions(db, now, before.id, "user " + std::string(action)));
        if (action == "delete") {
            TRY(close_user_circulation(db, now, before.id, tenant.slug, actor));
            auto members = TRY_DB(db.prepare("DELETE FROM class_members WHERE user_id = ?1"));
            members.bind(1, before.id);
            TRY_DB(members.run());
        }
        auto after = TRY(find_user_row(db, tenant.id, login_id));
        TRY(append_audit(db, now,
            { .tenant = tenant.slug,
                .actor = actor,
                .action = "admin.user." + std::string(action),
                .target = std::string(login_id),
                .before = state_json(before).dump(),
                .after = state_json(after).dump() }));
        return {};
    });
}

Result<void> Accounts::lock(const std::string& actor, std::string_view tenant_slug, std::string_view login_id)
{
    return change_status(actor, tenant_slug, login_id, "lock");
}

Result<void> Accounts::unlock(const std::string& actor, std::string_view tenant_slug, std::string_view login_id)
{
    return change_status(actor, tenant_slug, login_id, "unlock");
}

Result<void> Accounts::suspend(const std::string& actor, std::string_view tenant_slug, std::string_view login_id)
{
    return change_status(actor, tenant_slug, login_id, "suspend");
}

Result<void> Accounts::resume(const std::string& actor, std::string_view tenant_slug, std::string_view login_id)
{
    return change_status(actor, tenant_slug, login_id, "resume");
}

Result<void> Accounts::remove(const std::string& actor, std::string_view tenant_slug, std::string_view login_id)
{
    return change_status(actor, tenant_slug, login_id, "delete");
}

Result<std::string> Accounts::reset_password(const std::string& actor, std::string_view tenant_slug,
    std::string_view login_id, const std::string& password, bool temporary)
{
    auto tenant = TRY(m_store.read([&](storage::Database& db) { return load_tenant(db, tenant_slug); }));
    std::string chosen = password.empty() ? TRY(generate_password()) : password;
    TRY(check_password_rule(chosen, login_id, tenant.policy));
    auto hash = TRY(hash_password(chosen, tenant.policy.pbkdf2_iterations));
    auto now = m_clock.now();
    auto written = m_store.write([&](storage::Database& db) -> Result<void> {
        auto before = TRY(find_user_row(db, tenant.id, login_id));
        if (before.status == "deleted")
            return fail(ErrorKind::InvalidArgument, "user " + std::string(login_id) + " is deleted");
        auto update
            = TRY_DB(db.prepare("UPDATE users SET password_hash = ?1, failed_logins = 0, locked = 0, "
                                "locked_until = NULL, must_change_password = ?4, updated_at = ?2 WHERE id = ?3"));
        update.bind(1, hash).bind(2, base::format_rfc3339(now)).bind(3, before.id).bind(4, temporary ? 1 : 0);
        TRY_DB(update.run());
        TRY(Tokens::revoke_user_sessions(db, now, before.id, "password reset"));
        auto after = TRY(find_user_row(db, tenant.id, login_id));
        TRY(append_audit(db, now,
            { .tenant = tenant.slug,
                .actor = actor,
                .action = "admin.user.reset_password",
                .target = std::string(login_id),
                .before = state_json(before).dump(),
                .after = state_json(after).dump(),
                .detail = temporary ? "temporary password set (to change at the next sign-in); sessions revoked"
                                    : "password replaced; sessions revoked" }));
        return {};
    });
    TRY(std::move(written));
    return chosen;
}

Result<CreatedUser> Accounts::reset_totp(
    const std::string& actor, std::string_view tenant_slug, std::string_view login_id)
{
    auto now = m_clock.now();
    return m_store.write([&](storage::Database& db) -> Result<CreatedUser> {
        auto tenant = TRY(load_tenant(db, tenant_slug));
        auto row = TRY(find_user_row(db, tenant.id, login_id));
        if (row.role == Role::Student || row.status == "deleted")
            return fail(ErrorKind::InvalidArgument, "only active teachers and admins have TOTP");
        auto info = TRY(load_user_info(db, row.id));
        auto created = TRY(with_new_totp(db, tenant, CreatedUser { std::move(info), {}, {} }));
        TRY(Tokens::revoke_user_sessions(db, now, row.id, "TOTP reset"));
        TRY(append_audit(db, now,
            { .tenant = tenant.slug,
                .actor = actor,
                .action = "admin.user.reset_totp",
                .target = std::string(login_id),
                .detail = "new TOTP secret; sessions revoked" }));
        return created;
    });
}

}
