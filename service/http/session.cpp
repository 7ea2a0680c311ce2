#include "http/session.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>

#include "hondana/drm/crypto.h"
#include "http/log.h"
#include "http/server.h"
#include "http/session_stream.h"

namespace hondana::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;

namespace {

std::vector<uint8_t> peer_certificate_der(SSL* ssl)
{
    std::vector<uint8_t> der;
    X509* peer = SSL_get1_peer_certificate(ssl);
    if (!peer)
        return der;
    int size = i2d_X509(peer, nullptr);
    if (size > 0) {
        der.resize(static_cast<size_t>(size));
        unsigned char* out = der.data();
        i2d_X509(peer, &out);
    }
    X509_free(peer);
    return der;
}

bool quiet_close(const beast::error_code& ec)
{
    return ec == bhttp::error::end_of_stream || ec == net::error::operation_aborted || ec == beast::error::timeout
        || ec == net::error::eof || ec == net::ssl::error::stream_truncated || ec == net::error::connection_reset;
}

}

Session::Session(net::ip::tcp::socket socket, net::ssl::context& tls, Server& server)
    : m_stream(std::move(socket), tls)
    , m_server(server)
    , m_registry(server.registry())
{
    beast::error_code ec;
    auto endpoint = beast::get_lowest_layer(m_stream).socket().remote_endpoint(ec);
    if (!ec)
        m_remote = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

Session::~Session()
{
    if (m_event_stream)
        m_event_stream->channel->finish(StreamEnd::PeerGone);
    m_registry->remove(this);
}

void Session::start()
{
    m_registry->add(this, weak_from_this());
    net::dispatch(m_stream.get_executor(), [self = shared_from_this()] {
        beast::get_lowest_layer(self->m_stream).expires_after(self->m_server.limits().handshake_timeout);
        self->m_stream.async_handshake(
            net::ssl::stream_base::server, [self](beast::error_code ec) { self->on_handshake(ec); });
    });
}

void Session::request_drain()
{
    net::post(m_stream.get_executor(), [self = shared_from_this()] { self->drain(); });
}

void Session::drain()
{
    if (m_state == State::Streaming)
        return end_stream(StreamEnd::Draining);
    if (m_state == State::Idle || m_state == State::Handshake)
        beast::get_lowest_layer(m_stream).cancel();
}

void Session::on_handshake(beast::error_code ec)
{
    if (ec) {
        log_event(LogLevel::Info, "tls.handshake_failed", { { "remote", m_remote }, { "reason", ec.message() } });
        return;
    }
    SSL* ssl = m_stream.native_handle();
    m_client_certificate = peer_certificate_der(ssl);
    if (!m_client_certificate.empty() && SSL_get_verify_result(ssl) != X509_V_OK) {
        m_client_certificate_rejected = true;
        m_client_certificate.clear();
    }
    read_request();
}

void Session::read_request()
{
    const auto& limits = m_server.limits();
    if (m_server.draining() || m_requests >= limits.max_requests_per_connection)
        return shutdown();
    m_state = State::Idle;
    m_parser.emplace();
    m_parser->header_limit(static_cast<uint32_t>(limits.max_header_bytes));
    m_parser->body_limit(limits.default_body_limit);
    beast::get_lowest_layer(m_stream).expires_after(m_requests == 0 ? limits.header_timeout : limits.idle_timeout);
    bhttp::async_read_header(m_stream, m_buffer, *m_parser,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->on_header(ec); });
}

void Session::on_header(beast::error_code ec)
{
    if (ec == bhttp::error::header_limit)
        return reject(431, "headers-too-large");
    if (ec) {
        if (!quiet_close(ec))
            return reject(400, "malformed-request");
        // Peer closed, idle timeout, or an idle connection closed by the drain: drop it.
        return;
    }
    m_state = State::Reading;
    const auto& header = m_parser->get();
    m_method = std::string(header.method_string());
    auto target = header.target();
    m_path = std::string(target.substr(0, target.find('?')));
    m_parser->body_limit(m_server.handler().body_limit(header.base()));
    auto expect = header[bhttp::field::expect];
    bool wants_continue = beast::iequals(expect, "100-continue");
    auto length = m_parser->content_length();
    if (length && *length > m_server.handler().body_limit(header.base()))
        return reject(413, "body-too-large");
    if (!wants_continue)
        return read_body();
    auto interim = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, header.version());
    beast::get_lowest_layer(m_stream).expires_after(m_server.limits().write_timeout);
    bhttp::async_write(m_stream, *interim, [self = shared_from_this(), interim](beast::error_code write_ec, size_t) {
        if (!write_ec)
            self->read_body();
    });
}

void Session::read_body()
{
    beast::get_lowest_layer(m_stream).expires_after(m_server.limits().body_timeout);
    bhttp::async_read(m_stream, m_buffer, *m_parser,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->on_body(ec); });
}

void Session::on_body(beast::error_code ec)
{
    if (ec == bhttp::error::body_limit)
        return reject(413, "body-too-large");
    if (ec) {
        if (!quiet_close(ec))
            return reject(400, "malformed-request");
        return;
    }
    dispatch();
}

void Session::dispatch()
{
    ++m_requests;
    m_state = State::Handling;
    m_context = RequestContext {};
    m_context.request_id = drm::random_hex(8).value_or("0000000000000000");
    m_context.remote_address = m_remote;
    m_context.client_certificate = m_client_certificate;
    m_context.client_certificate_rejected = m_client_certificate_rejected;
    m_context.draining = m_server.draining();
    m_context.started = std::chrono::steady_clock::now();
    auto request = m_parser->release();
    m_request_keep_alive = request.keep_alive();
    // The handler may answer later from another thread (logins hash on a pool).
    beast::get_lowest_layer(m_stream).expires_never();
    Responder responder = [self = shared_from_this()](Response response) {
        auto shared = std::make_shared<Response>(std::move(response));
        net::post(self->m_stream.get_executor(), [self, shared] { self->respond(std::move(*shared)); });
    };
    m_server.handler().handle(std::move(request), m_context, std::move(responder));
}

void Session::reject(unsigned status, std::string_view problem)
{
    m_context.request_id = drm::random_hex(8).value_or("0000000000000000");
    m_context.remote_address = m_remote;
    m_context.started = std::chrono::steady_clock::now();
    m_request_keep_alive = false;
    respond(m_server.handler().protocol_error(status, problem, m_context));
}

void Session::respond(Response response)
{
    bool close
        = !m_request_keep_alive || m_server.draining() || m_requests >= m_server.limits().max_requests_per_connection;
    auto elapsed = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - m_context.started);
    nlohmann::json fields = { { "request_id", m_context.request_id }, { "remote", m_remote }, { "method", m_method },
        { "path", m_path }, { "status", response.status() }, { "duration_ms", std::round(elapsed.count() * 10) / 10 } };
    fields.update(response.log);
    log_event(LogLevel::Info, "http.request", std::move(fields));
    if (auto* stream = std::get_if<EventStreamResponse>(&response.message))
        return start_stream(std::move(*stream));
    m_state = State::Writing;
    std::visit(
        [&](auto& message) {
            using Message = std::decay_t<decltype(message)>;
            if constexpr (!std::is_same_v<Message, EventStreamResponse>) {
                message.keep_alive(!close);
                message.prepare_payload();
                write(std::make_shared<Message>(std::move(message)), close);
            }
        },
        response.message);
}

template<typename Message> void Session::write(std::shared_ptr<Message> message, bool close)
{
    using Serializer = bhttp::serializer<false, typename Message::body_type, typename Message::fields_type>;
    auto serializer = std::make_shared<Serializer>(*message);
    write_some(std::move(message), std::move(serializer), close);
}

template<typename Message, typename Serializer>
void Session::write_some(std::shared_ptr<Message> message, std::shared_ptr<Serializer> serializer, bool close)
{
    beast::get_lowest_layer(m_stream).expires_after(m_server.limits().write_timeout);
    bhttp::async_write_some(
        m_stream, *serializer, [self = shared_from_this(), message, serializer, close](beast::error_code ec, size_t) {
            if (ec)
                return; // the peer went away or stalled past the per-chunk deadline
            if (!serializer->is_done())
                return self->write_some(message, serializer, close);
            self->after_write(close);
        });
}

void Session::after_write(bool close)
{
    if (close)
        return shutdown();
    read_request();
}

void Session::shutdown()
{
    m_state = State::Closing;
    beast::get_lowest_layer(m_stream).expires_after(std::chrono::seconds(5));
    m_stream.async_shutdown([self = shared_from_this()](beast::error_code) {
        beast::error_code ignored;
        beast::get_lowest_layer(self->m_stream).socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    });
}

unsigned Response::status() const
{
    return std::visit([](const auto& alternative) { return alternative.result_int(); }, message);
}

}
