#include "api/byte_range.h"

#include <charconv>
#include <optional>

namespace hondana::api {

namespace {

std::optional<uint64_t> number(std::string_view text)
{
    uint64_t value = 0;
    if (text.empty())
        return std::nullopt;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

std::string_view trim(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

}

RangeRequest parse_range(std::string_view header, uint64_t size)
{
    constexpr std::string_view unit = "bytes=";
    header = trim(header);
    if (header.substr(0, unit.size()) != unit)
        return WholeFile {};
    auto spec = trim(header.substr(unit.size()));
    if (spec.find(',') != std::string_view::npos)
        return WholeFile {};
    auto dash = spec.find('-');
    if (dash == std::string_view::npos)
        return WholeFile {};
    auto first_text = spec.substr(0, dash);
    auto last_text = spec.substr(dash + 1);
    if (first_text.empty()) {
        auto suffix = number(last_text);
        if (!suffix)
            return WholeFile {};
        if (*suffix == 0 || size == 0)
            return Unsatisfiable {};
        uint64_t length = std::min(*suffix, size);
        return ByteRange { size - length, size - 1 };
    }
    auto first = number(first_text);
    if (!first)
        return WholeFile {};
    std::optional<uint64_t> last;
    if (!last_text.empty()) {
        last = number(last_text);
        if (!last || *last < *first)
            return WholeFile {};
    }
    if (*first >= size)
        return Unsatisfiable {};
    return ByteRange { *first, std::min(last.value_or(size - 1), size - 1) };
}

bool etag_matches(std::string_view header, std::string_view etag)
{
    while (!header.empty()) {
        auto comma = header.find(',');
        auto item = trim(header.substr(0, comma));
        header = comma == std::string_view::npos ? std::string_view {} : header.substr(comma + 1);
        if (item == "*")
            return true;
        if (item.substr(0, 2) == "W/")
            item.remove_prefix(2);
        if (item == etag) // not-secret: an ETag is a public content hash
            return true;
    }
    return false;
}

}
