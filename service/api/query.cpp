#include "api/query.h"

#include "hondana/base/text.h"

namespace hondana::api {

std::optional<std::string> Target::param(std::string_view name) const
{
    auto found = query.find(name);
    if (found == query.end())
        return std::nullopt;
    return found->second;
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space)
{
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size())
                return std::nullopt;
            int hi = base::hex_digit(text[i + 1]);
            int lo = base::hex_digit(text[i + 2]);
            if (hi < 0 || lo < 0)
                return std::nullopt;
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

std::optional<Target> parse_target(std::string_view target)
{
    if (target.empty() || target.front() != '/')
        return std::nullopt;
    Target result;
    auto question = target.find('?');
    auto path = percent_decode(target.substr(0, question), false);
    if (!path)
        return std::nullopt;
    result.path = std::move(*path);
    if (question == std::string_view::npos)
        return result;
    auto query = target.substr(question + 1);
    while (!query.empty()) {
        auto amp = query.find('&');
        auto pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view {} : query.substr(amp + 1);
        if (pair.empty())
            continue;
        auto equals = pair.find('=');
        auto name = percent_decode(pair.substr(0, equals), true);
        auto value = equals == std::string_view::npos ? std::optional<std::string>("")
                                                      : percent_decode(pair.substr(equals + 1), true);
        if (!name || !value)
            return std::nullopt;
        result.query.emplace(std::move(*name), std::move(*value));
    }
    return result;
}

}
