// Session: serving an event stream (text/event-stream). The header goes out
// without a length, so the body runs until the connection closes; then the
// session writes whatever the route queued, a comment line as heartbeat when
// the line was quiet, and reads (and drops) from the peer only to notice it
// leave. One read and one write may be outstanding together on the TLS
// stream; the deadline set before each write applies to that write alone.

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>

#include "http/log.h"
#include "http/server.h"
#include "http/session.h"
#include "http/session_stream.h"

namespace hondana::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;

namespace {

std::string_view stream_end_reason(StreamEnd why)
{
    switch (why) {
    case StreamEnd::Overflow:
        return "slow consumer";
    case StreamEnd::Revoked:
        return "signed out, suspended or revoked";
    case StreamEnd::Deadline:
        return "deadline";
    case StreamEnd::Draining:
        return "drain";
    case StreamEnd::Closed:
    case StreamEnd::PeerGone:
        break;
    }
    return "closed";
}

}

void Session::start_stream(EventStreamResponse response)
{
    m_state = State::Streaming;
    m_event_stream = std::make_unique<Stream>(response.channel, m_stream.get_executor());
    // A stream is idle most of its life: give back what reading requests
    // needed, and let OpenSSL free its record buffers between writes (about
    // 34 KiB per connection otherwise, which 10,000 streams would multiply).
    m_parser.reset();
    m_buffer.clear();
    m_buffer.shrink_to_fit();
    SSL_set_mode(m_stream.native_handle(), SSL_MODE_RELEASE_BUFFERS);
    using Header = bhttp::response<bhttp::empty_body>;
    auto header = std::make_shared<Header>(std::move(response.header));
    header->keep_alive(false);
    auto serializer = std::make_shared<bhttp::response_serializer<bhttp::empty_body>>(*header);
    beast::get_lowest_layer(m_stream).expires_after(m_server.limits().write_timeout);
    bhttp::async_write_header(
        m_stream, *serializer, [self = shared_from_this(), header, serializer](beast::error_code ec, size_t) {
            if (ec)
                return self->end_stream(StreamEnd::PeerGone);
            self->stream_started();
        });
}

void Session::stream_started()
{
    if (m_event_stream->ending)
        return;
    beast::get_lowest_layer(m_stream).expires_never();
    std::weak_ptr<Session> weak = shared_from_this();
    m_event_stream->channel->attach([weak] {
        if (auto self = weak.lock())
            net::post(self->m_stream.get_executor(), [self] { self->pump_stream(); });
    });
    watch_peer();
    arm_heartbeat();
}

void Session::pump_stream()
{
    auto& stream = *m_event_stream;
    if (stream.ending || stream.writing)
        return;
    auto bytes = stream.channel->take();
    if (!bytes.empty())
        return write_stream(std::move(bytes));
    if (stream.channel->closed())
        end_stream(stream.channel->overflowed() ? StreamEnd::Overflow : StreamEnd::Closed);
}

void Session::write_stream(std::string bytes)
{
    auto& stream = *m_event_stream;
    stream.writing = true;
    stream.out = std::move(bytes);
    stream.last_write = std::chrono::steady_clock::now();
    // The read in flight keeps its own (never) deadline; this one is the write's.
    beast::get_lowest_layer(m_stream).expires_after(m_server.limits().write_timeout);
    net::async_write(m_stream, net::buffer(stream.out), [self = shared_from_this()](beast::error_code ec, size_t) {
        auto& current = *self->m_event_stream;
        current.writing = false;
        std::string().swap(current.out);
        if (ec)
            return self->end_stream(StreamEnd::PeerGone);
        if (current.ending)
            return self->end_stream(StreamEnd::Closed);
        self->pump_stream();
    });
}

void Session::watch_peer()
{
    auto& stream = *m_event_stream;
    stream.reading = true;
    m_stream.async_read_some(net::buffer(stream.discard), [self = shared_from_this()](beast::error_code ec, size_t) {
        auto& current = *self->m_event_stream;
        current.reading = false;
        if (ec || current.ending)
            return self->end_stream(StreamEnd::PeerGone);
        self->watch_peer();
    });
}

void Session::arm_heartbeat()
{
    auto& stream = *m_event_stream;
    const auto& options = stream.channel->options();
    stream.heartbeat.expires_after(options.heartbeat);
    stream.heartbeat.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
        auto& current = *self->m_event_stream;
        if (ec || current.ending)
            return;
        auto now = std::chrono::steady_clock::now();
        if (now >= current.channel->options().close_at)
            return self->end_stream(StreamEnd::Deadline);
        if (const auto& still_authorised = current.channel->options().still_authorised;
            still_authorised && !still_authorised())
            return self->end_stream(StreamEnd::Revoked);
        if (!current.writing && now - current.last_write >= current.channel->options().heartbeat / 2)
            self->write_stream(":\n\n");
        self->arm_heartbeat();
    });
}

// Ends the stream: a graceful TLS close when we end it, a plain close when the
// peer left. Runs again from the handlers it cancels; only the last step acts.
void Session::end_stream(StreamEnd why)
{
    auto& stream = *m_event_stream;
    if (!stream.ending) {
        stream.ending = true;
        stream.graceful = why != StreamEnd::PeerGone;
        stream.channel->finish(why);
        stream.heartbeat.cancel();
        if (why != StreamEnd::Closed && why != StreamEnd::PeerGone)
            log_event(
                LogLevel::Info, "http.stream_ended", { { "remote", m_remote }, { "reason", stream_end_reason(why) } });
    }
    if (stream.writing || stream.reading) {
        beast::get_lowest_layer(m_stream).cancel(); // the handlers come back here
        return;
    }
    if (m_state == State::Closing)
        return;
    if (stream.graceful)
        return shutdown();
    m_state = State::Closing;
    beast::error_code ignored;
    beast::get_lowest_layer(m_stream).socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
}

}
