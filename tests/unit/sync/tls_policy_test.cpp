#include <gtest/gtest.h>

#include "hondana/sync/service_client.h"
#include "hondana/sync/tls_probe.h"
#include "openssl_server.h"
#include "test_https_server.h"
#include "tls_fixture.h"

using namespace hondana;
using namespace hondana::sync;

namespace {

Result<base::Timestamp> fetch_time(const TlsConfig& config, const std::string& base_url)
{
    auto client = ServiceClient::create(config, base_url, test::quick_retries());
    if (!client)
        return tl::make_unexpected(client.error());
    return (*client)->time();
}

HttpRequest get(std::string url)
{
    HttpRequest request;
    request.url = std::move(url);
    return request;
}

void expect_kind(const Result<base::Timestamp>& result, ErrorKind kind)
{
    ASSERT_FALSE(result) << "the request unexpectedly succeeded";
    EXPECT_EQ(result.error().kind, kind) << error_code(result.error().kind) << ": " << result.error().message;
}

}

TEST(TlsPolicy, pinned_server_with_tenant_chain_is_accepted_and_its_time_observed)
{
    test::TlsFixture f;
    test::TestHttpsServer server(f.server_key, f.server_cert.pem());
    server.set_response("/v1/time", { 200, { { "Content-Type", "application/json" } }, R"({"now":"2026-11-22T01:02:03Z"})" });
    server.set_server_time("2026-11-22T01:02:04Z");
    auto client = ServiceClient::create(f.config(server.port()), server.url("/"), test::quick_retries());
    ASSERT_TRUE(client) << client.error().message;
    std::optional<base::Timestamp> observed;
    (*client)->http().set_server_time_observer([&](base::Timestamp time) { observed = time; });
    auto now = (*client)->time();
    ASSERT_TRUE(now) << now.error().message;
    EXPECT_EQ(base::format_rfc3339(*now), "2026-11-22T01:02:03Z");
    ASSERT_TRUE(observed);
    EXPECT_EQ(base::format_rfc3339(*observed), "2026-11-22T01:02:04Z");
}

TEST(TlsPolicy, refuses_a_server_whose_key_matches_no_pin)
{
    test::TlsFixture f;
    auto other_key = *drm::PrivateKey::generate_p256();
    auto other_cert = f.pki.server_certificate(other_key, "127.0.0.1"); // right CA, wrong key
    test::TestHttpsServer server(other_key, other_cert.pem());
    expect_kind(fetch_time(f.config(server.port()), server.url("/")), ErrorKind::PinMismatch);
}

TEST(TlsPolicy, a_server_rotated_to_the_backup_key_is_accepted_without_a_policy_change)
{
    // The policy pins the current key and a backup key (docs/mdm.md): after
    // the operator rotates the service to the backup key, readers still connect.
    test::TlsFixture f;
    auto backup_key = *drm::PrivateKey::generate_p256();
    auto config = f.config(0);
    config.pins = { f.server_key.public_key().spki_sha256_pin(), backup_key.public_key().spki_sha256_pin() };
    test::TestHttpsServer server(backup_key, f.pki.server_certificate(backup_key, "127.0.0.1").pem());
    server.set_response("/v1/time", { 200, { { "Content-Type", "application/json" } }, R"({"now":"2026-11-22T01:02:03Z"})" });
    config.allowed_hosts = { { "127.0.0.1", server.port() } };
    auto now = fetch_time(config, server.url("/"));
    ASSERT_TRUE(now) << now.error().message;
    EXPECT_EQ(base::format_rfc3339(*now), "2026-11-22T01:02:03Z");
}

TEST(TlsPolicy, refuses_a_server_certified_by_another_ca)
{
    test::TlsFixture f;
    auto other = test::TestPki::create("Another CA");
    auto cert = other.server_certificate(f.server_key, "127.0.0.1"); // pinned key, wrong chain
    test::TestHttpsServer server(f.server_key, cert.pem());
    expect_kind(fetch_time(f.config(server.port()), server.url("/")), ErrorKind::UntrustedCertificate);
}

TEST(TlsPolicy, refuses_a_tls11_only_server)
{
    test::TlsFixture f;
    test::OpenSslServer server(f.dir.path() / "tls11", f.server_key, f.server_cert,
        { "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0" });
    ASSERT_TRUE(server.running()) << "openssl s_server did not start";
    expect_kind(fetch_time(f.config(server.port()), server.url("/")), ErrorKind::TlsProtocolVersion);
}

TEST(TlsPolicy, refuses_a_cbc_only_server)
{
    test::TlsFixture f;
    test::OpenSslServer server(f.dir.path() / "cbc", f.server_key, f.server_cert,
        { "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA384:ECDHE-ECDSA-AES128-SHA" });
    ASSERT_TRUE(server.running()) << "openssl s_server did not start";
    expect_kind(fetch_time(f.config(server.port()), server.url("/")), ErrorKind::TlsNoCommonCipher);
}

TEST(TlsPolicy, accepts_a_tls12_gcm_only_server)
{
    test::TlsFixture f;
    test::OpenSslServer server(f.dir.path() / "gcm12", f.server_key, f.server_cert,
        { "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256", "-HTTP" });
    test::OpenSslServer::write(f.dir.path() / "gcm12" / "time",
        "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{\"now\":\"2026-11-22T01:02:03Z\"}");
    ASSERT_TRUE(server.running());
    auto config = f.config(server.port());
    auto client = ServiceClient::create(config, server.url("/"), test::quick_retries());
    ASSERT_TRUE(client);
    auto response = (*client)->http().send(get(server.url("/time")));
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->status, 200);
}

TEST(TlsPolicy, a_redirect_off_the_allowlist_is_its_own_error)
{
    test::TlsFixture f;
    test::TestHttpsServer server(f.server_key, f.server_cert.pem());
    server.set_response("/v1/time", { 302, { { "Location", "https://evil.example/steal" } }, "" });
    expect_kind(fetch_time(f.config(server.port()), server.url("/")), ErrorKind::RedirectOffAllowlist);
}

TEST(TlsPolicy, a_redirect_on_the_allowlist_is_still_not_followed)
{
    test::TlsFixture f;
    test::TestHttpsServer server(f.server_key, f.server_cert.pem());
    server.set_response("/v1/time", { 301, { { "Location", server.url("/v1/other") } }, "" });
    expect_kind(fetch_time(f.config(server.port()), server.url("/")), ErrorKind::RedirectRefused);
    EXPECT_EQ(server.requests(), 1);
}

TEST(TlsPolicy, a_host_off_the_allowlist_is_never_contacted)
{
    test::TlsFixture f;
    test::TestHttpsServer server(f.server_key, f.server_cert.pem());
    auto config = f.config(server.port());
    config.allowed_hosts = { { "127.0.0.1", static_cast<uint16_t>(server.port() + 1) } };
    auto client = HttpClient::create(config, test::quick_retries());
    ASSERT_TRUE(client);
    auto response = (*client)->send(get(server.url("/v1/time")));
    ASSERT_FALSE(response);
    EXPECT_EQ(response.error().kind, ErrorKind::HostNotAllowed);
    EXPECT_FALSE((*client)->send(get("http://127.0.0.1/")));
    EXPECT_EQ(server.requests(), 0);
}

TEST(TlsPolicy, problem_documents_map_to_their_kind)
{
    test::TlsFixture f;
    test::TestHttpsServer server(f.server_key, f.server_cert.pem());
    server.set_response("/v1/auth/login", { 423, { { "Content-Type", "application/problem+json" } },
        R"({"type":"urn:hondana:problem:account-locked","title":"Account locked","status":423,"locked_until":"2026-11-22T02:00:00Z"})" });
    auto client = ServiceClient::create(f.config(server.port()), server.url("/"), test::quick_retries());
    ASSERT_TRUE(client);
    auto session = (*client)->login("alice", "x");
    ASSERT_FALSE(session);
    EXPECT_EQ(session.error().kind, ErrorKind::AccountLocked);
    EXPECT_NE(session.error().message.find("locked_until=2026-11-22T02:00:00Z"), std::string::npos);
}

TEST(TlsPolicy, transient_statuses_are_retried_up_to_the_limit)
{
    test::TlsFixture f;
    test::TestHttpsServer server(f.server_key, f.server_cert.pem());
    server.set_response("/v1/time", { 503, { { "Retry-After", "0" } }, "" });
    auto client = HttpClient::create(f.config(server.port()), test::quick_retries());
    ASSERT_TRUE(client);
    auto response = (*client)->request(get(server.url("/v1/time")));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 503);
    EXPECT_EQ(server.requests(), 3);
    // A POST that reached the service is not repeated.
    auto post_request = get(server.url("/v1/time"));
    post_request.method = "POST";
    post_request.body = "{}";
    post_request.idempotent = Idempotent::No;
    auto post = (*client)->request(post_request);
    ASSERT_TRUE(post);
    EXPECT_EQ(server.requests(), 4);
}

TEST(TlsProbe, verifies_the_pinned_endpoint_and_flags_others)
{
    test::TlsFixture f;
    test::TestHttpsServer server(f.server_key, f.server_cert.pem());
    auto ok = probe_endpoint(f.config(server.port()), { "127.0.0.1", server.port() });
    EXPECT_EQ(ok.status, platform::ProbeStatus::Verified) << ok.detail;

    auto other_key = *drm::PrivateKey::generate_p256();
    test::TestHttpsServer impostor(other_key, f.pki.server_certificate(other_key, "127.0.0.1").pem());
    auto mismatch = probe_endpoint(f.config(impostor.port()), { "127.0.0.1", impostor.port() });
    EXPECT_EQ(mismatch.status, platform::ProbeStatus::Mismatch) << mismatch.detail;

    auto closed_port = test::free_loopback_port();
    auto unreachable = probe_endpoint(f.config(closed_port), { "127.0.0.1", closed_port });
    EXPECT_EQ(unreachable.status, platform::ProbeStatus::Unreachable) << unreachable.detail;
}

TEST(Backoff, full_jitter_stays_within_the_exponential_ceiling)
{
    using std::chrono::milliseconds;
    for (int attempt = 0; attempt < 12; ++attempt) {
        auto delay = backoff_delay(attempt, milliseconds(100), milliseconds(2000));
        EXPECT_GE(delay.count(), 0);
        EXPECT_LE(delay.count(), std::min<int64_t>(2000, 100LL << attempt));
    }
}

TEST(Backoff, retry_after_reads_seconds_and_http_dates)
{
    auto now = *base::parse_rfc3339("2026-11-22T00:00:00Z");
    EXPECT_EQ(parse_retry_after("120", now)->count(), 120);
    EXPECT_EQ(parse_retry_after("Sun, 22 Nov 2026 00:00:30 GMT", now)->count(), 30);
    EXPECT_EQ(parse_retry_after("Sun, 22 Nov 2026 00:00:00 GMT", now + std::chrono::hours(1))->count(), 0);
    EXPECT_FALSE(parse_retry_after("soon", now));
    EXPECT_FALSE(parse_retry_after("", now));
}
