#include <cctype>
#include <charconv>
#include <optional>

#include "hondana/platform/policy.h"

namespace hondana::platform {

namespace {

Result<uint16_t> parse_port(std::string_view text, std::string_view whole)
{
    unsigned value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc {} || end != text.data() + text.size() || value == 0 || value > 65535)
        return fail(ErrorKind::InvalidArgument, "bad port in '" + std::string(whole) + "'");
    return static_cast<uint16_t>(value);
}

bool valid_host_char(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
}

auto bad(std::string_view what, std::string_view whole)
{
    return fail(ErrorKind::InvalidArgument, std::string(what) + " in '" + std::string(whole) + "'");
}

// host, host:port, [v6] or [v6]:port.
Result<Endpoint> parse_authority(std::string_view text, std::string_view whole)
{
    Endpoint endpoint;
    std::optional<std::string_view> port_text;
    if (!text.empty() && text.front() == '[') {
        auto close = text.find(']');
        if (close == std::string_view::npos || close == 1)
            return bad("bad IPv6 literal", whole);
        endpoint.host = std::string(text.substr(1, close - 1));
        auto rest = text.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':')
                return bad("bad text after IPv6 literal", whole);
            port_text = rest.substr(1);
        }
        for (char c : endpoint.host) {
            if (!(std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.'))
                return bad("bad IPv6 literal", whole);
        }
    } else {
        auto colon = text.find(':');
        endpoint.host = std::string(text.substr(0, colon));
        if (colon != std::string_view::npos)
            port_text = text.substr(colon + 1);
        if (endpoint.host.empty())
            return bad("empty host", whole);
        for (char& c : endpoint.host) {
            if (!valid_host_char(c))
                return bad("bad character in host", whole);
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    if (port_text)
        endpoint.port = TRY(parse_port(*port_text, whole));
    return endpoint;
}

}

std::string Endpoint::to_string() const
{
    bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<Endpoint> parse_endpoint(std::string_view text)
{
    return parse_authority(text, text);
}

Result<HttpsUrl> parse_https_url(std::string_view url)
{
    constexpr std::string_view scheme = "https://";
    if (url.size() < scheme.size() || url.substr(0, scheme.size()) != scheme)
        return bad("not an https URL", url);
    auto rest = url.substr(scheme.size());
    auto slash = rest.find_first_of("/?#");
    auto authority = rest.substr(0, slash);
    if (authority.find('@') != std::string_view::npos)
        return bad("user information is not allowed", url);
    auto endpoint = TRY(parse_authority(authority, url));
    HttpsUrl parsed { endpoint.host, endpoint.port, "/" };
    if (slash != std::string_view::npos) {
        if (rest[slash] == '#')
            return bad("a fragment is not allowed", url);
        parsed.path = std::string(rest.substr(slash));
        if (parsed.path.front() != '/')
            parsed.path.insert(0, "/");
    }
    for (char c : parsed.path) {
        if (static_cast<unsigned char>(c) <= 0x20 || c == '#' || static_cast<unsigned char>(c) >= 0x7f)
            return bad("bad character in path", url);
    }
    return parsed;
}

}
