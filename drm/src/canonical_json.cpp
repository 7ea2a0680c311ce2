#include "hondana/drm/canonical_json.h"

#include <optional>
#include <string_view>
#include <vector>

namespace hondana::drm {

namespace {

// Objects and arrays deeper than this are refused by `canonical_json` even
// when the caller built the value itself (recursion bound).
constexpr size_t max_canonical_depth = 256;

// Length of the UTF-8 sequence starting at `text[i]`, or 0 when it is not a
// well-formed one (RFC 3629: no overlongs, no surrogates, at most U+10FFFF).
size_t utf8_sequence_length(std::string_view text, size_t i)
{
    auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
    unsigned char lead = byte(i);
    if (lead < 0x80)
        return 1;
    size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) {
        length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        length = 3;
        if (lead == 0xe0)
            low = 0xa0; // no overlong
        if (lead == 0xed)
            high = 0x9f; // no surrogates
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        length = 4;
        if (lead == 0xf0)
            low = 0x90; // no overlong
        if (lead == 0xf4)
            high = 0x8f; // at most U+10FFFF
    } else {
        return 0;
    }
    if (i + length > text.size())
        return 0;
    if (byte(i + 1) < low || byte(i + 1) > high)
        return 0;
    for (size_t k = 2; k < length; ++k) {
        if (byte(i + k) < 0x80 || byte(i + k) > 0xbf)
            return 0;
    }
    return length;
}

Result<void> append_string(std::string& out, std::string_view text)
{
    static constexpr char digits[] = "0123456789abcdef";
    out += '"';
    size_t i = 0;
    while (i < text.size()) {
        size_t length = utf8_sequence_length(text, i);
        if (length == 0)
            return fail(ErrorKind::InvalidValue, "string is not well-formed UTF-8");
        if (length > 1) {
            out.append(text.substr(i, length));
            i += length;
            continue;
        }
        char c = text[i++];
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                out += "\\u00";
                out += digits[(c >> 4) & 0xf];
                out += digits[c & 0xf];
            } else {
                out += c;
            }
        }
    }
    out += '"';
    return {};
}

Result<void> append_value(std::string& out, const nlohmann::json& value, size_t depth);

Result<void> append_object(std::string& out, const nlohmann::json& value, size_t depth)
{
    // nlohmann::json keeps members in a std::map<std::string, …>, whose order
    // is std::string's: byte order of UTF-8, which is code point order.
    out += '{';
    bool first = true;
    for (const auto& [name, member] : value.items()) {
        if (!first)
            out += ',';
        first = false;
        TRY(append_string(out, name));
        out += ':';
        TRY(append_value(out, member, depth + 1));
    }
    out += '}';
    return {};
}

Result<void> append_value(std::string& out, const nlohmann::json& value, size_t depth)
{
    if (depth > max_canonical_depth)
        return fail(ErrorKind::LimitExceeded, "JSON value nested too deeply to canonicalise");
    switch (value.type()) {
    case nlohmann::json::value_t::null: out += "null"; return {};
    case nlohmann::json::value_t::boolean: out += value.get<bool>() ? "true" : "false"; return {};
    case nlohmann::json::value_t::number_integer: out += std::to_string(value.get<int64_t>()); return {};
    case nlohmann::json::value_t::number_unsigned: out += std::to_string(value.get<uint64_t>()); return {};
    case nlohmann::json::value_t::number_float:
        return fail(ErrorKind::InvalidValue, "canonical JSON has no form for a non-integer number");
    case nlohmann::json::value_t::string: return append_string(out, value.get_ref<const std::string&>());
    case nlohmann::json::value_t::array: {
        out += '[';
        bool first = true;
        for (const auto& item : value) {
            if (!first)
                out += ',';
            first = false;
            TRY(append_value(out, item, depth + 1));
        }
        out += ']';
        return {};
    }
    case nlohmann::json::value_t::object: return append_object(out, value, depth);
    case nlohmann::json::value_t::binary:
    case nlohmann::json::value_t::discarded: break;
    }
    return fail(ErrorKind::InvalidValue, "value has no JSON form");
}

// Builds the DOM from nlohmann's SAX events, refusing duplicate member names
// and over-deep nesting as it goes.
class StrictDomBuilder {
public:
    explicit StrictDomBuilder(size_t max_depth)
        : m_max_depth(max_depth)
    {
    }

    bool null() { return add(nullptr); }
    bool boolean(bool value) { return add(value); }
    bool number_integer(nlohmann::json::number_integer_t value) { return add(value); }
    bool number_unsigned(nlohmann::json::number_unsigned_t value) { return add(value); }
    bool number_float(nlohmann::json::number_float_t value, const std::string&) { return add(value); }
    bool string(std::string& value) { return add(std::move(value)); }
    bool binary(nlohmann::json::binary_t&) { return refuse(ErrorKind::MalformedJson, "binary value in JSON text"); }
    bool start_object(size_t) { return open(nlohmann::json::object()); }
    bool start_array(size_t) { return open(nlohmann::json::array()); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }

    bool key(std::string& name)
    {
        if (m_stack.back()->contains(name))
            return refuse(ErrorKind::MalformedJson, "duplicate member name \"" + printable(name) + "\"");
        m_key = std::move(name);
        return true;
    }

    bool parse_error(size_t, const std::string&, const nlohmann::detail::exception& error)
    {
        return refuse(ErrorKind::MalformedJson, std::string("not valid JSON: ") + error.what());
    }

    [[nodiscard]] Result<nlohmann::json> take()
    {
        if (m_error)
            return tl::make_unexpected(std::move(*m_error));
        return std::move(m_root);
    }

private:
    static std::string printable(std::string_view name)
    {
        std::string out;
        for (char c : name.substr(0, 64))
            out += static_cast<unsigned char>(c) < 0x20 ? '?' : c;
        return out;
    }

    bool refuse(ErrorKind kind, std::string message)
    {
        if (!m_error)
            m_error = Error { kind, std::move(message) };
        return false;
    }

    nlohmann::json* place(nlohmann::json&& value)
    {
        if (m_stack.empty()) {
            m_root = std::move(value);
            return &m_root;
        }
        nlohmann::json& parent = *m_stack.back();
        if (parent.is_array()) {
            parent.push_back(std::move(value));
            return &parent.back();
        }
        nlohmann::json& slot = parent[m_key];
        slot = std::move(value);
        return &slot;
    }

    bool add(nlohmann::json&& value)
    {
        place(std::move(value));
        return true;
    }

    bool open(nlohmann::json&& container)
    {
        if (m_stack.size() >= m_max_depth)
            return refuse(ErrorKind::LimitExceeded,
                "JSON nested deeper than " + std::to_string(m_max_depth) + " levels");
        m_stack.push_back(place(std::move(container)));
        return true;
    }

    bool close()
    {
        m_stack.pop_back();
        return true;
    }

    size_t m_max_depth;
    nlohmann::json m_root;
    std::vector<nlohmann::json*> m_stack;
    std::string m_key;
    std::optional<Error> m_error;
};

}

Result<std::string> canonical_json(const nlohmann::json& value)
{
    std::string out;
    TRY(append_value(out, value, 0));
    return out;
}

Result<nlohmann::json> parse_json_strict(std::string_view text, size_t max_bytes, size_t max_depth)
{
    if (text.size() > max_bytes)
        return fail(ErrorKind::DocumentTooLarge,
            "JSON document of " + std::to_string(text.size()) + " bytes is over the limit of "
                + std::to_string(max_bytes));
    StrictDomBuilder builder(max_depth);
    try {
        bool ok = nlohmann::json::sax_parse(text.begin(), text.end(), &builder);
        auto result = builder.take();
        if (ok || !result)
            return result;
        return fail(ErrorKind::MalformedJson, "not valid JSON");
    } catch (const std::exception& error) {
        return fail(ErrorKind::MalformedJson, std::string("not valid JSON: ") + error.what());
    }
}

}
