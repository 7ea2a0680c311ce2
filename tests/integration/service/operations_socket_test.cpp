// Socket activation (docs/operations.md, "Port 443"): hondana-lending serves
// a listening socket passed as systemd passes it (LISTEN_PID, LISTEN_FDS,
// fd 3) instead of binding --listen, so the unit needs no capability for 443.

#include "integration_fixture.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

namespace fs = std::filesystem;
using namespace hondana;
using namespace hondana::test;

namespace {

class OperationsSocket : public ServiceTest { };

// A listening TCP socket on 127.0.0.1 and a free port.
int listening_socket(uint16_t& port)
{
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, 16) != 0
        || ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
        return -1;
    port = ntohs(address.sin_port);
    return fd;
}

// Starts hondana-lending with `fd` as fd 3 and the variables systemd sets.
// --listen names an address this host does not have: binding it would fail.
pid_t start_activated(int fd, const std::string& fds, const fs::path& data, const fs::path& ready, const fs::path& log)
{
    pid_t child = ::fork();
    if (child == 0) {
        int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        ::dup2(out, 1);
        ::dup2(out, 2);
        if (fd != 3) {
            ::dup2(fd, 3);
            ::close(fd);
        }
        ::setenv("LISTEN_FDS", fds.c_str(), 1);
        ::setenv("LISTEN_PID", std::to_string(::getpid()).c_str(), 1);
        ::execl(HONDANA_LENDING_BINARY, HONDANA_LENDING_BINARY, "--data", data.c_str(), "--listen", "192.0.2.1:443",
            "--ready-file", ready.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    return child;
}

// The exit status of `child` once it exits on its own, or -1 after ~30 s (then killed).
int wait_child(pid_t child)
{
    for (int i = 0; i < 300; ++i) {
        int status = 0;
        if (::waitpid(child, &status, WNOHANG) == child)
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    return -1;
}

std::string run_curl(const std::string& url, const fs::path& root)
{
    std::string command = "curl -sS --max-time 10 --cacert " + root.string() + " " + url + " 2>&1";
    std::string output;
    FILE* pipe = ::popen(command.c_str(), "r");
    std::array<char, 4096> buffer {};
    while (auto n = std::fread(buffer.data(), 1, buffer.size(), pipe))
        output.append(buffer.data(), n);
    ::pclose(pipe);
    return output;
}

}

TEST_F(OperationsSocket, serves_the_socket_systemd_passes_instead_of_binding)
{
    ASSERT_EQ(service().stop(), 0);
    uint16_t port = 0;
    int fd = listening_socket(port);
    ASSERT_GE(fd, 0);
    auto ready = service().work_dir() / "activated.json";
    auto log = service().work_dir() / "activated.log";
    pid_t child = start_activated(fd, "1", service().data_dir(), ready, log);
    ::close(fd);
    for (int i = 0; i < 300 && !fs::exists(ready); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ASSERT_TRUE(fs::exists(ready)) << std::ifstream(log).rdbuf();
    std::ifstream in(ready);
    auto state = nlohmann::json::parse(in, nullptr, false);
    EXPECT_EQ(state.value("port", 0), port) << "it serves the passed socket";
    auto health = run_curl("https://127.0.0.1:" + std::to_string(port) + "/healthz", service().root_certificate());
    EXPECT_NE(health.find("\"ok\""), std::string::npos) << health;
    ::kill(child, SIGTERM);
    EXPECT_EQ(wait_child(child), 0);
    std::ifstream lines(log);
    std::string text { std::istreambuf_iterator<char>(lines), {} };
    EXPECT_NE(text.find("server.socket_activated"), std::string::npos) << text;
}

TEST_F(OperationsSocket, refuses_more_than_one_passed_socket)
{
    ASSERT_EQ(service().stop(), 0);
    uint16_t port = 0;
    int fd = listening_socket(port);
    ASSERT_GE(fd, 0);
    auto log = service().work_dir() / "activated.log";
    pid_t child = start_activated(fd, "2", service().data_dir(), service().work_dir() / "never.json", log);
    ::close(fd);
    EXPECT_EQ(wait_child(child), 1);
    std::ifstream lines(log);
    std::string text { std::istreambuf_iterator<char>(lines), {} };
    EXPECT_NE(text.find("exactly one"), std::string::npos) << text;
}
