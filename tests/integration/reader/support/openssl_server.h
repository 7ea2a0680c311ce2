#pragma once

// `openssl s_server` as a misbehaving peer for TLS policy tests (TLS 1.1
// only, CBC suites only, another CA, another key, canned HTTP responses with
// -HTTP). Started with its own key and certificate files in `dir`; stopped by
// its process ID when the object goes away.

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hondana/drm/keys.h"

extern char** environ;

namespace hondana::test {

inline uint16_t free_loopback_port()
{
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t size = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
    ::close(fd);
    return ntohs(address.sin_port);
}

inline bool port_accepts(uint16_t port)
{
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return ok;
}

class OpenSslServer {
public:
    // `extra` are s_server options (for example {"-tls1_1"} or {"-cipher", "…"}).
    OpenSslServer(const std::filesystem::path& dir, const drm::PrivateKey& key, const drm::Certificate& certificate,
        std::vector<std::string> extra)
    {
        std::filesystem::create_directories(dir);
        write(dir / "server.key", std::string(reinterpret_cast<const char*>(key.pkcs8_pem()->data()), key.pkcs8_pem()->size()));
        write(dir / "server.pem", certificate.pem());
        m_port = free_loopback_port();
        std::vector<std::string> args { "openssl", "s_server", "-quiet", "-accept", "127.0.0.1:" + std::to_string(m_port),
            "-key", (dir / "server.key").string(), "-cert", (dir / "server.pem").string() };
        bool has_mode = false;
        for (const auto& option : extra)
            has_mode = has_mode || option == "-HTTP" || option == "-www";
        if (!has_mode)
            args.push_back("-www");
        args.insert(args.end(), extra.begin(), extra.end());
        std::vector<char*> argv;
        for (auto& arg : args)
            argv.push_back(arg.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addchdir_np(&actions, dir.c_str());
        if (posix_spawnp(&m_pid, "openssl", &actions, nullptr, argv.data(), environ) != 0)
            m_pid = -1;
        posix_spawn_file_actions_destroy(&actions);
        for (int i = 0; i < 100 && m_pid > 0 && !port_accepts(m_port); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ~OpenSslServer()
    {
        if (m_pid > 0) {
            ::kill(m_pid, SIGTERM);
            int status = 0;
            ::waitpid(m_pid, &status, 0);
        }
    }
    OpenSslServer(const OpenSslServer&) = delete;
    OpenSslServer& operator=(const OpenSslServer&) = delete;

    [[nodiscard]] bool running() const { return m_pid > 0 && port_accepts(m_port); }
    [[nodiscard]] uint16_t port() const { return m_port; }
    [[nodiscard]] std::string url(const std::string& path) const
    {
        return "https://127.0.0.1:" + std::to_string(m_port) + path;
    }

    static void write(const std::filesystem::path& path, const std::string& text)
    {
        FILE* file = std::fopen(path.c_str(), "wb");
        std::fwrite(text.data(), 1, text.size(), file);
        std::fclose(file);
    }

private:
    pid_t m_pid { -1 };
    uint16_t m_port { 0 };
};

}
