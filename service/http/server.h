#pragma once

// The HTTPS server: an Asio io_context run by a few threads, an acceptor
// with a connection cap, and one Session per connection. SIGTERM and SIGINT
// start a graceful drain: stop accepting, let requests in flight finish
// (their connections then close), close idle keep-alive connections, and
// stop when none is left or the drain timeout passes.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "http/error.h"
#include "http/limits.h"
#include "http/message.h"

namespace hondana::http {

class Session;

// Who is connected: shared by the server and its sessions, so a session
// that outlives a stopped server (its handler destroyed with the
// io_context) finds a registry to leave, not freed memory.
class SessionRegistry {
public:
    void add(Session* session, std::weak_ptr<Session> weak);
    void remove(Session* session);
    [[nodiscard]] std::vector<std::shared_ptr<Session>> live();
    [[nodiscard]] size_t count() const { return m_count; }
    // Called (once, outside the lock) when the last session leaves during a drain.
    void set_on_empty(std::function<void()> on_empty);
    void detach();

private:
    mutable std::mutex m_mutex;
    std::unordered_map<Session*, std::weak_ptr<Session>> m_sessions;
    std::atomic<size_t> m_count { 0 };
    std::function<void()> m_on_empty;
};

struct ServerOptions {
    std::string address { "127.0.0.1" };
    uint16_t port { 8443 }; // 0 picks a free port (see local_port())
    // A listening TCP socket to serve instead of binding address:port (socket
    // activation: systemd binds port 443 and passes it; the server owns it then).
    int inherited_fd { -1 };
    size_t threads { 2 };
    Limits limits;
};

class Server {
public:
    [[nodiscard]] static Result<std::unique_ptr<Server>> create(
        const ServerOptions& options, std::shared_ptr<boost::asio::ssl::context> tls, std::shared_ptr<Handler> handler);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    [[nodiscard]] uint16_t local_port() const { return m_port; }
    [[nodiscard]] const std::string& local_address() const { return m_address; }
    [[nodiscard]] boost::asio::io_context& io() { return m_io; }

    // Serves until drained; returns when the last thread stops.
    void run();
    // Starts a graceful drain (thread-safe; also what SIGTERM does).
    void start_drain();
    [[nodiscard]] bool draining() const { return m_draining; }
    [[nodiscard]] size_t connections() const { return m_registry->count(); }

    // For sessions.
    [[nodiscard]] Handler& handler() { return *m_handler; }
    [[nodiscard]] const Limits& limits() const { return m_limits; }
    [[nodiscard]] const std::shared_ptr<SessionRegistry>& registry() const { return m_registry; }

private:
    Server(
        const ServerOptions& options, std::shared_ptr<boost::asio::ssl::context> tls, std::shared_ptr<Handler> handler);
    void accept();
    void wait_for_signal();
    [[nodiscard]] Result<void> bind(const ServerOptions& options);
    [[nodiscard]] Result<void> adopt(int fd);

    boost::asio::io_context m_io;
    std::shared_ptr<boost::asio::ssl::context> m_tls;
    std::shared_ptr<Handler> m_handler;
    Limits m_limits;
    size_t m_threads;
    boost::asio::ip::tcp::acceptor m_acceptor;
    boost::asio::signal_set m_signals;
    boost::asio::steady_timer m_drain_timer;
    std::string m_address;
    uint16_t m_port { 0 };
    std::atomic<bool> m_draining { false };
    std::shared_ptr<SessionRegistry> m_registry { std::make_shared<SessionRegistry>() };
};

}
