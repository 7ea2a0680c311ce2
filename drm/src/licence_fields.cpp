#include "licence_fields.h"

namespace hondana::drm::detail {

Result<JsonFields> JsonFields::as_object(const nlohmann::json& value, std::string path)
{
    if (!value.is_object())
        return fail(ErrorKind::WrongType, "`" + path + "` must be an object");
    return JsonFields(value, std::move(path));
}

std::string JsonFields::path(std::string_view name) const
{
    return m_path.empty() ? std::string(name) : m_path + "." + std::string(name);
}

const nlohmann::json* JsonFields::find(std::string_view name) const
{
    auto it = m_object->find(name);
    return it == m_object->end() ? nullptr : &*it;
}

Error JsonFields::missing(std::string_view name) const
{
    return { ErrorKind::MissingField, "licence lacks the required member `" + path(name) + "`" };
}

Error JsonFields::invalid(std::string_view name, std::string_view why) const
{
    return { ErrorKind::InvalidValue, "`" + path(name) + "` " + std::string(why) };
}

Result<const nlohmann::json*> JsonFields::typed(std::string_view name, bool required,
    bool (nlohmann::json::*is_type)() const noexcept, std::string_view type_name) const
{
    const nlohmann::json* value = find(name);
    if (!value) {
        if (required)
            return tl::make_unexpected(missing(name));
        return nullptr;
    }
    if (!(value->*is_type)())
        return fail(ErrorKind::WrongType, "`" + path(name) + "` must be " + std::string(type_name));
    return value;
}

Result<std::string> JsonFields::string(std::string_view name) const
{
    return TRY(typed(name, true, &nlohmann::json::is_string, "a string"))->get<std::string>();
}

Result<std::string> JsonFields::non_empty_string(std::string_view name) const
{
    std::string value = TRY(string(name));
    if (value.empty())
        return tl::make_unexpected(invalid(name, "must not be empty"));
    return value;
}

Result<std::optional<std::string>> JsonFields::optional_string(std::string_view name) const
{
    const nlohmann::json* value = TRY(typed(name, false, &nlohmann::json::is_string, "a string"));
    if (!value)
        return std::nullopt;
    return value->get<std::string>();
}

Result<Bytes> JsonFields::base64(std::string_view name) const
{
    auto bytes = base64_decode(TRY(string(name)));
    if (!bytes)
        return tl::make_unexpected(invalid(name, "is not base64: " + bytes.error().message));
    return std::move(*bytes);
}

Result<std::optional<Bytes>> JsonFields::optional_base64(std::string_view name) const
{
    if (!find(name))
        return std::nullopt;
    return TRY(base64(name));
}

Result<base::Timestamp> JsonFields::timestamp(std::string_view name) const
{
    auto time = base::parse_rfc3339(TRY(string(name)));
    if (!time)
        return tl::make_unexpected(invalid(name, "is not an RFC 3339 date-time"));
    return *time;
}

Result<std::optional<base::Timestamp>> JsonFields::optional_timestamp(std::string_view name) const
{
    if (!find(name))
        return std::nullopt;
    return TRY(timestamp(name));
}

Result<std::optional<uint64_t>> JsonFields::optional_count(std::string_view name) const
{
    const nlohmann::json* value = TRY(typed(name, false, &nlohmann::json::is_number_integer, "an integer"));
    if (!value)
        return std::nullopt;
    if (value->is_number_unsigned())
        return value->get<uint64_t>();
    int64_t signed_value = value->get<int64_t>();
    if (signed_value < 0)
        return tl::make_unexpected(invalid(name, "must not be negative"));
    return static_cast<uint64_t>(signed_value);
}

Result<std::optional<bool>> JsonFields::optional_boolean(std::string_view name) const
{
    const nlohmann::json* value = TRY(typed(name, false, &nlohmann::json::is_boolean, "true or false"));
    if (!value)
        return std::nullopt;
    return value->get<bool>();
}

Result<JsonFields> JsonFields::object(std::string_view name) const
{
    return JsonFields(*TRY(typed(name, true, &nlohmann::json::is_object, "an object")), path(name));
}

Result<std::optional<JsonFields>> JsonFields::optional_object(std::string_view name) const
{
    const nlohmann::json* value = TRY(typed(name, false, &nlohmann::json::is_object, "an object"));
    if (!value)
        return std::nullopt;
    return JsonFields(*value, path(name));
}

Result<const nlohmann::json*> JsonFields::array(std::string_view name) const
{
    return typed(name, true, &nlohmann::json::is_array, "an array");
}

Result<const nlohmann::json*> JsonFields::optional_array(std::string_view name) const
{
    return typed(name, false, &nlohmann::json::is_array, "an array");
}

}
