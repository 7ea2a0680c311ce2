#include "lending/devices.h"

#include "lending/audit.h"
#include "lending/directory.h"
#include "lending/ids.h"
#include "lending/tokens.h"

namespace hondana::lending {

std::string enrolment_proof_message(std::string_view device_id, std::string_view enrolment_code)
{
    return "hondana-enrol-v1\n" + std::string(device_id) + "\n" + std::string(enrolment_code);
}

namespace {

drm::Sha256Digest code_digest(std::string_view code)
{
    return drm::sha256(drm::as_bytes(normalise_enrolment_code(code)));
}

Result<std::string> set_new_code(storage::Database& db, const std::string& device_id)
{
    auto code = TRY(new_enrolment_code());
    auto digest = code_digest(code);
    auto update
        = TRY_DB(db.prepare("UPDATE devices SET status = 'registered', enrolment_code_hash = ?1, public_key = NULL, "
                            "key_pin = NULL, certificate_serial = NULL, enrolled_at = NULL, revoked_at = NULL "
                            "WHERE id = ?2"));
    update.bind(1, drm::ByteView(digest)).bind(2, device_id);
    TRY_DB(update.run());
    return code;
}

struct DeviceRow {
    std::string id;
    int64_t tenant_id;
    int64_t school_id;
    std::string status;
    drm::Bytes code_hash;
    std::string key_pin;
};

Result<std::optional<DeviceRow>> find_device(storage::Database& db, std::string_view device_id)
{
    auto row = TRY_DB(db.prepare("SELECT id, tenant_id, school_id, status, enrolment_code_hash, COALESCE(key_pin, '') "
                                 "FROM devices WHERE id = ?1"));
    row.bind(1, device_id);
    if (!TRY_DB(row.step()))
        return std::optional<DeviceRow> {};
    return std::optional<DeviceRow>(
        DeviceRow { row.text(0), row.integer(1), row.integer(2), row.text(3), row.blob(4), row.text(5) });
}

Result<DeviceRow> tenant_device(storage::Database& db, int64_t tenant_id, std::string_view device_id)
{
    auto row = TRY(find_device(db, device_id));
    if (!row || row->tenant_id != tenant_id)
        return fail(ErrorKind::NotFound, "no device " + std::string(device_id) + " in this tenant");
    return std::move(*row);
}

}

Devices::Devices(Store& store, const Clock& clock, const Pki& pki)
    : m_store(store)
    , m_clock(clock)
    , m_pki(pki)
{
}

Result<std::vector<RegisteredDevice>> Devices::add(const std::string& actor, std::string_view tenant_slug,
    const std::string& school, const std::vector<std::string>& ids, const std::string& label)
{
    for (const auto& id : ids)
        if (!valid_identifier(id))
            return fail(ErrorKind::InvalidArgument, "a device ID is 1-64 of A-Z a-z 0-9 . _ - (got '" + id + "')");
    auto now = m_clock.now();
    return m_store.write([&](storage::Database& db) -> Result<std::vector<RegisteredDevice>> {
        auto tenant = TRY(load_tenant(db, tenant_slug));
        auto school_id = TRY(find_school(db, tenant.id, school));
        std::vector<RegisteredDevice> added;
        for (const auto& id : ids) {
            auto insert = TRY_DB(db.prepare("INSERT INTO devices (id, tenant_id, school_id, label, status, created_at) "
                                            "VALUES (?1, ?2, ?3, ?4, 'registered', ?5)"));
            insert.bind(1, id).bind(2, tenant.id).bind(3, school_id).bind(4, label).bind(5, base::format_rfc3339(now));
            if (auto ran = insert.run(); !ran)
                return fail(ErrorKind::Conflict, "device " + id + " is registered already");
            added.push_back({ id, TRY(set_new_code(db, id)), school });
            TRY(append_audit(db, now,
                { .tenant = tenant.slug,
                    .actor = actor,
                    .action = "admin.device.add",
                    .target = id,
                    .after = nlohmann::json { { "school", school }, { "status", "registered" } }.dump() }));
        }
        return added;
    });
}

Result<RegisteredDevice> Devices::reissue_code(
    const std::string& actor, std::string_view tenant_slug, const std::string& device_id)
{
    auto now = m_clock.now();
    return m_store.write([&](storage::Database& db) -> Result<RegisteredDevice> {
        auto tenant = TRY(load_tenant(db, tenant_slug));
        auto device = TRY(tenant_device(db, tenant.id, device_id));
        auto code = TRY(set_new_code(db, device_id));
        TRY(Tokens::revoke_device_sessions(db, now, device_id, "enrolment code reissued"));
        TRY(append_audit(db, now,
            { .tenant = tenant.slug,
                .actor = actor,
                .action = "admin.device.reissue_code",
                .target = device_id,
                .before = nlohmann::json { { "status", device.status } }.dump(),
                .after = nlohmann::json { { "status", "registered" } }.dump() }));
        return RegisteredDevice { device_id, code, TRY(school_name(db, device.school_id)) };
    });
}

Result<void> Devices::revoke(const std::string& actor, std::string_view tenant_slug, const std::string& device_id)
{
    auto now = m_clock.now();
    return m_store.write([&](storage::Database& db) -> Result<void> {
        auto tenant = TRY(load_tenant(db, tenant_slug));
        auto device = TRY(tenant_device(db, tenant.id, device_id));
        auto update
            = TRY_DB(db.prepare("UPDATE devices SET status = 'revoked', revoked_at = ?1, enrolment_code_hash = NULL "
                                "WHERE id = ?2"));
        update.bind(1, base::format_rfc3339(now)).bind(2, device_id);
        TRY_DB(update.run());
        auto sessions = TRY(Tokens::revoke_device_sessions(db, now, device_id, "device revoked"));
        TRY(append_audit(db, now,
            { .tenant = tenant.slug,
                .actor = actor,
                .action = "admin.device.revoke",
                .target = device_id,
                .before = nlohmann::json { { "status", device.status } }.dump(),
                .after = nlohmann::json { { "status", "revoked" } }.dump(),
                .detail = std::to_string(sessions) + " session(s) revoked" }));
        return {};
    });
}

Result<Enrolment> Devices::enrol(const EnrolmentRequest& request)
{
    auto now = m_clock.now();
    auto invalid = [] { return fail(ErrorKind::EnrolmentInvalid, "unknown device, wrong or used code, or bad proof"); };
    auto key = drm::PublicKey::from_spki_der(request.public_key);
    bool key_ok = key && key->type() == drm::KeyType::EcP256;
    bool proof_ok = key_ok
        && drm::verify_signature(*key, drm::SignatureAlgorithm::EcdsaSha256,
            drm::as_bytes(enrolment_proof_message(request.device_id, request.enrolment_code)), request.proof)
               .has_value();
    struct Outcome {
        std::optional<Enrolment> enrolment;
    };
    auto outcome = m_store.write([&](storage::Database& db) -> Result<Outcome> {
        auto device = TRY(find_device(db, request.device_id));
        auto digest = code_digest(request.enrolment_code);
        bool code_ok = device && device->status == "registered" && drm::constant_time_equal(digest, device->code_hash);
        if (!device || !code_ok || !proof_ok) {
            if (device) {
                auto tenant = TRY(load_tenant(db, device->tenant_id));
                TRY(append_audit(db, now,
                    { .tenant = tenant.slug,
                        .actor = "device:" + device->id,
                        .device = device->id,
                        .action = "device.enrol",
                        .target = device->id,
                        .outcome = "denied",
                        .detail = !code_ok ? "wrong or used enrolment code" : "proof of key possession failed" }));
            }
            return Outcome {};
        }
        auto tenant = TRY(load_tenant(db, device->tenant_id));
        drm::CertificateRequest cert_request;
        cert_request.common_name = device->id;
        cert_request.organization = tenant.name;
        cert_request.role = drm::CertificateRole::TlsClient;
        cert_request.not_before = now - std::chrono::minutes(5);
        cert_request.not_after = now + std::chrono::days(device_certificate_days);
        auto certificate = drm::issue_certificate(cert_request, *key, &m_pki.device_ca(), m_pki.device_ca_key());
        if (!certificate)
            return fail(ErrorKind::Internal, "issuing the device certificate: " + certificate.error().message);
        auto update
            = TRY_DB(db.prepare("UPDATE devices SET status = 'enrolled', enrolment_code_hash = NULL, public_key = ?1, "
                                "key_pin = ?2, certificate_serial = ?3, enrolled_at = ?4 WHERE id = ?5"));
        update.bind(1, drm::ByteView(request.public_key)).bind(2, key->spki_sha256_pin());
        update.bind(3, certificate->serial_hex()).bind(4, base::format_rfc3339(now)).bind(5, device->id);
        TRY_DB(update.run());
        TRY(append_audit(db, now,
            { .tenant = tenant.slug,
                .actor = "device:" + device->id,
                .device = device->id,
                .action = "device.enrol",
                .target = device->id,
                .after = nlohmann::json { { "status", "enrolled" }, { "key_pin", key->spki_sha256_pin() },
                    { "certificate_serial", certificate->serial_hex() } }
                             .dump() }));
        return Outcome { Enrolment {
            certificate->pem(), m_pki.ca_bundle_pem(), tenant.slug, TRY(school_name(db, device->school_id)) } };
    });
    if (!outcome)
        return tl::make_unexpected(outcome.error());
    if (!outcome->enrolment)
        return invalid();
    return std::move(*outcome->enrolment);
}

Result<DeviceIdentity> Devices::authenticate(drm::ByteView certificate_der)
{
    auto certificate = drm::Certificate::from_der(certificate_der);
    if (!certificate)
        return fail(ErrorKind::DeviceUnknown, "the client certificate does not parse");
    auto device_id = certificate->subject_common_name();
    auto pin = certificate->public_key().spki_sha256_pin();
    return m_store.read([&](storage::Database& db) -> Result<DeviceIdentity> {
        auto device = TRY(find_device(db, device_id));
        if (!device)
            return fail(ErrorKind::DeviceUnknown, "device not registered");
        if (device->status == "revoked")
            return fail(ErrorKind::DeviceRevoked, "this device was revoked");
        if (device->status != "enrolled"
            || !drm::constant_time_equal(drm::as_bytes(pin), drm::as_bytes(device->key_pin)))
            return fail(ErrorKind::DeviceUnknown, "this certificate is not the device's enrolled key");
        auto tenant = TRY(load_tenant(db, device->tenant_id));
        return DeviceIdentity { device->id, tenant.id, tenant.slug, device->school_id };
    });
}

}
