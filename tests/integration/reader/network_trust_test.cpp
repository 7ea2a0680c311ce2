// NET-1 through hondana-cli: the trusted-network probe succeeds against the
// pinned endpoint, fails as "untrusted" when another key answers, and as
// "offline" inside a network namespace where the endpoint is unreachable.

#include <gtest/gtest.h>

#include "cli_fixture.h"
#include "temp_dir.h"
#include "test_https_server.h"
#include "test_pki.h"

using namespace hondana;

namespace {

struct ProbeFixture {
    test::TempDir dir;
    test::TestPki pki = test::TestPki::create();
    drm::PrivateKey key = *drm::PrivateKey::generate_p256();
    test::TestHttpsServer server { key, pki.server_certificate(key, "127.0.0.1").pem() };
    std::filesystem::path policy = dir.path() / "policy.json";

    // `pin` replaces the server's own pin (to make the probe meet another key).
    explicit ProbeFixture(std::optional<std::string> pin = std::nullopt)
    {
        auto pinned = pin.value_or(key.public_key().spki_sha256_pin());
        test::write_policy(policy,
            { { "service_url", server.url("/") },
                { "tls_spki_pins", { pinned, drm::PrivateKey::generate_p256()->public_key().spki_sha256_pin() } },
                { "tenant_root_cert", pki.root.pem() }, { "device_id", "tablet-net" } });
    }
};

}

TEST(NetworkTrust, doctor_reports_trusted_when_the_pinned_service_answers)
{
    ProbeFixture f;
    auto result = test::run_cli(f.policy, f.dir.path() / "home", { "doctor" });
    EXPECT_NE(result.out.find("network.state: trusted"), std::string::npos) << result.out << result.err;
    EXPECT_NE(result.out.find("enrolment.enrolled: no"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("policy.file: " + f.policy.string()), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("clock.state:"), std::string::npos) << result.out;
}

TEST(NetworkTrust, doctor_reports_untrusted_when_another_key_answers)
{
    ProbeFixture f(drm::PrivateKey::generate_p256()->public_key().spki_sha256_pin());
    auto result = test::run_cli(f.policy, f.dir.path() / "home", { "doctor" });
    EXPECT_NE(result.out.find("network.state: untrusted"), std::string::npos) << result.out << result.err;
    EXPECT_NE(result.out.find("sync.pin_mismatch"), std::string::npos) << result.out;
}

TEST(NetworkTrust, probe_fails_inside_a_network_namespace_where_the_service_is_unreachable)
{
    if (!test::network_namespaces_permitted())
        GTEST_SKIP() << "network namespaces are not permitted here (`unshare -n` failed): cannot test NET-1 isolation";
    ProbeFixture f;
    auto inside = test::run_cli(f.policy, f.dir.path() / "home", { "doctor" }, {}, { "unshare", "-n" });
    EXPECT_NE(inside.out.find("network.state: offline"), std::string::npos) << inside.out << inside.err;
    auto enrol = test::run_cli(f.policy, f.dir.path() / "home", { "enrol" }, {}, { "unshare", "-n" });
    EXPECT_EQ(enrol.exit_code, 3) << "no enrolment code in this policy: " << enrol.err;
    auto outside = test::run_cli(f.policy, f.dir.path() / "home", { "doctor" });
    EXPECT_NE(outside.out.find("network.state: trusted"), std::string::npos) << outside.out;
}
