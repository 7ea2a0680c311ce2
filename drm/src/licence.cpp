// Strict parsing of licence documents (LCP basic profile and the Hondana
// device profile) and their JSON form.

#include "hondana/drm/licence.h"

#include "hondana/drm/canonical_json.h"
#include "hondana/drm/key_wrap.h"
#include "licence_fields.h"

namespace hondana::drm {

using detail::JsonFields;

namespace {

// Licences are shallow (four levels); unknown members get some room.
constexpr size_t max_licence_depth = 16;
constexpr size_t sha256_pin_bytes = 32;
constexpr size_t cbc_block = 16;

bool is_lower_hex_sha256(std::string_view text)
{
    if (text.size() != 64)
        return false;
    for (char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return true;
}

Result<LicenceLink> parse_link(const nlohmann::json& item, std::string path)
{
    JsonFields fields = TRY(JsonFields::as_object(item, std::move(path)));
    LicenceLink link;
    link.rel = TRY(fields.non_empty_string("rel"));
    link.href = TRY(fields.non_empty_string("href"));
    link.type = TRY(fields.optional_string("type"));
    link.title = TRY(fields.optional_string("title"));
    link.profile = TRY(fields.optional_string("profile"));
    link.templated = TRY(fields.optional_boolean("templated")).value_or(false);
    link.length = TRY(fields.optional_count("length"));
    link.hash = TRY(fields.optional_string("hash"));
    if (link.hash && !is_lower_hex_sha256(*link.hash))
        return tl::make_unexpected(fields.invalid("hash", "must be a SHA-256 in lower-case hex (64 digits)"));
    return link;
}

Result<std::vector<LicenceLink>> parse_links(const JsonFields& top)
{
    const nlohmann::json* array = TRY(top.array("links"));
    std::vector<LicenceLink> links;
    for (size_t i = 0; i < array->size(); ++i)
        links.push_back(TRY(parse_link((*array)[i], "links[" + std::to_string(i) + "]")));
    return links;
}

Result<std::optional<int64_t>> parse_right_count(const JsonFields& rights, std::string_view name)
{
    auto count = TRY(rights.optional_count(name));
    if (!count)
        return std::nullopt;
    if (*count > static_cast<uint64_t>(INT64_MAX))
        return tl::make_unexpected(rights.invalid(name, "is too large"));
    return static_cast<int64_t>(*count);
}

Result<LicenceRights> parse_rights(const JsonFields& top)
{
    LicenceRights rights;
    auto fields = TRY(top.optional_object("rights"));
    if (!fields)
        return rights;
    rights.print = TRY(parse_right_count(*fields, "print"));
    rights.copy = TRY(parse_right_count(*fields, "copy"));
    rights.start = TRY(fields->optional_timestamp("start"));
    rights.end = TRY(fields->optional_timestamp("end"));
    rights.offline_until = TRY(fields->optional_timestamp("offline_until"));
    if (rights.start && rights.end && *rights.end < *rights.start)
        return tl::make_unexpected(fields->invalid("end", "is before `rights.start`"));
    if (rights.offline_until && rights.end && *rights.end < *rights.offline_until)
        return tl::make_unexpected(fields->invalid("offline_until", "is after `rights.end`"));
    return rights;
}

Result<LicenceUser> parse_user(const JsonFields& top)
{
    LicenceUser user;
    auto fields = TRY(top.optional_object("user"));
    if (!fields)
        return user;
    user.id = TRY(fields->optional_string("id")).value_or("");
    user.email = TRY(fields->optional_string("email"));
    user.name = TRY(fields->optional_string("name"));
    const nlohmann::json* encrypted = TRY(fields->optional_array("encrypted"));
    if (encrypted) {
        for (size_t i = 0; i < encrypted->size(); ++i) {
            if (!(*encrypted)[i].is_string())
                return fail(ErrorKind::WrongType,
                    "`" + fields->path("encrypted") + "[" + std::to_string(i) + "]` must be a string");
            user.encrypted.push_back((*encrypted)[i].get<std::string>());
        }
    }
    return user;
}

Result<std::optional<LicenceSignature>> parse_signature(const JsonFields& top)
{
    auto fields = TRY(top.optional_object("signature"));
    if (!fields)
        return std::nullopt;
    LicenceSignature signature;
    signature.algorithm = TRY(fields->string("algorithm"));
    if (signature.algorithm != ecdsa_sha256_uri && signature.algorithm != rsa_sha256_uri)
        return fail(ErrorKind::UnsupportedAlgorithm,
            "`signature.algorithm` \"" + signature.algorithm + "\" is not ECDSA-SHA256 or RSA-SHA256");
    signature.certificate = TRY(fields->base64("certificate"));
    signature.value = TRY(fields->base64("value"));
    if (signature.certificate.empty())
        return tl::make_unexpected(fields->invalid("certificate", "must not be empty"));
    if (signature.value.empty())
        return tl::make_unexpected(fields->invalid("value", "must not be empty"));
    return signature;
}

Result<void> parse_encryption(const JsonFields& top, Licence& licence)
{
    JsonFields encryption = TRY(top.object("encryption"));
    licence.profile = TRY(encryption.string("profile"));
    if (licence.profile != lcp_basic_profile && licence.profile != hondana_device_profile)
        return fail(ErrorKind::UnsupportedProfile,
            "`encryption.profile` \"" + licence.profile + "\" is not a profile we implement");
    JsonFields content_key = TRY(encryption.object("content_key"));
    licence.content_key.algorithm = TRY(content_key.string("algorithm"));
    licence.content_key.encrypted_value = TRY(content_key.base64("encrypted_value"));
    JsonFields user_key = TRY(encryption.object("user_key"));
    licence.user_key.algorithm = TRY(user_key.string("algorithm"));
    licence.user_key.text_hint = TRY(user_key.optional_string("text_hint"));
    licence.user_key.key_check = TRY(user_key.optional_base64("key_check"));
    licence.user_key.device_id = TRY(user_key.optional_string("device_id"));
    licence.user_key.device_key_pin = TRY(user_key.optional_string("device_key_pin"));
    return {};
}

Result<void> require_algorithm(std::string_view path, const std::string& actual, std::string_view expected,
    std::string_view profile)
{
    if (actual != expected)
        return fail(ErrorKind::UnsupportedAlgorithm,
            "`" + std::string(path) + "` \"" + actual + "\" is not supported with profile " + std::string(profile)
                + " (expected " + std::string(expected) + ")");
    return {};
}

Result<void> require_link(const Licence& licence, std::string_view rel)
{
    if (!licence.link(rel))
        return fail(ErrorKind::MissingField, "`links` has no link with rel \"" + std::string(rel) + "\"");
    return {};
}

Result<void> check_basic_profile(const Licence& licence)
{
    TRY(require_algorithm("encryption.content_key.algorithm", licence.content_key.algorithm, aes256_cbc_uri,
        lcp_basic_profile));
    TRY(require_algorithm("encryption.user_key.algorithm", licence.user_key.algorithm, sha256_uri, lcp_basic_profile));
    auto cbc_sized = [](const Bytes& bytes) { return bytes.size() >= 2 * cbc_block && bytes.size() % cbc_block == 0; };
    if (!cbc_sized(licence.content_key.encrypted_value))
        return fail(ErrorKind::InvalidValue,
            "`encryption.content_key.encrypted_value` must be an IV and AES-CBC blocks (a multiple of 16 bytes, at "
            "least 32)");
    if (!licence.user_key.key_check)
        return fail(ErrorKind::MissingField, "licence lacks the required member `encryption.user_key.key_check`");
    if (!cbc_sized(*licence.user_key.key_check))
        return fail(ErrorKind::InvalidValue,
            "`encryption.user_key.key_check` must be an IV and AES-CBC blocks (a multiple of 16 bytes, at least 32)");
    TRY(require_link(licence, "hint"));
    return require_link(licence, "publication");
}

Result<void> check_device_profile_rights(const Licence& licence)
{
    auto missing = [](std::string_view path) {
        return fail(ErrorKind::MissingField, "licence lacks the required member `" + std::string(path) + "`");
    };
    if (!licence.document.contains("rights"))
        return missing("rights");
    if (!licence.rights.print)
        return missing("rights.print");
    if (!licence.rights.copy)
        return missing("rights.copy");
    if (!licence.rights.start)
        return missing("rights.start");
    if (!licence.rights.end)
        return missing("rights.end");
    if (!licence.rights.offline_until)
        return missing("rights.offline_until");
    if (!licence.document.contains("user"))
        return missing("user");
    if (licence.user.id.empty())
        return licence.document.at("user").contains("id") ? fail(ErrorKind::InvalidValue, "`user.id` must not be empty")
                                                       : missing("user.id");
    return {};
}

Result<void> check_device_profile(const Licence& licence)
{
    TRY(require_algorithm("encryption.content_key.algorithm", licence.content_key.algorithm, device_key_wrap_uri,
        hondana_device_profile));
    TRY(require_algorithm(
        "encryption.user_key.algorithm", licence.user_key.algorithm, device_p256_uri, hondana_device_profile));
    if (licence.content_key.encrypted_value.size() != wrapped_content_key_size)
        return fail(ErrorKind::InvalidValue,
            "`encryption.content_key.encrypted_value` must be " + std::to_string(wrapped_content_key_size)
                + " bytes (ephemeral P-256 point and wrapped key)");
    if (!licence.user_key.device_id)
        return fail(ErrorKind::MissingField, "licence lacks the required member `encryption.user_key.device_id`");
    if (licence.user_key.device_id->empty())
        return fail(ErrorKind::InvalidValue, "`encryption.user_key.device_id` must not be empty");
    if (!licence.user_key.device_key_pin)
        return fail(ErrorKind::MissingField, "licence lacks the required member `encryption.user_key.device_key_pin`");
    auto pin = base64_decode(*licence.user_key.device_key_pin);
    if (!pin || pin->size() != sha256_pin_bytes)
        return fail(ErrorKind::InvalidValue,
            "`encryption.user_key.device_key_pin` must be base64 of a SHA-256 (of the device key's SPKI)");
    const LicenceLink* publication = licence.link("publication");
    if (!publication)
        return fail(ErrorKind::MissingField, "`links` has no link with rel \"publication\"");
    if (!publication->length)
        return fail(ErrorKind::MissingField, "the publication link lacks `length`");
    if (!publication->hash)
        return fail(ErrorKind::MissingField, "the publication link lacks `hash`");
    return check_device_profile_rights(licence);
}

}

const LicenceLink* Licence::link(std::string_view rel) const
{
    for (const auto& candidate : links) {
        if (candidate.rel == rel)
            return &candidate;
    }
    return nullptr;
}

Result<Licence> parse_licence(std::string_view json)
{
    Licence licence;
    licence.document = TRY(parse_json_strict(json, max_licence_bytes, max_licence_depth));
    if (!licence.document.is_object())
        return fail(ErrorKind::MalformedJson, "licence is not a JSON object");
    JsonFields top(licence.document, "");
    licence.id = TRY(top.non_empty_string("id"));
    licence.issued = TRY(top.timestamp("issued"));
    licence.updated = TRY(top.optional_timestamp("updated"));
    licence.provider = TRY(top.non_empty_string("provider"));
    TRY(parse_encryption(top, licence));
    licence.links = TRY(parse_links(top));
    licence.rights = TRY(parse_rights(top));
    licence.user = TRY(parse_user(top));
    licence.signature = TRY(parse_signature(top));
    if (licence.profile == lcp_basic_profile)
        TRY(check_basic_profile(licence));
    else
        TRY(check_device_profile(licence));
    return licence;
}

namespace {

nlohmann::json link_to_json(const LicenceLink& link)
{
    nlohmann::json out { { "rel", link.rel }, { "href", link.href } };
    if (link.type)
        out["type"] = *link.type;
    if (link.title)
        out["title"] = *link.title;
    if (link.profile)
        out["profile"] = *link.profile;
    if (link.templated)
        out["templated"] = true;
    if (link.length)
        out["length"] = *link.length;
    if (link.hash)
        out["hash"] = *link.hash;
    return out;
}

std::optional<nlohmann::json> rights_to_json(const LicenceRights& rights)
{
    nlohmann::json out = nlohmann::json::object();
    if (rights.print)
        out["print"] = *rights.print;
    if (rights.copy)
        out["copy"] = *rights.copy;
    if (rights.start)
        out["start"] = base::format_rfc3339(*rights.start);
    if (rights.end)
        out["end"] = base::format_rfc3339(*rights.end);
    if (rights.offline_until)
        out["offline_until"] = base::format_rfc3339(*rights.offline_until);
    if (out.empty())
        return std::nullopt;
    return out;
}

std::optional<nlohmann::json> user_to_json(const LicenceUser& user)
{
    nlohmann::json out = nlohmann::json::object();
    if (!user.id.empty())
        out["id"] = user.id;
    if (user.email)
        out["email"] = *user.email;
    if (user.name)
        out["name"] = *user.name;
    if (!user.encrypted.empty())
        out["encrypted"] = user.encrypted;
    if (out.empty())
        return std::nullopt;
    return out;
}

nlohmann::json encryption_to_json(const Licence& licence)
{
    nlohmann::json user_key { { "algorithm", licence.user_key.algorithm } };
    if (licence.user_key.text_hint)
        user_key["text_hint"] = *licence.user_key.text_hint;
    if (licence.user_key.key_check)
        user_key["key_check"] = base64_encode(*licence.user_key.key_check);
    if (licence.user_key.device_id)
        user_key["device_id"] = *licence.user_key.device_id;
    if (licence.user_key.device_key_pin)
        user_key["device_key_pin"] = *licence.user_key.device_key_pin;
    return {
        { "profile", licence.profile },
        { "content_key",
            { { "algorithm", licence.content_key.algorithm },
                { "encrypted_value", base64_encode(licence.content_key.encrypted_value) } } },
        { "user_key", user_key },
    };
}

}

nlohmann::json licence_to_json(const Licence& licence)
{
    nlohmann::json out {
        { "id", licence.id },
        { "issued", base::format_rfc3339(licence.issued) },
        { "provider", licence.provider },
        { "encryption", encryption_to_json(licence) },
        { "links", nlohmann::json::array() },
    };
    if (licence.updated)
        out["updated"] = base::format_rfc3339(*licence.updated);
    for (const auto& link : licence.links)
        out["links"].push_back(link_to_json(link));
    if (auto rights = rights_to_json(licence.rights))
        out["rights"] = std::move(*rights);
    if (auto user = user_to_json(licence.user))
        out["user"] = std::move(*user);
    if (licence.signature) {
        out["signature"] = {
            { "algorithm", licence.signature->algorithm },
            { "certificate", base64_encode(licence.signature->certificate) },
            { "value", base64_encode(licence.signature->value) },
        };
    }
    return out;
}

}
