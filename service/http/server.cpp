#include "http/server.h"

#include <sys/socket.h>

#include <csignal>
#include <thread>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "http/log.h"
#include "http/session.h"

namespace hondana::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

Server::Server(const ServerOptions& options, std::shared_ptr<net::ssl::context> tls, std::shared_ptr<Handler> handler)
    : m_io(static_cast<int>(std::max<size_t>(1, options.threads)))
    , m_tls(std::move(tls))
    , m_handler(std::move(handler))
    , m_limits(options.limits)
    , m_threads(std::max<size_t>(1, options.threads))
    , m_acceptor(net::make_strand(m_io))
    , m_signals(m_io, SIGTERM, SIGINT)
    , m_drain_timer(m_io)
{
}

Server::~Server()
{
    m_registry->detach();
}

Result<void> Server::bind(const ServerOptions& options)
{
    boost::system::error_code ec;
    auto address = net::ip::make_address(options.address, ec);
    if (ec)
        return fail(ErrorKind::Listen, "not an IP address: " + options.address);
    tcp::endpoint endpoint(address, options.port);
    m_acceptor.open(endpoint.protocol(), ec);
    if (!ec)
        m_acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec)
        m_acceptor.bind(endpoint, ec);
    if (!ec)
        m_acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec)
        return fail(ErrorKind::Listen,
            "cannot listen on " + options.address + ":" + std::to_string(options.port) + ": " + ec.message());
    return {};
}

Result<void> Server::adopt(int fd)
{
    sockaddr_storage local {};
    socklen_t length = sizeof local;
    int type = 0, listening = 0;
    socklen_t size = sizeof type;
    bool stream = ::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &size) == 0 && type == SOCK_STREAM;
    size = sizeof listening;
    bool accepting = ::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &size) == 0 && listening;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) != 0 || !stream || !accepting
        || (local.ss_family != AF_INET && local.ss_family != AF_INET6))
        return fail(ErrorKind::Listen,
            "file descriptor " + std::to_string(fd) + " is not a listening TCP socket (socket activation)");
    boost::system::error_code ec;
    m_acceptor.assign(local.ss_family == AF_INET6 ? tcp::v6() : tcp::v4(), fd, ec);
    if (ec)
        return fail(ErrorKind::Listen, "cannot take over the inherited socket: " + ec.message());
    return {};
}

Result<std::unique_ptr<Server>> Server::create(
    const ServerOptions& options, std::shared_ptr<net::ssl::context> tls, std::shared_ptr<Handler> handler)
{
    std::unique_ptr<Server> server(
        new Server(options, std::move(tls), std::move(handler))); // raw-new: private constructor
    TRY(options.inherited_fd >= 0 ? server->adopt(options.inherited_fd) : server->bind(options));
    boost::system::error_code ec;
    auto local = server->m_acceptor.local_endpoint(ec);
    server->m_address = local.address().to_string();
    server->m_port = local.port();
    server->wait_for_signal();
    return server;
}

void Server::wait_for_signal()
{
    // Re-armed after each signal: a second SIGTERM during the drain is logged, not fatal.
    m_signals.async_wait([this](const boost::system::error_code& ec, int signal) {
        if (ec)
            return;
        log_event(LogLevel::Info, "server.signal", { { "signal", signal }, { "draining", m_draining.load() } });
        start_drain();
        wait_for_signal();
    });
}

void Server::run()
{
    accept();
    log_event(
        LogLevel::Info, "server.listening", { { "address", m_address }, { "port", m_port }, { "threads", m_threads } });
    std::vector<std::thread> threads;
    for (size_t i = 1; i < m_threads; ++i)
        threads.emplace_back([this] { m_io.run(); });
    m_io.run();
    for (auto& thread : threads)
        thread.join();
    log_event(LogLevel::Info, "server.stopped", { { "connections_left", m_registry->count() } });
}

void Server::accept()
{
    m_acceptor.async_accept(net::make_strand(m_io), [this](boost::system::error_code ec, tcp::socket socket) {
        if (ec) {
            if (ec == net::error::operation_aborted || m_draining)
                return;
            log_event(LogLevel::Warning, "server.accept_failed", { { "reason", ec.message() } });
        } else if (m_registry->count() >= m_limits.max_connections) {
            log_event(LogLevel::Warning, "server.connection_refused",
                { { "reason", "connection cap reached" }, { "max_connections", m_limits.max_connections } });
            boost::system::error_code ignored;
            socket.close(ignored);
        } else {
            std::make_shared<Session>(std::move(socket), *m_tls, *this)->start();
        }
        if (!m_draining)
            accept();
    });
}

void Server::start_drain()
{
    if (m_draining.exchange(true))
        return;
    log_event(LogLevel::Info, "server.draining", { { "connections", m_registry->count() } });
    net::post(m_acceptor.get_executor(), [this] {
        boost::system::error_code ignored;
        m_acceptor.close(ignored);
    });
    for (auto& session : m_registry->live())
        session->request_drain();
    m_drain_timer.expires_after(m_limits.drain_timeout);
    m_drain_timer.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) {
            log_event(LogLevel::Warning, "server.drain_timeout", { { "connections", m_registry->count() } });
            m_io.stop();
        }
    });
    m_registry->set_on_empty([this] { net::post(m_io, [this] { m_io.stop(); }); });
}

void SessionRegistry::add(Session* session, std::weak_ptr<Session> weak)
{
    std::lock_guard lock(m_mutex);
    m_sessions.emplace(session, std::move(weak));
    ++m_count;
}

void SessionRegistry::remove(Session* session)
{
    std::function<void()> on_empty;
    {
        std::lock_guard lock(m_mutex);
        if (m_sessions.erase(session) == 0)
            return;
        if (--m_count == 0)
            on_empty = m_on_empty;
    }
    if (on_empty)
        on_empty();
}

std::vector<std::shared_ptr<Session>> SessionRegistry::live()
{
    std::vector<std::shared_ptr<Session>> sessions;
    std::lock_guard lock(m_mutex);
    for (auto& [raw, weak] : m_sessions)
        if (auto session = weak.lock())
            sessions.push_back(std::move(session));
    return sessions;
}

void SessionRegistry::set_on_empty(std::function<void()> on_empty)
{
    bool empty_now = false;
    {
        std::lock_guard lock(m_mutex);
        m_on_empty = std::move(on_empty);
        empty_now = m_count == 0;
    }
    if (empty_now && m_on_empty)
        m_on_empty();
}

void SessionRegistry::detach()
{
    std::lock_guard lock(m_mutex);
    m_on_empty = nullptr;
}

}
