#include "lending/licensing.h"

#include "hondana/drm/key_wrap.h"
#include "hondana/drm/licence.h"
#include "lending/directory.h"

namespace hondana::lending {

namespace {

struct LicenceInputs {
    drm::SecretBytes content_key;
    TitleRecord title;
    drm::Bytes device_key;
    std::string device_pin;
    UserInfo user;
};

Result<LicenceInputs> read_inputs(storage::Database& db, const Caller& caller, const LoanView& loan)
{
    auto key_row = TRY_DB(db.prepare("SELECT content_key FROM titles WHERE id = ?1"));
    key_row.bind(1, loan.title_id);
    if (!TRY_DB(key_row.step()))
        return fail(ErrorKind::Internal, "the loan's title vanished");
    auto key = key_row.blob(0);
    drm::SecretBytes content_key(key);
    std::fill(key.begin(), key.end(), uint8_t { 0 });
    auto device_row
        = TRY_DB(db.prepare("SELECT public_key, key_pin FROM devices WHERE id = ?1 AND status = 'enrolled'"));
    device_row.bind(1, caller.device.id);
    if (!TRY_DB(device_row.step()))
        return fail(ErrorKind::DeviceRevoked, "the device is no longer enrolled");
    return LicenceInputs { std::move(content_key), TRY(load_title(db, caller.device.tenant_id, loan.title_id)),
        device_row.blob(0), device_row.text(1), caller.user };
}

Result<LoanView> callers_loan(storage::Database& db, const Caller& caller, std::string_view licence_id)
{
    auto loan = TRY(load_loan_by_licence(db, caller.device.tenant_id, licence_id));
    if (loan.user_id != caller.user.id)
        return fail(ErrorKind::NotFound, "no such licence");
    return loan;
}

Result<void> record_event(storage::Database& db, base::Timestamp now, std::string_view licence_id,
    std::string_view type, std::string_view device_id, std::string_view name)
{
    auto insert = TRY_DB(db.prepare("INSERT INTO licence_events (licence_id, type, device_id, device_name, timestamp) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5)"));
    insert.bind(1, licence_id).bind(2, type).bind(3, device_id).bind(4, name).bind(5, base::format_rfc3339(now));
    return insert.run().map_error(from_storage);
}

// Registers the device on the licence (once) and activates a ready licence.
Result<void> register_on(
    storage::Database& db, base::Timestamp now, const LoanView& loan, const Caller& caller, std::string_view name)
{
    auto seen = TRY_DB(db.prepare(
        "SELECT count(*) FROM licence_events WHERE licence_id = ?1 AND type = 'register' AND device_id = ?2"));
    seen.bind(1, loan.licence_id).bind(2, caller.device.id);
    TRY_DB(seen.step());
    if (seen.integer(0) == 0)
        TRY(record_event(db, now, loan.licence_id, "register", caller.device.id, name));
    if (loan.licence_status == "ready") {
        auto update = TRY_DB(
            db.prepare("UPDATE loans SET licence_status = 'active' WHERE id = ?1 AND licence_status = 'ready'"));
        update.bind(1, loan.id);
        TRY_DB(update.run());
    }
    return {};
}

Result<void> require_own_device(const Caller& caller, std::string_view device_id)
{
    if (!device_id.empty() && device_id != caller.device.id)
        return fail(ErrorKind::Forbidden, "a device may only act for itself");
    return {};
}

AuditContext audit_of(const Caller& caller)
{
    return { caller.device.tenant_slug, caller.actor(), caller.device.id };
}

}

Licensing::Licensing(Store& store, const Clock& clock, const Pki& pki, LicensingOptions options)
    : m_store(store)
    , m_clock(clock)
    , m_pki(pki)
    , m_options(std::move(options))
{
}

namespace {

// What a licence is built from, read in one transaction.
struct LicenceSnapshot {
    LoanView loan;
    TitleRecord title;
    TenantPolicy policy;
    drm::SecretBytes content_key;
    drm::Bytes device_key;
    std::string device_pin;
};

}

Result<std::string> Licensing::licence(const Caller& caller, std::string_view licence_id)
{
    auto now = m_clock.now();
    auto read = m_store.write([&](storage::Database& db) -> Result<LicenceSnapshot> {
        auto loan = TRY(callers_loan(db, caller, licence_id));
        auto title = TRY(load_title(db, caller.device.tenant_id, loan.title_id));
        TRY(settle_title(db, now, title, caller.device.tenant_slug));
        loan = TRY(load_loan(db, caller.device.tenant_id, loan.id));
        if (loan.status != "active")
            return fail(ErrorKind::LoanNotActive, "the loan is " + loan.status);
        auto tenant = TRY(load_tenant(db, caller.device.tenant_id));
        auto inputs = TRY(read_inputs(db, caller, loan));
        return LicenceSnapshot { std::move(loan), std::move(inputs.title), tenant.policy, std::move(inputs.content_key),
            std::move(inputs.device_key), std::move(inputs.device_pin) };
    });
    auto snapshot = TRY(std::move(read));
    // The public-key work (ECDH wrap, ECDSA signature) runs outside the database lock.
    const auto& loan = snapshot.loan;
    auto device_key = drm::PublicKey::from_spki_der(snapshot.device_key);
    if (!device_key)
        return fail(ErrorKind::Internal, "stored device key: " + device_key.error().message);
    auto wrapped
        = drm::wrap_content_key(snapshot.content_key.view(), *device_key, { loan.licence_id, caller.device.id });
    if (!wrapped)
        return fail(ErrorKind::Internal, "wrapping the content key: " + wrapped.error().message);
    auto licence
        = build_licence(loan, snapshot.title, snapshot.policy, caller, now, std::move(*wrapped), snapshot.device_pin);
    auto signed_licence = drm::sign_licence(licence, m_pki.licence_signing_key(), m_pki.licence_signing_certificate());
    if (!signed_licence)
        return fail(ErrorKind::Internal, "signing the licence: " + signed_licence.error().message);
    auto recorded = m_store.write([&](storage::Database& db) -> Result<void> {
        auto current = TRY(load_loan(db, caller.device.tenant_id, loan.id));
        if (current.status != "active")
            return fail(ErrorKind::LoanNotActive, "the loan is " + current.status);
        TRY(register_on(db, now, current, caller, ""));
        auto entry = audit_of(caller).entry("licence.issue", loan.licence_id);
        entry.detail
            = "title " + snapshot.title.id + ", offline until " + base::format_rfc3339(*licence.rights.offline_until);
        TRY(append_audit(db, now, entry));
        return {};
    });
    TRY(std::move(recorded));
    return std::move(*signed_licence);
}

drm::Licence Licensing::build_licence(const LoanView& loan, const TitleRecord& title, const TenantPolicy& policy,
    const Caller& caller, base::Timestamp now, drm::Bytes wrapped_key, const std::string& device_pin) const
{
    drm::Licence licence;
    licence.id = loan.licence_id;
    licence.issued = loan.start;
    licence.updated = now;
    licence.provider = m_options.provider;
    licence.profile = std::string(drm::hondana_device_profile);
    licence.content_key = { std::string(drm::device_key_wrap_uri), std::move(wrapped_key) };
    licence.user_key.algorithm = std::string(drm::device_p256_uri);
    licence.user_key.text_hint = "Hondana device key";
    licence.user_key.device_id = caller.device.id;
    licence.user_key.device_key_pin = device_pin;
    drm::LicenceLink publication;
    publication.rel = "publication";
    publication.href = link("/v1/content/" + title.id);
    publication.type = title.media_type();
    publication.title = title.title;
    publication.length = title.content_length;
    publication.hash = title.content_sha256;
    drm::LicenceLink status;
    status.rel = "status";
    status.href = link("/v1/licences/" + loan.licence_id + "/status");
    status.type = std::string(status_media_type);
    licence.links = { publication, status };
    licence.rights.print = 0;
    licence.rights.copy = 0;
    licence.rights.start = loan.start;
    licence.rights.end = loan.end;
    licence.rights.offline_until = std::min(loan.end, now + std::chrono::days(policy.offline_lease_days));
    licence.user.id = caller.user.login_id;
    licence.user.name = caller.user.display_name;
    return licence;
}

Result<nlohmann::json> Licensing::status_document(storage::Database& db, const LoanView& loan)
{
    static const std::map<std::string, std::string, std::less<>> messages
        = { { "ready", "The licence is ready to be fetched." }, { "active", "The licence is active." },
              { "revoked", "The licence was revoked by the library." }, { "returned", "The publication was returned." },
              { "cancelled", "The licence was cancelled before use." }, { "expired", "The loan period has ended." } };
    auto events = TRY_DB(db.prepare("SELECT type, COALESCE(device_name, ''), COALESCE(device_id, ''), timestamp "
                                    "FROM licence_events WHERE licence_id = ?1 ORDER BY id"));
    events.bind(1, loan.licence_id);
    nlohmann::json list = nlohmann::json::array();
    std::string last_event;
    while (TRY_DB(events.step())) {
        list.push_back({ { "type", events.text(0) }, { "name", events.text(1) }, { "id", events.text(2) },
            { "timestamp", events.text(3) } });
        last_event = events.text(3);
    }
    auto updated = TRY_DB(db.prepare("SELECT updated_at FROM loans WHERE id = ?1"));
    updated.bind(1, loan.id);
    TRY_DB(updated.step());
    auto licence_updated = updated.text(0);
    std::string base = "/v1/licences/" + loan.licence_id;
    nlohmann::json links = nlohmann::json::array(
        { { { "rel", "license" }, { "href", link(base) }, { "type", drm::licence_media_type } } });
    bool open = loan.licence_status == "ready" || loan.licence_status == "active";
    if (open) {
        links.push_back({ { "rel", "register" }, { "href", link(base + "/register{?id,name}") }, { "templated", true },
            { "type", status_media_type } });
        links.push_back({ { "rel", "return" }, { "href", link(base + "/return{?id,name}") }, { "templated", true },
            { "type", status_media_type } });
        links.push_back({ { "rel", "renew" }, { "href", link(base + "/renew{?end,id,name}") }, { "templated", true },
            { "type", status_media_type } });
    }
    auto message = messages.find(loan.licence_status);
    nlohmann::json document = { { "id", loan.licence_id }, { "status", loan.licence_status },
        { "message", message == messages.end() ? loan.licence_status : message->second },
        { "updated", { { "license", licence_updated }, { "status", std::max(licence_updated, last_event) } } },
        { "links", links }, { "events", list } };
    if (open) {
        auto tenant = TRY(load_tenant(db, loan.tenant_id));
        auto end = renewal_end(db, m_clock.now(), loan, tenant.policy, std::nullopt);
        if (end)
            document["potential_rights"] = { { "end", base::format_rfc3339(*end) } };
    }
    return document;
}

Result<nlohmann::json> Licensing::status(const Caller& caller, std::string_view licence_id)
{
    auto now = m_clock.now();
    return m_store.write([&](storage::Database& db) -> Result<nlohmann::json> {
        auto loan = TRY(callers_loan(db, caller, licence_id));
        auto title = TRY(load_title(db, caller.device.tenant_id, loan.title_id));
        TRY(settle_title(db, now, title, caller.device.tenant_slug));
        return status_document(db, TRY(load_loan(db, caller.device.tenant_id, loan.id)));
    });
}

Result<nlohmann::json> Licensing::register_device(
    const Caller& caller, std::string_view licence_id, std::string_view device_id, std::string_view name)
{
    TRY(require_own_device(caller, device_id));
    auto now = m_clock.now();
    return m_store.write([&](storage::Database& db) -> Result<nlohmann::json> {
        auto loan = TRY(callers_loan(db, caller, licence_id));
        if (loan.licence_status != "ready" && loan.licence_status != "active")
            return fail(ErrorKind::LoanNotActive, "the licence is " + loan.licence_status);
        TRY(register_on(db, now, loan, caller, name));
        TRY(append_audit(db, now, audit_of(caller).entry("licence.register", loan.licence_id)));
        return status_document(db, TRY(load_loan(db, caller.device.tenant_id, loan.id)));
    });
}

Result<nlohmann::json> Licensing::return_licence(
    const Caller& caller, std::string_view licence_id, std::string_view device_id)
{
    TRY(require_own_device(caller, device_id));
    auto now = m_clock.now();
    return m_store.write([&](storage::Database& db) -> Result<nlohmann::json> {
        auto loan = TRY(callers_loan(db, caller, licence_id));
        if (loan.status != "active")
            return fail(ErrorKind::LoanNotActive, "the licence is " + loan.licence_status);
        auto ended = TRY(end_loan(db, now, loan, "returned", caller.device.id, audit_of(caller)));
        return status_document(db, ended);
    });
}

Result<nlohmann::json> Licensing::renew(
    const Caller& caller, std::string_view licence_id, std::string_view device_id, std::optional<base::Timestamp> end)
{
    TRY(require_own_device(caller, device_id));
    auto loan_id = TRY(m_store.read([&](storage::Database& db) -> Result<std::string> {
        return callers_loan(db, caller, licence_id).map([](const LoanView& loan) { return loan.id; });
    }));
    Circulation circulation(m_store, m_clock);
    TRY(circulation.renew(caller, loan_id, end));
    return m_store.read([&](storage::Database& db) -> Result<nlohmann::json> {
        return status_document(db, TRY(load_loan(db, caller.device.tenant_id, loan_id)));
    });
}

Result<nlohmann::json> Licensing::end_by_admin(
    const AuditContext& audit, int64_t tenant_id, std::string_view licence_id, std::string_view status)
{
    auto now = m_clock.now();
    return m_store.write([&](storage::Database& db) -> Result<nlohmann::json> {
        auto loan = TRY(load_loan_by_licence(db, tenant_id, licence_id));
        if (loan.status != "active")
            return fail(ErrorKind::LoanNotActive, "the licence is " + loan.licence_status);
        if (status == "cancelled" && loan.licence_status != "ready")
            return fail(ErrorKind::LoanNotActive, "only a licence never fetched can be cancelled; revoke it instead");
        auto ended = TRY(end_loan(db, now, loan, status, std::nullopt, audit));
        return status_document(db, ended);
    });
}

Result<nlohmann::json> Licensing::revoke(const AuditContext& audit, int64_t tenant_id, std::string_view licence_id)
{
    return end_by_admin(audit, tenant_id, licence_id, "revoked");
}

Result<nlohmann::json> Licensing::cancel(const AuditContext& audit, int64_t tenant_id, std::string_view licence_id)
{
    return end_by_admin(audit, tenant_id, licence_id, "cancelled");
}

}
