// The server-sent events parser and the reconnection backoff of
// event_stream.h (WHATWG HTML, "Server-sent events", "Interpreting an event
// stream").

#include <algorithm>

#include "hondana/drm/crypto.h"
#include "hondana/sync/event_stream.h"

namespace hondana::sync {

namespace {

constexpr std::string_view bom = "\xEF\xBB\xBF";
constexpr size_t max_retry_digits = 9;

}

SseParser::SseParser(SseLimits limits)
    : m_limits(limits)
{
}

void SseParser::reset()
{
    m_line.clear();
    m_after_cr = false;
    m_started = false;
    m_failed = false;
    m_data.clear();
    m_has_data = false;
    m_type.clear();
}

Result<void> SseParser::feed(std::string_view bytes, std::vector<SseEvent>& out)
{
    if (m_failed)
        return fail(ErrorKind::MalformedResponse, "the event stream failed earlier; reconnect");
    for (char c : bytes) {
        if (m_after_cr) {
            m_after_cr = false;
            if (c == '\n')
                continue; // the LF of a CRLF
        }
        if (c == '\r' || c == '\n') {
            m_after_cr = c == '\r';
            auto parsed = line(m_line, out);
            m_line.clear();
            if (!parsed) {
                m_failed = true;
                return parsed;
            }
            continue;
        }
        if (m_line.size() >= m_limits.max_line) {
            m_failed = true;
            return fail(ErrorKind::ResponseTooLarge,
                "an event stream line is longer than " + std::to_string(m_limits.max_line) + " bytes");
        }
        m_line.push_back(c);
    }
    return {};
}

Result<void> SseParser::line(std::string_view text, std::vector<SseEvent>& out)
{
    if (!m_started) {
        m_started = true;
        if (text.starts_with(bom))
            text.remove_prefix(bom.size());
    }
    ++m_lines;
    if (text.empty()) {
        // Dispatch. An event without data is dropped (its id still counts).
        if (m_has_data) {
            if (!m_data.empty() && m_data.back() == '\n')
                m_data.pop_back();
            out.push_back({ m_last_event_id, m_type.empty() ? "message" : m_type, std::move(m_data) });
        }
        m_data.clear();
        m_has_data = false;
        m_type.clear();
        return {};
    }
    if (text.front() == ':')
        return {}; // a comment: the service's heartbeat
    auto colon = text.find(':');
    std::string_view name = text.substr(0, colon);
    std::string_view value = colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
    if (value.starts_with(' '))
        value.remove_prefix(1);
    if (name == "data" && m_data.size() + value.size() + 1 > m_limits.max_event)
        return fail(ErrorKind::ResponseTooLarge,
            "an event's data is longer than " + std::to_string(m_limits.max_event) + " bytes");
    field(name, value);
    return {};
}

void SseParser::field(std::string_view name, std::string_view value)
{
    if (name == "event") {
        m_type = std::string(value);
    } else if (name == "data") {
        m_data.append(value).push_back('\n');
        m_has_data = true;
    } else if (name == "id") {
        if (value.find('\0') == std::string_view::npos)
            m_last_event_id = std::string(value);
    } else if (name == "retry") {
        bool digits = !value.empty() && value.size() <= max_retry_digits
            && std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (digits)
            m_retry = std::chrono::milliseconds(std::stoll(std::string(value)));
    }
    // Any other field is ignored, as the standard says.
}

ReconnectBackoff::ReconnectBackoff(std::chrono::milliseconds base, std::chrono::milliseconds max, Random random)
    : m_base(std::max(base, std::chrono::milliseconds(1)))
    , m_max(std::max(max, m_base))
    , m_random(std::move(random))
{
    if (!m_random) {
        m_random = [] {
            uint64_t value = 0;
            (void)drm::random_bytes({ reinterpret_cast<uint8_t*>(&value), sizeof value });
            return value;
        };
    }
}

std::chrono::milliseconds ReconnectBackoff::ceiling() const
{
    auto ceiling = m_base;
    for (int i = 0; i < m_attempt && ceiling < m_max; ++i)
        ceiling *= 2;
    return std::min(ceiling, m_max);
}

std::chrono::milliseconds ReconnectBackoff::next()
{
    auto top = static_cast<uint64_t>(ceiling().count());
    ++m_attempt;
    return std::chrono::milliseconds(static_cast<int64_t>(m_random() % (top + 1)));
}

void ReconnectBackoff::set_base(std::chrono::milliseconds base)
{
    m_base = std::clamp(base, std::chrono::milliseconds(1), m_max);
}

std::string_view stream_status_name(StreamStatus status)
{
    switch (status) {
    case StreamStatus::Connecting:
        return "connecting";
    case StreamStatus::Connected:
        return "connected";
    case StreamStatus::Waiting:
        return "waiting";
    case StreamStatus::Stopped:
        return "stopped";
    }
    return "stopped";
}

bool is_permanent_stream_status(long status)
{
    return status >= 400 && status < 500 && status != 401 && status != 408 && status != 429;
}

}
