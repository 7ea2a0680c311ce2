#include "event_stream_client.h"

#include <array>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>

namespace hondana::test {

namespace net = boost::asio;
namespace beast = boost::beast;

struct EventStreamClient::Connection {
    net::io_context io;
    net::ssl::context tls { net::ssl::context::tls_client };
    std::optional<beast::ssl_stream<beast::tcp_stream>> stream;
    std::array<char, 4096> chunk {};
    bool pending { false };
    size_t got { 0 };
    beast::error_code error;

    ~Connection()
    {
        if (!stream)
            return;
        beast::error_code ignored;
        beast::get_lowest_layer(*stream).socket().close(ignored);
        io.restart();
        io.poll(); // lets a pending read finish (aborted) before the stream goes
    }
};

EventStreamClient::EventStreamClient(const ServiceHarness& service, DeviceCredentials device)
    : m_service(service)
    , m_device(std::move(device))
{
}

EventStreamClient::~EventStreamClient() = default;

void EventStreamClient::drop()
{
    m_connection.reset();
    m_ended = true;
}

namespace {

std::string lower(std::string text)
{
    for (auto& c : text)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

// Status line and headers of a response head (without the blank line).
HttpReply parse_head(const std::string& head)
{
    HttpReply reply;
    auto line_end = head.find("\r\n");
    auto status_line = head.substr(0, line_end);
    auto space = status_line.find(' ');
    if (space != std::string::npos)
        reply.status = static_cast<unsigned>(std::stoul(status_line.substr(space + 1, 3)));
    size_t at = line_end == std::string::npos ? head.size() : line_end + 2;
    while (at < head.size()) {
        auto end = head.find("\r\n", at);
        if (end == std::string::npos)
            end = head.size();
        auto line = head.substr(at, end - at);
        if (auto colon = line.find(':'); colon != std::string::npos) {
            auto value = line.substr(colon + 1);
            value.erase(0, value.find_first_not_of(' '));
            reply.headers[lower(line.substr(0, colon))] = value;
        }
        at = end + 2;
    }
    return reply;
}

}

HttpReply EventStreamClient::open(const std::string& bearer, const std::optional<std::string>& last_event_id)
{
    m_connection = std::make_unique<Connection>();
    m_buffer.clear();
    m_ended = false;
    auto& c = *m_connection;
    c.tls.set_verify_mode(net::ssl::verify_peer);
    c.tls.load_verify_file(m_service.root_certificate().string());
    c.tls.use_certificate(net::buffer(m_device.certificate_pem), net::ssl::context::pem);
    auto key_pem = m_device.key->pkcs8_pem();
    if (!key_pem)
        return { 0, {}, "cannot encode the device key" };
    c.tls.use_private_key(net::buffer(key_pem->data(), key_pem->size()), net::ssl::context::pem);
    c.stream.emplace(c.io, c.tls);
    auto& stream = *c.stream;
    beast::error_code ec;
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(30));
    beast::get_lowest_layer(stream).connect(
        net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), m_service.port()), ec);
    if (!ec)
        stream.handshake(net::ssl::stream_base::client, ec);
    std::string request = "GET /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                          "Authorization: Bearer "
        + bearer + "\r\n";
    if (last_event_id)
        request += "Last-Event-ID: " + *last_event_id + "\r\n";
    request += "\r\n";
    if (!ec)
        net::write(stream, net::buffer(request), ec);
    beast::get_lowest_layer(stream).expires_never();
    if (ec)
        return { 0, {}, "connect/handshake/write: " + ec.message() };
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (m_buffer.find("\r\n\r\n") == std::string::npos)
        if (!read_more(deadline))
            return { 0, {}, "no response head" };
    auto head_end = m_buffer.find("\r\n\r\n");
    auto reply = parse_head(m_buffer.substr(0, head_end));
    m_buffer.erase(0, head_end + 4);
    if (reply.status == 200)
        return reply;
    auto length = static_cast<size_t>(
        std::stoul(reply.header("content-length").empty() ? "0" : reply.header("content-length")));
    while (m_buffer.size() < length && read_more(deadline)) { }
    reply.body = m_buffer;
    m_connection.reset();
    m_ended = true;
    return reply;
}

bool EventStreamClient::read_more(std::chrono::steady_clock::time_point deadline)
{
    if (!m_connection || m_ended)
        return false;
    auto& c = *m_connection;
    if (!c.pending) {
        c.pending = true;
        c.got = 0;
        c.stream->async_read_some(net::buffer(c.chunk), [&c](beast::error_code ec, size_t got) {
            c.pending = false;
            c.got = got;
            c.error = ec;
        });
    }
    c.io.restart();
    c.io.run_until(deadline);
    if (c.pending)
        return false; // timed out; the read stays pending for the next wait
    if (c.error && c.got == 0) {
        m_ended = true;
        return false;
    }
    m_buffer.append(c.chunk.data(), c.got);
    return true;
}

std::optional<SseEvent> EventStreamClient::parse_one()
{
    for (;;) {
        auto end = m_buffer.find("\n\n");
        if (end == std::string::npos)
            return std::nullopt;
        auto block = m_buffer.substr(0, end + 1);
        m_buffer.erase(0, end + 2);
        SseEvent event;
        bool any = false;
        for (size_t at = 0; at < block.size();) {
            auto line_end = block.find('\n', at);
            auto line = block.substr(at, line_end - at);
            at = line_end + 1;
            if (line.empty() || line[0] == ':')
                continue;
            auto colon = line.find(':');
            auto field = line.substr(0, colon);
            auto value = colon == std::string::npos ? std::string() : line.substr(colon + 1);
            if (!value.empty() && value[0] == ' ')
                value.erase(0, 1);
            any = true;
            if (field == "id")
                event.id = value;
            else if (field == "event")
                event.type = value;
            else if (field == "data")
                event.data += (event.data.empty() ? "" : "\n") + value;
        }
        if (!any) {
            ++m_comments;
            continue;
        }
        if (!event.id.empty())
            m_last_id = event.id;
        return event;
    }
}

std::optional<SseEvent> EventStreamClient::next(std::chrono::milliseconds timeout)
{
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (auto event = parse_one())
            return event;
        if (!read_more(deadline))
            return std::nullopt;
    }
}

std::optional<SseEvent> EventStreamClient::wait_for(const std::string& type, std::chrono::milliseconds timeout)
{
    auto deadline = std::chrono::steady_clock::now() + timeout;
    m_skipped.clear();
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        auto event = next(std::max(left, std::chrono::milliseconds(0)));
        if (!event)
            return std::nullopt;
        if (event->type == type)
            return event;
        m_skipped.push_back(std::move(*event));
    }
}

}
