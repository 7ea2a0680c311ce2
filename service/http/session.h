#pragma once

// One TLS connection: handshake, then requests one at a time (HTTP/1.1
// keep-alive), each read with a header deadline and a body deadline and a
// body limit chosen by the route, handed to the Handler, and answered chunk
// by chunk with a deadline per chunk. The session only moves bytes; what a
// request means is the Handler's business.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "http/message.h"

namespace hondana::http {

class Server;
class SessionRegistry;

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& tls, Server& server);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    void start();
    // The server drains: an idle connection closes now, a busy one after its answer.
    void request_drain();

private:
    enum class State { Handshake, Idle, Reading, Handling, Writing, Streaming, Closing };

    void drain();

    void on_handshake(boost::beast::error_code ec);
    void read_request();
    void on_header(boost::beast::error_code ec);
    void read_body();
    void on_body(boost::beast::error_code ec);
    void dispatch();
    void respond(Response response);
    void reject(unsigned status, std::string_view problem);
    template<typename Message> void write(std::shared_ptr<Message> message, bool close);
    template<typename Message, typename Serializer>
    void write_some(std::shared_ptr<Message> message, std::shared_ptr<Serializer> serializer, bool close);
    void after_write(bool close);
    void shutdown();

    // Event streams (session_stream.cpp).
    void start_stream(EventStreamResponse response);
    void stream_started();
    void pump_stream();
    void write_stream(std::string bytes);
    void watch_peer();
    void arm_heartbeat();
    void end_stream(StreamEnd why);

    boost::beast::ssl_stream<boost::beast::tcp_stream> m_stream;
    boost::beast::flat_buffer m_buffer;
    std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> m_parser;
    Server& m_server;
    std::shared_ptr<SessionRegistry> m_registry;
    State m_state { State::Handshake };
    std::string m_remote;
    std::vector<uint8_t> m_client_certificate;
    bool m_client_certificate_rejected { false };
    size_t m_requests { 0 };
    bool m_request_keep_alive { false };
    RequestContext m_context;
    std::string m_method;
    std::string m_path;
    struct Stream;
    std::unique_ptr<Stream> m_event_stream;
};

}
