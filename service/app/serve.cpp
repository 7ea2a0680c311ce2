#include "app/serve.h"

#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <iostream>

#include <boost/asio/steady_timer.hpp>

#include "api/api.h"
#include "api/routes_metrics.h"
#include "http/log.h"
#include "http/server.h"
#include "http/tls_context.h"
#include "lending/audit.h"
#include "lending/files.h"
#include "lending/worker_pool.h"

namespace hondana::app {

namespace {

constexpr auto sweep_period = std::chrono::seconds(60);

// Settles expired loans and holds, and logs the audit head (an anchor kept
// outside the database: see lending/audit.h).
void sweep(lending::LendingService& service)
{
    if (auto settled = service.circulation().settle_all(); !settled)
        http::log_event(http::LogLevel::Failure, "sweep.failed", { { "reason", settled.error().message } });
    auto head = service.store().read([](storage::Database& db) -> lending::Result<lending::AuditHead> {
        auto row = TRY_DB(db.prepare("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"));
        if (!TRY_DB(row.step()))
            return lending::AuditHead {};
        return lending::AuditHead { row.integer(0), row.text(1) };
    });
    if (head && head->seq > 0)
        http::log_event(http::LogLevel::Info, "audit.head", { { "head", lending::format_audit_head(*head) } });
}

void schedule_sweep(boost::asio::steady_timer& timer, lending::LendingService& service)
{
    timer.expires_after(sweep_period);
    timer.async_wait([&timer, &service](const boost::system::error_code& ec) {
        if (ec)
            return;
        sweep(service);
        schedule_sweep(timer, service);
    });
}

// Scheduled class sessions start within a second of their time.
void schedule_session_starts(boost::asio::steady_timer& timer, lending::LendingService& service)
{
    timer.expires_after(std::chrono::seconds(1));
    timer.async_wait([&timer, &service](const boost::system::error_code& ec) {
        if (ec)
            return;
        if (auto started = service.sessions().start_due(); !started)
            http::log_event(
                http::LogLevel::Failure, "sessions.start_failed", { { "reason", started.error().message } });
        schedule_session_starts(timer, service);
    });
}

bool write_ready_file(
    const std::filesystem::path& path, const http::Server& server, const lending::LendingService& service)
{
    nlohmann::json ready = { { "address", server.local_address() }, { "port", server.local_port() },
        { "pins", service.pki().tls_pins() }, { "root_certificate", service.pki().paths().root_certificate().string() },
        { "pid", static_cast<int64_t>(::getpid()) } };
    auto written = lending::write_file(path, drm::as_bytes(ready.dump(2) + "\n"), 0644, lending::Overwrite::Yes);
    if (!written)
        http::log_event(http::LogLevel::Failure, "server.ready_file_failed", { { "reason", written.error().message } });
    return written.has_value();
}

}

bool parse_listen(const std::string& text, std::string& address, uint16_t& port)
{
    auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0)
        return false;
    address = text.substr(0, colon);
    if (address.size() > 2 && address.front() == '[' && address.back() == ']')
        address = address.substr(1, address.size() - 2);
    auto digits = std::string_view(text).substr(colon + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    return ec == std::errc() && end == digits.data() + digits.size();
}

namespace {

// The listening socket systemd passed (sd_listen_fds(3): LISTEN_PID is this
// process, LISTEN_FDS = 1, the socket is fd 3), or -1 to bind --listen. The
// variables are unset so no child inherits them. False for several sockets.
bool inherited_socket(int& fd)
{
    fd = -1;
    const char* pid = std::getenv("LISTEN_PID");
    const char* fds = std::getenv("LISTEN_FDS");
    if (!pid || !fds || std::string(pid) != std::to_string(::getpid()))
        return true;
    std::string count = fds;
    ::unsetenv("LISTEN_PID");
    ::unsetenv("LISTEN_FDS");
    ::unsetenv("LISTEN_FDNAMES");
    if (count != "1") {
        std::cerr << "hondana-lending: systemd passed " << count << " sockets; the unit must pass exactly one\n";
        return false;
    }
    fd = 3; // SD_LISTEN_FDS_START
    http::log_event(http::LogLevel::Info, "server.socket_activated", { { "fd", fd } });
    return true;
}

}

int serve(lending::LendingService& service, const ServeOptions& options)
{
    const auto& paths = service.pki().paths();
    auto client_ca = service.data_dir().root / "pki" / "client-ca.pem";
    if (auto bundle
        = lending::write_file(client_ca, drm::as_bytes(service.pki().ca_bundle_pem()), 0644, lending::Overwrite::Yes);
        !bundle) {
        std::cerr << "hondana-lending: " << bundle.error().message << "\n";
        return 1;
    }
    auto tls = http::make_server_tls_context({ paths.tls_certificate(), paths.tls_key(), client_ca });
    if (!tls) {
        std::cerr << "hondana-lending: " << tls.error().message << "\n";
        return 1;
    }
    // Destroyed (its jobs finished) before the server, whose io_context its jobs answer through.
    auto password_pool = std::make_unique<lending::WorkerPool>(options.hash_threads, options.hash_queue);
    // Every answer is counted; GET /metrics answers loopback clients (api/routes_metrics.h).
    auto handler = std::make_shared<api::MetricsHandler>(api::make_router(service, *password_pool), service);
    http::ServerOptions server_options { options.address, options.port, -1, options.threads, options.limits };
    if (!inherited_socket(server_options.inherited_fd))
        return 1;
    auto server = http::Server::create(server_options, *tls, handler);
    if (!server) {
        std::cerr << "hondana-lending: " << server.error().message << "\n";
        return 1;
    }
    boost::asio::steady_timer sweeper((*server)->io());
    sweep(service);
    schedule_sweep(sweeper, service);
    boost::asio::steady_timer session_starter((*server)->io());
    schedule_session_starts(session_starter, service);
    if (options.on_listening)
        options.on_listening((*server)->local_address(), (*server)->local_port());
    if (options.ready_file && !write_ready_file(*options.ready_file, **server, service))
        return 1;
    (*server)->run();
    sweeper.cancel();
    session_starter.cancel();
    password_pool.reset();
    return 0;
}

}
