#include "hondana/base/time.h"

#include <array>
#include <cstdio>

namespace hondana::base {

namespace {

bool read_digits(std::string_view text, size_t& pos, size_t count, int& out)
{
    if (pos + count > text.size())
        return false;
    int value = 0;
    for (size_t i = 0; i < count; ++i) {
        char c = text[pos + i];
        if (c < '0' || c > '9')
            return false;
        value = value * 10 + (c - '0');
    }
    pos += count;
    out = value;
    return true;
}

bool expect(std::string_view text, size_t& pos, char c)
{
    if (pos >= text.size() || text[pos] != c)
        return false;
    ++pos;
    return true;
}

bool expect_one_of(std::string_view text, size_t& pos, std::string_view chars)
{
    if (pos >= text.size() || chars.find(text[pos]) == std::string_view::npos)
        return false;
    ++pos;
    return true;
}

}

std::optional<Timestamp> parse_rfc3339(std::string_view text)
{
    using namespace std::chrono;
    size_t pos = 0;
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    if (!read_digits(text, pos, 4, y) || !expect(text, pos, '-') || !read_digits(text, pos, 2, mo)
        || !expect(text, pos, '-') || !read_digits(text, pos, 2, d) || !expect_one_of(text, pos, "Tt")
        || !read_digits(text, pos, 2, h) || !expect(text, pos, ':') || !read_digits(text, pos, 2, mi)
        || !expect(text, pos, ':') || !read_digits(text, pos, 2, s))
        return std::nullopt;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        size_t start = pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9')
            ++pos;
        if (pos == start || pos - start > 9)
            return std::nullopt;
    }
    int offset_minutes = 0;
    if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
        ++pos;
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        int sign = text[pos] == '-' ? -1 : 1;
        ++pos;
        int oh = 0, om = 0;
        if (!read_digits(text, pos, 2, oh) || !expect(text, pos, ':') || !read_digits(text, pos, 2, om))
            return std::nullopt;
        if (oh > 23 || om > 59)
            return std::nullopt;
        offset_minutes = sign * (oh * 60 + om);
    } else {
        return std::nullopt;
    }
    if (pos != text.size())
        return std::nullopt;
    // RFC 3339 allows second 60 (leap second); we fold it into the next second.
    if (h > 23 || mi > 59 || s > 60)
        return std::nullopt;
    year_month_day date { year { y }, month { static_cast<unsigned>(mo) }, day { static_cast<unsigned>(d) } };
    if (!date.ok())
        return std::nullopt;
    auto time = sys_days { date } + hours { h } + minutes { mi } + seconds { s } - minutes { offset_minutes };
    return time_point_cast<seconds>(time);
}

static std::string format_fields(std::chrono::sys_seconds time, int millis, bool with_millis)
{
    using namespace std::chrono;
    auto day_point = floor<days>(time);
    year_month_day date { day_point };
    hh_mm_ss<seconds> clock { time - day_point };
    std::array<char, 40> buffer {};
    int written = 0;
    if (with_millis) {
        written = std::snprintf(buffer.data(), buffer.size(), "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
            static_cast<int>(date.year()), static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
            static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
            static_cast<int>(clock.seconds().count()), millis);
    } else {
        written = std::snprintf(buffer.data(), buffer.size(), "%04d-%02u-%02uT%02d:%02d:%02dZ",
            static_cast<int>(date.year()), static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
            static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
            static_cast<int>(clock.seconds().count()));
    }
    return std::string(buffer.data(), written > 0 ? static_cast<size_t>(written) : 0);
}

std::string format_rfc3339(Timestamp time)
{
    return format_fields(time, 0, false);
}

std::string format_rfc3339_millis(std::chrono::system_clock::time_point time)
{
    using namespace std::chrono;
    auto millis = time_point_cast<milliseconds>(time);
    auto whole = floor<seconds>(millis);
    return format_fields(whole, static_cast<int>((millis - whole).count()), true);
}

Timestamp now_utc()
{
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

}
