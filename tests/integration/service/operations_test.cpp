#include "integration_fixture.h"

#include <sys/wait.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>

#include "lending/password.h"

using namespace hondana;
using namespace hondana::test;

namespace {

class AdminConfirmation : public ServiceTest { };
class RosterImportCli : public ServiceTest { };
class ServiceLog : public ServiceTest { };
class SignInPool : public ServiceTest { };
class ConnectionCap : public ServiceTest {
protected:
    HarnessOptions options() override
    {
        HarnessOptions o;
        o.max_connections = 2;
        return o;
    }
};

// Runs hondana-admin without --yes and with stdin not a terminal.
int admin_without_yes(const ServiceHarness& service, const std::string& args, std::string& output)
{
    std::string command = std::string(HONDANA_ADMIN_BINARY) + " --data " + service.data_dir().string() + " " + args
        + " </dev/null 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    std::array<char, 4096> buffer {};
    while (auto n = std::fread(buffer.data(), 1, buffer.size(), pipe))
        output.append(buffer.data(), n);
    int status = ::pclose(pipe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}

TEST_F(AdminConfirmation, destructive_commands_refuse_without_confirmation_and_name_the_target)
{
    for (auto command : { "user delete hanako", "user suspend hanako", "user lock hanako", "user reset-password hanako",
             "device revoke tab-0001", "tenant policy set lockout_threshold 3" }) {
        std::string output;
        EXPECT_EQ(admin_without_yes(service(), command, output), 3) << command << ": " << output;
        EXPECT_NE(output.find("this will"), std::string::npos) << output;
        EXPECT_NE(output.find("--yes"), std::string::npos) << output;
    }
    std::string output;
    admin_without_yes(service(), "user delete hanako", output);
    EXPECT_NE(output.find("hanako"), std::string::npos) << "the message names the account: " << output;
    auto client = device_client(0);
    EXPECT_EQ(sign_in(*client, service().user("student")).status, 200u) << "nothing was changed";
}

TEST_F(RosterImportCli, dry_run_lists_bad_lines_and_imports_nothing)
{
    auto file = service().work_dir() / "roster.csv";
    std::ofstream(file) << "login_id,display_name,role,school,class,reading_level,password\n"
                           "yuki,雪,student,North School,5-1,3,Kyoto-Reads-2026!\n"
                           "bad id,x,student,North School,5-1,3,Kyoto-Reads-2026!\n"
                           "mei,芽衣,student,Nowhere,5-1,3,Kyoto-Reads-2026!\n";
    std::string output;
    EXPECT_EQ(service().admin({ "user", "import", file.string(), "--dry-run" }, &output), 1);
    EXPECT_NE(output.find("roster.csv:3:"), std::string::npos) << output;
    EXPECT_NE(output.find("roster.csv:4:"), std::string::npos) << output;
    EXPECT_EQ(output.find("roster.csv:2:"), std::string::npos) << output;
    EXPECT_EQ(service().admin({ "user", "import", file.string() }, &output), 1);
    EXPECT_NE(output.find("nothing imported"), std::string::npos) << output;
    auto client = device_client(0);
    EXPECT_EQ(
        sign_in(*client, { "yuki", harness_password, "student", "", std::nullopt }).problem(), "invalid-credentials");
    EXPECT_EQ(service().admin({ "user", "import", file.string(), "--partial" }, &output), 1) << output;
    EXPECT_EQ(sign_in(*client, { "yuki", harness_password, "student", "", std::nullopt }).status, 200u);
}

TEST_F(ServiceLog, lines_are_json_in_utc_with_request_ids_and_no_secrets)
{
    auto session = signed_in(0, "student");
    (void)session.client->get("/v1/me", session.access);
    ASSERT_EQ(service().stop(), 0);
    std::ifstream log(service().log_file());
    int requests = 0;
    for (std::string line; std::getline(log, line);) {
        auto entry = nlohmann::json::parse(line, nullptr, false);
        ASSERT_FALSE(entry.is_discarded()) << line;
        auto time = entry["time"].get<std::string>();
        EXPECT_EQ(time.back(), 'Z') << line;
        EXPECT_TRUE(base::parse_rfc3339(time)) << line;
        if (entry["event"] == "http.request") {
            ++requests;
            EXPECT_EQ(entry["request_id"].get<std::string>().size(), 16u);
        }
        EXPECT_EQ(line.find(harness_password), std::string::npos);
        EXPECT_EQ(line.find(session.access), std::string::npos);
        EXPECT_EQ(line.find(session.refresh), std::string::npos);
        EXPECT_EQ(line.find(service().devices()[0].enrolment_code), std::string::npos);
    }
    EXPECT_GE(requests, 3);
}

TEST_F(SignInPool, sign_ins_at_full_cost_do_not_hold_up_other_requests)
{
    ASSERT_EQ(service().admin({ "tenant", "policy", "set", "pbkdf2_iterations", "600000" }), 0);
    std::vector<std::unique_ptr<TlsClient>> clients;
    for (size_t i = 0; i < 4; ++i)
        clients.push_back(device_client(i));
    auto other = std::make_unique<TlsClient>(service());
    ASSERT_EQ(other->get("/healthz").status, 200u); // connected before the burst
    std::atomic<int> finished { 0 };
    std::vector<std::thread> burst;
    for (auto& client : clients)
        burst.emplace_back([&, c = client.get()] {
            (void)sign_in(*c, service().user("student2"));
            ++finished;
        });
    // Let the burst reach the service (four sign-ins at full cost take seconds on one hashing thread).
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto reply = other->get("/v1/time");
    int done_when_answered = finished;
    EXPECT_EQ(reply.status, 200u);
    for (auto& thread : burst)
        thread.join();
    EXPECT_LT(done_when_answered, 4) << "the time was answered while sign-ins were still hashing";
}

TEST_F(ConnectionCap, connections_beyond_the_cap_are_closed_and_the_cap_frees_up)
{
    namespace net = boost::asio;
    namespace beast = boost::beast;
    net::io_context io;
    net::ssl::context tls(net::ssl::context::tls_client);
    tls.load_verify_file(service().root_certificate().string());
    auto open = [&]() {
        auto stream = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(io, tls);
        beast::get_lowest_layer(*stream).expires_after(std::chrono::seconds(30));
        beast::error_code ec;
        beast::get_lowest_layer(*stream).connect(
            net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), service().port()), ec);
        if (!ec)
            stream->handshake(net::ssl::stream_base::client, ec);
        return std::make_pair(std::move(stream), ec);
    };
    auto first = open();
    auto second = open();
    ASSERT_FALSE(first.second) << first.second.message();
    ASSERT_FALSE(second.second) << second.second.message();
    auto third = open();
    EXPECT_TRUE(third.second) << "a third connection is over the cap of 2";
    first.first.reset();
    second.first.reset();
    // The service notices the closed connections; then a new client gets in.
    HttpReply reply;
    for (int i = 0; i < 100 && reply.status != 200; ++i) {
        TlsClient client(service());
        reply = client.get("/healthz");
        if (reply.status != 200)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(reply.status, 200u);
}
