#include "hondana/reader/reader.h"

#include "hondana/platform/files.h"
#include "hondana/sync/tls_probe.h"

namespace hondana::reader {

namespace {

constexpr const char* current_login_setting = "current_login";

}

Reader::Reader(ReaderOptions options)
    : m_options(std::move(options))
{
}

Reader::~Reader() = default;

Result<std::unique_ptr<Reader>> Reader::open(ReaderOptions options)
{
    auto reader = std::unique_ptr<Reader>(new Reader(std::move(options))); // raw-new: private constructor
    TRY(reader->load());
    return reader;
}

Result<void> Reader::load()
{
    m_policy = TRY(platform::load_policy(m_options.policy).map_error(from_platform));
    m_paths = TRY(platform::ReaderPaths::resolve(m_options.home).map_error(from_platform));
    TRY(platform::ensure_private_dir(m_paths.state_dir).map_error(from_platform));
    m_clock = m_options.clock ? m_options.clock : std::make_shared<platform::SystemClock>();
    m_key_store = TRY(platform::FileKeyStore::open(m_paths.device_dir(), m_options.machine_id).map_error(from_platform));
    platform::ClockRatchet ratchet;
    if (m_key_store->has_device_key()) {
        m_device = TRY(store::DeviceStore::open(m_paths, *m_key_store).map_error(from_store));
        ratchet = TRY(m_device->clock_ratchet().map_error(from_store));
        m_login_id = m_device->setting(current_login_setting).value_or(std::nullopt);
    }
    m_trusted_clock = std::make_unique<platform::TrustedClock>(*m_clock, ratchet);
    m_network = std::make_unique<platform::NetworkTrust>(
        m_policy.trusted_network_probes, sync::make_prober(sync::tls_config_from(m_policy)));
    return {};
}

bool Reader::enrolled() const
{
    if (!m_device)
        return false;
    auto enrolment = m_device->enrolment();
    return enrolment && enrolment->has_value();
}

std::optional<std::string> Reader::current_login() const
{
    return m_login_id;
}

platform::TrustedTime Reader::trusted_now()
{
    auto now = m_trusted_clock->now();
    if (now.rollback_detected && m_device) {
        (void)m_device->append_audit(store::audit_type::clock_rollback, now.now, m_login_id, std::nullopt,
            "wall clock found " + std::to_string(-now.wall_offset.count()) + " s behind trusted time");
    }
    save_ratchet();
    return now;
}

void Reader::save_ratchet()
{
    if (m_device)
        (void)m_device->save_clock_ratchet(m_trusted_clock->ratchet());
}

void Reader::audit(std::string_view type, std::optional<std::string> title, std::string detail)
{
    if (!m_device)
        return;
    auto now = trusted_now();
    (void)m_device->append_audit(type, now.now, m_login_id, std::move(title), std::move(detail));
}

platform::NetworkTrustReport Reader::check_network()
{
    auto report = m_network->check();
    if (report.state != platform::NetworkTrustState::Trusted && !m_untrusted_recorded) {
        m_untrusted_recorded = true;
        audit(store::audit_type::network_untrusted, std::nullopt,
            std::string(platform::network_trust_state_name(report.state)) + ": " + report.reason);
    }
    return report;
}

Result<void> Reader::watch_network(std::function<void()> on_change)
{
    auto* network = m_network.get();
    m_watcher = TRY(platform::NetlinkWatcher::start([network, on_change = std::move(on_change)] {
        network->invalidate("the network changed; checking again");
        if (on_change)
            on_change();
    }).map_error(from_platform));
    return {};
}

Result<void> Reader::require_trusted_network()
{
    auto report = m_network->last();
    if (report.state == platform::NetworkTrustState::Unknown)
        report = check_network();
    if (report.state == platform::NetworkTrustState::Trusted)
        return {};
    auto kind = report.state == platform::NetworkTrustState::Offline ? ErrorKind::NetworkOffline
                                                                     : ErrorKind::NetworkUntrusted;
    return fail(kind, "[platform.network_" + std::string(platform::network_trust_state_name(report.state)) + "] "
            + report.reason);
}

Result<sync::ServiceClient*> Reader::client(bool with_device)
{
    TRY(require_trusted_network());
    if (m_client && m_client_has_device == with_device)
        return m_client.get();
    std::optional<sync::DeviceCredentials> credentials;
    if (with_device) {
        if (!enrolled())
            return fail(ErrorKind::NotEnrolled, "[platform.not_enrolled] this device is not enrolled: run hondana-cli enrol");
        auto enrolment = m_device->enrolment().value().value();
        auto key = TRY(m_key_store->device_key().map_error(from_platform));
        auto pem = key.pkcs8_pem();
        if (!pem)
            return fail(ErrorKind::Internal, "cannot encode the device key: " + pem.error().message);
        credentials = sync::DeviceCredentials { enrolment.certificate_pem + "\n" + enrolment.ca_pem,
            std::make_shared<const drm::SecretBytes>(std::move(*pem)) };
    }
    m_client = TRY(sync::ServiceClient::create(m_policy, std::move(credentials)).map_error(from_sync));
    m_client_has_device = with_device;
    m_client->http().set_server_time_observer([this](base::Timestamp time) {
        m_trusted_clock->observe_server_time(time);
        save_ratchet();
    });
    return m_client.get();
}

Error Reader::service_failure(const sync::Error& error)
{
    if (error.kind == sync::ErrorKind::DeviceRevoked) {
        if (m_wiping) // the wipe's own last upload was refused: it goes on
            return from_sync(error);
        m_wiping = true; // no upload from a revoked device
        auto wiped = wipe("the service reports this device revoked");
        std::string outcome = wiped ? "every local store, key and title was erased" : "wiping failed: " + wiped.error().message;
        return Error { ErrorKind::DeviceRevoked, "[sync.device_revoked] this device was revoked; " + outcome };
    }
    if (sync::is_tls_policy_failure(error.kind))
        m_network->invalidate("a request broke the TLS policy: " + error.message);
    return from_sync(error);
}

Result<store::Enrolment> Reader::enrol()
{
    if (enrolled())
        return m_device->enrolment().value().value();
    if (!m_policy.enrolment_code)
        return fail(ErrorKind::Policy, "[platform.policy_missing] the policy has no enrolment_code for " + m_policy.device_id);
    if (!m_key_store->has_device_key())
        TRY(m_key_store->create_device_key().map_error(from_platform));
    auto key = TRY(m_key_store->device_key().map_error(from_platform));
    auto* service = TRY(client(false));
    auto enrolled_device = service->enrol(m_policy.device_id, *m_policy.enrolment_code, key);
    if (!enrolled_device)
        return tl::make_unexpected(service_failure(enrolled_device.error()));
    auto certificate = drm::Certificate::from_pem(enrolled_device->device_certificate_pem);
    if (!certificate || certificate->public_key().spki_sha256_pin() != key.public_key().spki_sha256_pin())
        return fail(ErrorKind::NotEnrolled, "[sync.malformed_response] the service returned a certificate for another key");
    if (!m_device)
        m_device = TRY(store::DeviceStore::open(m_paths, *m_key_store).map_error(from_store));
    store::Enrolment enrolment { m_policy.device_id, enrolled_device->device_certificate_pem,
        enrolled_device->ca_certificates_pem, enrolled_device->tenant, enrolled_device->school, trusted_now().now };
    TRY(m_device->save_enrolment(enrolment).map_error(from_store));
    save_ratchet();
    audit(store::audit_type::enrolled, std::nullopt, "device " + m_policy.device_id + " enrolled");
    m_client.reset();
    return enrolment;
}

Result<int64_t> Reader::upload_audit()
{
    if (!enrolled())
        return 0;
    auto* service = TRY(client(true));
    int64_t accepted = 0;
    while (true) {
        auto pending = TRY(m_device->pending_audit(500).map_error(from_store));
        if (pending.empty())
            return accepted;
        nlohmann::json events = nlohmann::json::array();
        for (const auto& event : pending)
            events.push_back(store::audit_event_json(event));
        auto through = service->upload_audit(events);
        if (!through)
            return tl::make_unexpected(service_failure(through.error()));
        TRY(m_device->mark_audit_uploaded(*through).map_error(from_store));
        accepted += static_cast<int64_t>(pending.size());
        if (*through < pending.back().seq)
            return accepted;
    }
}

}
