#pragma once

// Typed, path-aware access to the members of a JSON object, for strict
// document parsers: every failure names the member as a JSON path
// (`encryption.user_key.device_id`, `links[2].href`).

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "hondana/base/time.h"
#include "hondana/drm/crypto.h"

namespace hondana::drm::detail {

class JsonFields {
public:
    // `object` must be a JSON object and outlive this view.
    JsonFields(const nlohmann::json& object, std::string path)
        : m_object(&object)
        , m_path(std::move(path))
    {
    }

    // A member that must be an object / may be absent.
    [[nodiscard]] static Result<JsonFields> as_object(const nlohmann::json& value, std::string path);

    [[nodiscard]] std::string path(std::string_view name) const;
    [[nodiscard]] const std::string& path() const { return m_path; }
    [[nodiscard]] const nlohmann::json* find(std::string_view name) const;

    [[nodiscard]] Result<std::string> string(std::string_view name) const;
    [[nodiscard]] Result<std::string> non_empty_string(std::string_view name) const;
    [[nodiscard]] Result<std::optional<std::string>> optional_string(std::string_view name) const;
    [[nodiscard]] Result<Bytes> base64(std::string_view name) const;
    [[nodiscard]] Result<std::optional<Bytes>> optional_base64(std::string_view name) const;
    [[nodiscard]] Result<base::Timestamp> timestamp(std::string_view name) const;
    [[nodiscard]] Result<std::optional<base::Timestamp>> optional_timestamp(std::string_view name) const;
    // A non-negative integer.
    [[nodiscard]] Result<std::optional<uint64_t>> optional_count(std::string_view name) const;
    [[nodiscard]] Result<std::optional<bool>> optional_boolean(std::string_view name) const;
    [[nodiscard]] Result<JsonFields> object(std::string_view name) const;
    [[nodiscard]] Result<std::optional<JsonFields>> optional_object(std::string_view name) const;
    [[nodiscard]] Result<const nlohmann::json*> array(std::string_view name) const;
    [[nodiscard]] Result<const nlohmann::json*> optional_array(std::string_view name) const;

    [[nodiscard]] Error missing(std::string_view name) const;
    [[nodiscard]] Error invalid(std::string_view name, std::string_view why) const;

private:
    [[nodiscard]] Result<const nlohmann::json*> typed(std::string_view name, bool required,
        bool (nlohmann::json::*is_type)() const noexcept, std::string_view type_name) const;

    const nlohmann::json* m_object;
    std::string m_path;
};

}
