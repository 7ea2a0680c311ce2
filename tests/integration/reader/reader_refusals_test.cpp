// Every refusal against real peers, each with its own clear error: TLS policy
// (wrong pin, another CA, TLS 1.1 only, CBC only, redirect off the
// allowlist), licences (tampered, another device), time (clock set back, an
// expired offline lease), and the service's word (revoked device, returned
// loan, revoked licence).

#include "hondana/platform/key_store.h"
#include "hondana/store/device_store.h"
#include "hondana/store/licence_check.h"
#include "hondana/sync/service_client.h"
#include "openssl_server.h"
#include "service_fixture.h"
#include "test_https_server.h"
#include "test_pki.h"

using namespace hondana;
using test::contains;

namespace {

class ReaderRefusals : public test::ReaderServiceTest { };

// A tablet whose policy trusts `pki`'s root and `key`, pointed at `url`.
test::Tablet foreign_tablet(const std::filesystem::path& dir, const std::string& url, const test::TestPki& pki,
    const drm::PrivateKey& key)
{
    test::Tablet tablet { dir / "foreign.json", dir / "foreign-home", "tablet-x" };
    std::ofstream(dir / "foreign-root.pem") << pki.root.pem();
    test::write_policy(tablet.policy,
        { { "service_url", url },
            { "tls_spki_pins",
                { key.public_key().spki_sha256_pin(), drm::PrivateKey::generate_p256()->public_key().spki_sha256_pin() } },
            { "tenant_root_cert", (dir / "foreign-root.pem").string() }, { "device_id", "tablet-x" },
            { "enrolment_code", "CODE" } });
    return tablet;
}

void expect_refused(const test::CliResult& result, int exit_code, const std::string& code)
{
    EXPECT_EQ(result.exit_code, exit_code) << result.err;
    EXPECT_TRUE(contains(result.err, code)) << "expected " << code << " in: " << result.err;
}

// The device's credentials and a signed-in client, in-process, from a tablet's state.
struct DeviceSession {
    platform::Policy policy;
    std::unique_ptr<platform::FileKeyStore> key_store;
    std::unique_ptr<sync::ServiceClient> client;
};

DeviceSession open_device_session(const test::Tablet& tablet, const std::string& login, const std::string& password)
{
    DeviceSession session;
    platform::PolicyLocations locations;
    locations.explicit_file = tablet.policy;
    session.policy = *platform::load_policy(locations);
    auto paths = *platform::ReaderPaths::resolve(tablet.home);
    session.key_store = std::move(*platform::FileKeyStore::open(paths.device_dir()));
    auto device = std::move(*store::DeviceStore::open(paths, *session.key_store));
    auto enrolment = device->enrolment()->value();
    auto key_pem = session.key_store->device_key()->pkcs8_pem();
    sync::DeviceCredentials credentials { enrolment.certificate_pem + "\n" + enrolment.ca_pem,
        std::make_shared<const drm::SecretBytes>(std::move(*key_pem)) };
    session.client = std::move(*sync::ServiceClient::create(session.policy, credentials));
    EXPECT_TRUE(session.client->login(login, password));
    return session;
}

}

TEST_F(ReaderRefusals, wrong_pin_is_refused_before_anything_is_sent)
{
    auto tablet = this->tablet(0,
        { { "tls_spki_pins",
            { drm::PrivateKey::generate_p256()->public_key().spki_sha256_pin(),
                drm::PrivateKey::generate_p256()->public_key().spki_sha256_pin() } } });
    auto result = cli(tablet, { "enrol" });
    expect_refused(result, 5, "sync.pin_mismatch");
    EXPECT_FALSE(contains(cli(tablet, { "doctor" }).out, "enrolment.enrolled: yes"));
}

TEST_F(ReaderRefusals, a_service_certificate_from_another_ca_is_refused)
{
    auto other = test::TestPki::create("Another Tenant Root");
    std::ofstream(dir() / "other-root.pem") << other.root.pem();
    auto tablet = this->tablet(0, { { "tenant_root_cert", (dir() / "other-root.pem").string() } });
    expect_refused(cli(tablet, { "enrol" }), 5, "sync.untrusted_certificate");
}

TEST_F(ReaderRefusals, a_tls11_only_server_is_refused)
{
    auto pki = test::TestPki::create();
    auto key = *drm::PrivateKey::generate_p256();
    test::OpenSslServer server(dir() / "tls11", key, pki.server_certificate(key, "127.0.0.1"),
        { "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0" });
    ASSERT_TRUE(server.running());
    auto tablet = foreign_tablet(dir(), server.url("/"), pki, key);
    expect_refused(test::run_cli(tablet.policy, tablet.home, { "enrol" }), 5, "sync.tls_protocol_version");
}

TEST_F(ReaderRefusals, a_cbc_only_server_is_refused)
{
    auto pki = test::TestPki::create();
    auto key = *drm::PrivateKey::generate_p256();
    test::OpenSslServer server(dir() / "cbc", key, pki.server_certificate(key, "127.0.0.1"),
        { "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA384:ECDHE-ECDSA-AES128-SHA" });
    ASSERT_TRUE(server.running());
    auto tablet = foreign_tablet(dir(), server.url("/"), pki, key);
    expect_refused(test::run_cli(tablet.policy, tablet.home, { "enrol" }), 5, "sync.tls_no_common_cipher");
}

TEST_F(ReaderRefusals, a_redirect_off_the_allowlist_is_refused)
{
    auto pki = test::TestPki::create();
    auto key = *drm::PrivateKey::generate_p256();
    test::TestHttpsServer server(key, pki.server_certificate(key, "127.0.0.1").pem());
    server.set_response("/v1/devices/enrol", { 307, { { "Location", "https://elsewhere.example/v1/devices/enrol" } }, "" });
    auto tablet = foreign_tablet(dir(), server.url("/"), pki, key);
    expect_refused(test::run_cli(tablet.policy, tablet.home, { "enrol" }), 7, "sync.redirect_off_allowlist");
}

TEST_F(ReaderRefusals, tampered_licence_and_licence_for_another_device_are_refused)
{
    auto tablet = this->tablet(0);
    auto pw = enrol_and_sign_in(tablet, 0);
    auto pdf = service().title("pdf");
    ASSERT_EQ(cli(tablet, { "borrow", pdf }, pw).exit_code, 0);
    auto [login, password] = service().student(0);
    auto session = open_device_session(tablet, login, password);
    auto loans = session.client->loans();
    ASSERT_TRUE(loans) << loans.error().message;
    ASSERT_FALSE(loans->loans.empty());
    auto licence = session.client->licence(loans->loans.front().licence_href);
    ASSERT_TRUE(licence) << licence.error().message;

    auto root = *drm::Certificate::from_pem(session.policy.tenant_root_cert_pem);
    auto device_pin = session.key_store->device_key()->public_key().spki_sha256_pin();
    store::LicenceCheckContext context { &root, tablet.device_id, device_pin,
        { base::now_utc(), platform::ClockState::Synced, false, {} }, 14, base::now_utc(), "active" };
    auto valid = store::check_licence(*licence, context);
    ASSERT_TRUE(valid) << valid.error().message;

    auto tampered = *licence;
    auto end = tampered.find("\"end\":\"");
    ASSERT_NE(end, std::string::npos);
    tampered[end + 10] = tampered[end + 10] == '9' ? '8' : '9'; // another year
    auto refused = store::check_licence(tampered, context);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, store::ErrorKind::LicenceInvalid) << refused.error().message;

    auto other_key = *drm::PrivateKey::generate_p256();
    auto elsewhere = context;
    elsewhere.device_id = service().device_id(1);
    elsewhere.device_key_pin = other_key.public_key().spki_sha256_pin();
    auto wrong_device = store::check_licence(*licence, elsewhere);
    ASSERT_FALSE(wrong_device);
    EXPECT_EQ(wrong_device.error().kind, store::ErrorKind::LicenceWrongDevice) << wrong_device.error().message;
    auto stolen_key = store::unwrap_licence_key(*valid, other_key, tablet.device_id);
    ASSERT_FALSE(stolen_key);
    EXPECT_EQ(stolen_key.error().kind, store::ErrorKind::LicenceWrongDevice);
}

TEST_F(ReaderRefusals, clock_set_back_never_extends_an_expired_offline_lease)
{
    if (!test::network_namespaces_permitted())
        GTEST_SKIP() << "network namespaces are not permitted here (`unshare -n` failed): cannot read offline";
    if (std::system("command -v faketime >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "faketime is not installed (Debian package faketime; scripts/setup installs it)";
    auto tablet = this->tablet(0, { { "offline_lease_days", 1 } });
    auto pw = enrol_and_sign_in(tablet, 0);
    auto pdf = service().title("pdf");
    ASSERT_EQ(cli(tablet, { "borrow", pdf }, pw).exit_code, 0);
    ASSERT_EQ(cli(tablet, { "download", pdf }, pw).exit_code, 0);

    // The wall clock set back 10 days (monotonic time untouched): nothing changes.
    auto set_back = cli(tablet, { "open", pdf }, pw, { "unshare", "-n", "faketime", "-f", "-10d" },
        { "FAKETIME_DONT_FAKE_MONOTONIC=1" });
    EXPECT_EQ(set_back.exit_code, 0) << set_back.err;
    // Two days pass offline (wall and monotonic clocks): the one-day lease is over.
    auto later = cli(tablet, { "open", pdf }, pw, { "unshare", "-n", "faketime", "-f", "+2d" });
    expect_refused(later, 12, "store.offline_lease_expired");
    // Setting the clock back to the real date does not bring the lease back.
    auto back = cli(tablet, { "open", pdf }, pw, { "unshare", "-n" });
    expect_refused(back, 12, "store.offline_lease_expired");
    auto way_back = cli(tablet, { "open", pdf }, pw, { "unshare", "-n", "faketime", "-f", "-30d" });
    expect_refused(way_back, 12, "store.offline_lease_expired");
    // Online again: the service's clock and a fresh licence check renew the lease.
    auto online = cli(tablet, { "open", pdf }, pw);
    EXPECT_EQ(online.exit_code, 0) << online.err;
}

TEST_F(ReaderRefusals, a_revoked_device_wipes_itself)
{
    auto tablet = this->tablet(0);
    auto pw = enrol_and_sign_in(tablet, 0);
    auto pdf = service().title("pdf");
    ASSERT_EQ(cli(tablet, { "borrow", pdf }, pw).exit_code, 0);
    ASSERT_EQ(cli(tablet, { "download", pdf }, pw).exit_code, 0);
    std::string output;
    ASSERT_EQ(service().admin({ "device", "revoke", tablet.device_id }, &output), 0) << output;

    auto next = cli(tablet, { "loans" }, pw);
    expect_refused(next, 13, "sync.device_revoked");
    size_t files = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(tablet.home))
        files += entry.is_regular_file() && entry.path().filename() != "stdin" && entry.path().filename() != "stderr";
    EXPECT_EQ(files, 0u) << "the wiped tablet still has files";
    auto doctor = cli(tablet, { "doctor" });
    EXPECT_TRUE(contains(doctor.out, "enrolment.enrolled: no")) << doctor.out;
    EXPECT_TRUE(contains(doctor.out, "device.key: no")) << doctor.out;
    expect_refused(cli(tablet, { "login", service().student(0).first }, pw), 4, "platform.not_enrolled");
}

TEST_F(ReaderRefusals, a_loan_returned_from_another_tablet_erases_the_content_here)
{
    auto first = this->tablet(0);
    auto second = this->tablet(1);
    auto pw = enrol_and_sign_in(first, 0);
    ASSERT_EQ(enrol_and_sign_in(second, 0), pw);
    auto pdf = service().title("pdf");
    ASSERT_EQ(cli(first, { "borrow", pdf }, pw).exit_code, 0);
    ASSERT_EQ(cli(first, { "download", pdf }, pw).exit_code, 0);
    ASSERT_EQ(cli(first, { "open", pdf }, pw).exit_code, 0);
    ASSERT_EQ(cli(second, { "return", pdf }, pw).exit_code, 0);

    auto refused = cli(first, { "open", pdf }, pw);
    expect_refused(refused, 12, "store.licence_revoked");
    auto content = first.home / ".local" / "state" / "hondana" / "users";
    size_t packages = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(content))
        packages += entry.path().extension() == ".hpub";
    EXPECT_EQ(packages, 0u) << "the returned title's content is still on the first tablet";
}

TEST_F(ReaderRefusals, a_licence_revoked_by_the_operator_erases_key_and_content)
{
    auto tablet = this->tablet(0);
    auto pw = enrol_and_sign_in(tablet, 0);
    auto pdf = service().title("pdf");
    ASSERT_EQ(cli(tablet, { "borrow", pdf }, pw).exit_code, 0);
    ASSERT_EQ(cli(tablet, { "download", pdf }, pw).exit_code, 0);
    auto [login, password] = service().student(0);
    auto session = open_device_session(tablet, login, password);
    auto loans = session.client->loans();
    ASSERT_TRUE(loans && !loans->loans.empty());
    auto licence = drm::parse_licence(*session.client->licence(loans->loans.front().licence_href));
    ASSERT_TRUE(licence);
    std::string output;
    ASSERT_EQ(service().admin({ "licence", "revoke", licence->id }, &output), 0) << output;
    expect_refused(cli(tablet, { "open", pdf }, pw), 12, "store.licence_revoked");
    expect_refused(cli(tablet, { "open", pdf }, pw), 11, "store.not_found");
}
