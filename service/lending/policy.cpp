#include "lending/policy.h"

#include <charconv>
#include <functional>
#include <map>

namespace hondana::lending {

namespace {

struct IntField {
    int64_t min;
    int64_t max;
    std::function<int64_t(const TenantPolicy&)> get;
    std::function<void(TenantPolicy&, int64_t)> set;
};

template<typename M> IntField int_field(M TenantPolicy::*member, int64_t min, int64_t max)
{
    return { min, max, [member](const TenantPolicy& p) { return static_cast<int64_t>(p.*member); },
        [member](TenantPolicy& p, int64_t v) { p.*member = static_cast<M>(v); } };
}

const std::map<std::string, IntField, std::less<>>& int_fields()
{
    static const std::map<std::string, IntField, std::less<>> fields = {
        { "password_min_length", int_field(&TenantPolicy::password_min_length, min_password_length, 256) },
        { "pbkdf2_iterations", int_field(&TenantPolicy::pbkdf2_iterations, min_pbkdf2_iterations, 100000000) },
        { "lockout_threshold", int_field(&TenantPolicy::lockout_threshold, 1, 100) },
        { "lockout_minutes", int_field(&TenantPolicy::lockout_minutes, 0, 525600) },
        { "access_token_minutes", int_field(&TenantPolicy::access_token_minutes, 1, 1440) },
        { "refresh_token_days", int_field(&TenantPolicy::refresh_token_days, 1, 365) },
        { "session_days", int_field(&TenantPolicy::session_days, 1, 3650) },
        { "loan_days", int_field(&TenantPolicy::loan_days, 1, 365) },
        { "max_loans", int_field(&TenantPolicy::max_loans, 1, 1000) },
        { "max_renewals", int_field(&TenantPolicy::max_renewals, 0, 100) },
        { "hold_days", int_field(&TenantPolicy::hold_days, 1, 365) },
        { "offline_lease_days", int_field(&TenantPolicy::offline_lease_days, 1, 365) },
    };
    return fields;
}

// The timetable's members, stored and set as text (lending/school_hours.h).
struct TextField {
    std::function<Result<void>(std::string_view, SchoolHours&)> parse;
    std::function<std::string(const SchoolHours&)> format;
};

const std::map<std::string, TextField, std::less<>>& text_fields()
{
    static const std::map<std::string, TextField, std::less<>> fields = {
        { "school_hours", { parse_school_hours, format_school_hours } },
        { "school_days", { parse_school_days, format_school_days } },
        { "utc_offset", { parse_utc_offset, format_utc_offset } },
        { "closed_dates", { parse_closed_dates, format_closed_dates } },
    };
    return fields;
}

Result<void> set_int(TenantPolicy& policy, const IntField& field, std::string_view key, int64_t value)
{
    if (value < field.min || value > field.max)
        return fail(ErrorKind::InvalidArgument,
            "policy " + std::string(key) + " must be between " + std::to_string(field.min) + " and "
                + std::to_string(field.max));
    field.set(policy, value);
    return {};
}

}

std::vector<std::string> policy_keys()
{
    std::vector<std::string> keys;
    for (const auto& [name, field] : int_fields())
        keys.push_back(name);
    keys.emplace_back("teacher_totp");
    for (const auto& [name, field] : text_fields())
        keys.push_back(name);
    return keys;
}

Result<TenantPolicy> parse_policy(const nlohmann::json& json)
{
    TenantPolicy policy;
    if (!json.is_object())
        return fail(ErrorKind::InvalidArgument, "policy must be a JSON object");
    for (const auto& [key, value] : json.items()) {
        if (key == "teacher_totp") {
            if (!value.is_boolean())
                return fail(ErrorKind::InvalidArgument, "policy teacher_totp must be true or false");
            policy.teacher_totp = value.get<bool>();
            continue;
        }
        if (auto text = text_fields().find(key); text != text_fields().end()) {
            if (!value.is_string())
                return fail(ErrorKind::InvalidArgument, "policy " + key + " must be text");
            TRY(text->second.parse(value.get<std::string>(), policy.school));
            continue;
        }
        auto field = int_fields().find(key);
        if (field == int_fields().end())
            return fail(ErrorKind::InvalidArgument, "unknown policy member " + key);
        if (!value.is_number_integer())
            return fail(ErrorKind::InvalidArgument, "policy " + key + " must be an integer");
        TRY(set_int(policy, field->second, key, value.get<int64_t>()));
    }
    return policy;
}

Result<TenantPolicy> parse_policy_text(std::string_view text)
{
    auto json = nlohmann::json::parse(text, nullptr, false);
    if (json.is_discarded())
        return fail(ErrorKind::Internal, "stored tenant policy is not JSON");
    return parse_policy(json);
}

nlohmann::json policy_to_json(const TenantPolicy& policy)
{
    nlohmann::json json = nlohmann::json::object();
    for (const auto& [name, field] : int_fields())
        json[name] = field.get(policy);
    json["teacher_totp"] = policy.teacher_totp;
    for (const auto& [name, field] : text_fields())
        json[name] = field.format(policy.school);
    return json;
}

Result<void> set_policy_value(TenantPolicy& policy, std::string_view key, std::string_view value)
{
    if (key == "teacher_totp") {
        if (value != "true" && value != "false")
            return fail(ErrorKind::InvalidArgument, "teacher_totp must be true or false");
        policy.teacher_totp = value == "true";
        return {};
    }
    if (auto text = text_fields().find(key); text != text_fields().end())
        return text->second.parse(value, policy.school);
    auto field = int_fields().find(key);
    if (field == int_fields().end())
        return fail(ErrorKind::InvalidArgument, "unknown policy key " + std::string(key));
    int64_t number = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (ec != std::errc() || end != value.data() + value.size())
        return fail(ErrorKind::InvalidArgument, "policy " + std::string(key) + " must be an integer");
    return set_int(policy, field->second, key, number);
}

}
