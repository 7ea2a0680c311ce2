// Wipe and diagnostics.

#include <filesystem>

#include "hondana/platform/files.h"
#include "hondana/reader/reader.h"

namespace hondana::reader {

namespace fs = std::filesystem;

namespace {

std::string yes_no(bool value)
{
    return value ? "yes" : "no";
}

}

Result<WipeReport> Reader::wipe(std::string_view reason)
{
    WipeReport report;
    audit(store::audit_type::wipe, std::nullopt, std::string(reason));
    // A wipe asked for here reports itself first; a revoked device cannot.
    if (!m_wiping && m_network->trusted() && enrolled()) {
        m_wiping = true;
        (void)upload_audit();
    }
    m_wiping = true;
    m_positions.reset();
    m_store.reset();
    m_client.reset();
    // Keys first: every user's wrapped store key, then the device key (which
    // also keys the device database), then the files they protected.
    std::error_code error;
    std::vector<fs::path> users;
    for (auto it = fs::directory_iterator(m_paths.users_dir(), error); !error && it != fs::directory_iterator(); ++it)
        users.push_back(it->path());
    for (const auto& user : users) {
        TRY(platform::overwrite_and_remove(user / "store.key.next").map_error(from_platform)); // a change half-way
        TRY(platform::overwrite_and_remove(user / "store.key").map_error(from_platform));
        report.erased.push_back("store key " + user.filename().string());
    }
    m_device.reset();
    if (m_key_store->has_device_key() || fs::exists(m_key_store->machine_secret_path(), error)) {
        TRY(m_key_store->destroy().map_error(from_platform));
        report.erased.push_back("device key");
    }
    for (const auto& user : users) {
        TRY(platform::overwrite_and_remove_tree(user).map_error(from_platform));
        report.erased.push_back("user files " + user.filename().string());
    }
    TRY(platform::overwrite_and_remove_tree(m_paths.device_dir()).map_error(from_platform));
    report.erased.push_back("device files");
    TRY(platform::ensure_private_dir(m_paths.device_dir()).map_error(from_platform));
    m_login_id.reset();
    m_trusted_clock = std::make_unique<platform::TrustedClock>(*m_clock, platform::ClockRatchet {});
    m_wiping = false;
    return report;
}

DoctorReport Reader::doctor()
{
    DoctorReport report;
    doctor_policy(report);
    doctor_device(report);
    doctor_network_and_clock(report);
    doctor_stores(report);
    return report;
}

void Reader::doctor_policy(DoctorReport& report) const
{
    auto add = [&](std::string key, std::string value) { report.lines.emplace_back(std::move(key), std::move(value)); };
    for (const auto& file : m_policy.files)
        add("policy.file", file.string());
    for (const auto& [key, source] : m_policy.key_sources)
        add("policy.source." + key, source);
    add("policy.service_url", m_policy.service_url);
    add("policy.device_id", m_policy.device_id);
    for (const auto& pin : m_policy.tls_spki_pins)
        add("pins.service", "sha256//" + pin);
    add("paths.state_dir", m_paths.state_dir.string());
}

void Reader::doctor_device(DoctorReport& report)
{
    auto add = [&](std::string key, std::string value) { report.lines.emplace_back(std::move(key), std::move(value)); };
    add("device.key_store", std::string(m_key_store->kind()));
    add("device.key", yes_no(m_key_store->has_device_key()));
    if (m_key_store->has_device_key()) {
        auto key = m_key_store->device_key();
        if (key) {
            add("device.key_pin", "sha256//" + key->public_key().spki_sha256_pin());
        } else {
            add("device.key_error", key.error().message);
            report.healthy = false;
        }
    }
    add("enrolment.enrolled", yes_no(enrolled()));
    if (enrolled()) {
        auto enrolment = m_device->enrolment().value().value();
        add("enrolment.tenant", enrolment.tenant);
        add("enrolment.school", enrolment.school);
        add("enrolment.at", base::format_rfc3339(enrolment.enrolled_at));
        if (auto cert = drm::Certificate::from_pem(enrolment.certificate_pem))
            add("enrolment.certificate_expires", base::format_rfc3339(cert->not_after()));
    }
}

void Reader::doctor_network_and_clock(DoctorReport& report)
{
    auto add = [&](std::string key, std::string value) { report.lines.emplace_back(std::move(key), std::move(value)); };
    auto network = check_network();
    add("network.state", std::string(platform::network_trust_state_name(network.state)));
    add("network.reason", network.reason);
    for (const auto& probe : network.probes)
        add("network.probe." + probe.endpoint.to_string(), probe.detail);
    auto now = trusted_now();
    add("clock.state", std::string(platform::clock_state_name(now.state)));
    add("clock.trusted_now", base::format_rfc3339(now.now));
    add("clock.wall_offset_seconds", std::to_string(now.wall_offset.count()));
    if (m_trusted_clock->ratchet().server_time)
        add("clock.last_server_time", base::format_rfc3339(*m_trusted_clock->ratchet().server_time));
}

void Reader::doctor_stores(DoctorReport& report)
{
    auto add = [&](std::string key, std::string value) { report.lines.emplace_back(std::move(key), std::move(value)); };
    if (m_device) {
        auto health = m_device->integrity_check();
        add("store.device_db", health ? "ok" : health.error().message);
        report.healthy = report.healthy && health.has_value();
        if (auto audit = m_device->audit_summary())
            add("audit.events", std::to_string(audit->last_seq) + " (" + std::to_string(audit->pending) + " not uploaded)");
    }
    std::error_code error;
    int users = 0;
    for (auto it = fs::directory_iterator(m_paths.users_dir(), error); !error && it != fs::directory_iterator(); ++it)
        ++users;
    add("store.user_stores", std::to_string(users));
    if (m_login_id)
        add("store.current_login", *m_login_id);
    if (m_store) {
        auto health = m_store->integrity_check();
        add("store.user_db", health ? "ok" : health.error().message);
        report.healthy = report.healthy && health.has_value();
    }
}

}
