#include "integration_fixture.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>

using namespace hondana;
using namespace hondana::test;

namespace {

class HttpRobustness : public ServiceTest {
protected:
    HarnessOptions options() override
    {
        HarnessOptions o;
        o.header_timeout_seconds = 2;
        o.body_timeout_seconds = 2;
        return o;
    }
};
class TlsPolicy : public ServiceTest { };
class Health : public ServiceTest { };
class GracefulDrain : public ServiceTest { };

// Runs `openssl s_client` against the service; returns its exit code and output.
int s_client(const ServiceHarness& service, const std::string& flags, std::string& output)
{
    std::string command = "openssl s_client -connect 127.0.0.1:" + std::to_string(service.port()) + " -CAfile "
        + service.root_certificate().string() + " " + flags + " </dev/null 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe)
        return -1;
    std::array<char, 4096> buffer {};
    while (auto n = std::fread(buffer.data(), 1, buffer.size(), pipe))
        output.append(buffer.data(), n);
    int status = ::pclose(pipe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool handshake_succeeded(const std::string& output)
{
    return output.find("Cipher is (NONE)") == std::string::npos && output.find("New, TLSv1.") != std::string::npos;
}

}

TEST_F(HttpRobustness, malformed_json_is_a_malformed_request_problem)
{
    auto client = device_client(0);
    for (auto body : { "{not json", "[1,2,3]", "\"just a string\"" }) {
        auto reply = client->request("POST", "/v1/auth/login", body);
        EXPECT_EQ(reply.status, 400u) << body;
        EXPECT_EQ(reply.problem(), "malformed-request") << body;
        EXPECT_EQ(reply.header("content-type"), "application/problem+json");
    }
    auto wrong_type = client->post("/v1/auth/login", { { "login_id", 42 }, { "password", "x" } });
    EXPECT_EQ(wrong_type.problem(), "malformed-request");
    EXPECT_EQ(wrong_type.json()["field"], "login_id");
}

TEST_F(HttpRobustness, oversized_body_is_refused_with_413)
{
    auto client = device_client(0);
    std::string huge = "{\"login_id\":\"" + std::string(20000, 'a') + "\"}";
    auto reply = client->request("POST", "/v1/auth/login", huge);
    EXPECT_EQ(reply.status, 413u);
    EXPECT_EQ(reply.problem(), "body-too-large");
    // the service is still there for the next connection
    EXPECT_EQ(client->get("/healthz").status, 200u);
}

TEST_F(HttpRobustness, slow_client_is_disconnected_after_the_header_timeout)
{
    namespace net = boost::asio;
    namespace beast = boost::beast;
    net::io_context io;
    net::ssl::context tls(net::ssl::context::tls_client);
    tls.load_verify_file(service().root_certificate().string());
    tls.set_verify_mode(net::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(io, tls);
    beast::get_lowest_layer(stream).connect(
        net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), service().port()));
    stream.handshake(net::ssl::stream_base::client);
    std::string partial = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
    net::write(stream, net::buffer(partial));
    // Never finish the headers. The server must give up on us; we wait for that, bounded.
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(60));
    std::array<char, 256> buffer {};
    beast::error_code ec;
    size_t read = stream.read_some(net::buffer(buffer), ec);
    EXPECT_TRUE(ec) << "the server answered a request it never fully received";
    EXPECT_NE(ec, beast::error::timeout) << "the server did not close the connection";
    EXPECT_EQ(read, 0u);
    // and it still serves others
    TlsClient other(service());
    EXPECT_EQ(other.get("/healthz").status, 200u);
}

TEST_F(HttpRobustness, every_answer_carries_service_time_and_request_id)
{
    TlsClient anonymous(service());
    for (auto target : { "/healthz", "/v1/time", "/nowhere", "/v1/catalog" }) {
        auto reply = anonymous.get(target);
        EXPECT_TRUE(base::parse_rfc3339(reply.header("x-hondana-time"))) << target;
        EXPECT_EQ(reply.header("x-request-id").size(), 16u) << target;
    }
    auto wrong_method = anonymous.request("DELETE", "/v1/time");
    EXPECT_EQ(wrong_method.status, 405u);
    EXPECT_EQ(wrong_method.problem(), "method-not-allowed");
}

TEST_F(TlsPolicy, tls11_client_is_refused)
{
    std::string output;
    s_client(service(), "-tls1_1 -cipher DEFAULT:@SECLEVEL=0", output);
    EXPECT_FALSE(handshake_succeeded(output)) << output;
}

TEST_F(TlsPolicy, cbc_only_client_is_refused)
{
    for (auto cipher : { "ECDHE-ECDSA-AES128-SHA256", "ECDHE-ECDSA-AES256-SHA384", "ECDHE-ECDSA-AES128-SHA" }) {
        std::string output;
        s_client(service(), std::string("-tls1_2 -cipher ") + cipher, output);
        EXPECT_FALSE(handshake_succeeded(output)) << cipher << "\n" << output;
    }
}

TEST_F(TlsPolicy, tls12_gcm_and_tls13_clients_are_accepted)
{
    std::string tls12, tls13, chacha;
    s_client(service(), "-tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256", tls12);
    EXPECT_TRUE(handshake_succeeded(tls12)) << tls12;
    s_client(service(), "-tls1_3", tls13);
    EXPECT_NE(tls13.find("TLSv1.3"), std::string::npos) << tls13;
    s_client(service(), "-tls1_3 -ciphersuites TLS_CHACHA20_POLY1305_SHA256", chacha);
    EXPECT_FALSE(handshake_succeeded(chacha)) << "ChaCha20 is not on the CRYPTREC list\n" << chacha;
}

TEST_F(Health, healthz_readyz_and_time)
{
    TlsClient anonymous(service());
    EXPECT_EQ(anonymous.get("/healthz").json()["status"], "ok");
    EXPECT_EQ(anonymous.get("/readyz").json()["status"], "ready");
    auto now = base::parse_rfc3339(anonymous.get("/v1/time").json()["now"].get<std::string>());
    ASSERT_TRUE(now);
}

TEST_F(GracefulDrain, sigterm_finishes_the_request_in_flight_and_exits_zero)
{
    // A sign-in at the default cost takes a while: SIGTERM arrives while it runs.
    ASSERT_EQ(service().admin({ "tenant", "policy", "set", "pbkdf2_iterations", "600000" }), 0);
    auto client = device_client(0);
    HttpReply reply;
    std::thread login([&] { reply = sign_in(*client, service().user("student")); });
    // Wait (bounded) until our connection is established, give the request a moment to arrive, then stop it.
    std::string established;
    for (int i = 0; i < 500 && established.find("127.0.0.1:" + std::to_string(service().port())) == std::string::npos;
         ++i) {
        established.clear();
        FILE* pipe = ::popen(
            ("ss -Htn state established '( sport = :" + std::to_string(service().port()) + " )'").c_str(), "r");
        std::array<char, 4096> buffer {};
        while (auto n = std::fread(buffer.data(), 1, buffer.size(), pipe))
            established.append(buffer.data(), n);
        ::pclose(pipe);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ::kill(service().pid(), SIGTERM);
    login.join();
    EXPECT_EQ(reply.status, 200u) << "the request in flight was answered: " << reply.body;
    EXPECT_EQ(service().wait_exit(), 0) << "clean exit after the drain";
    std::ifstream log(service().log_file());
    std::string text((std::istreambuf_iterator<char>(log)), {});
    auto draining = text.find("\"event\":\"server.draining\"");
    ASSERT_NE(draining, std::string::npos) << text;
    auto line_start = text.rfind('\n', draining) + 1;
    auto line = nlohmann::json::parse(text.substr(line_start, text.find('\n', draining) - line_start), nullptr, false);
    ASSERT_FALSE(line.is_discarded());
    EXPECT_GE(line["connections"].get<int>(), 1) << "the sign-in was still in flight when the drain began";
}
