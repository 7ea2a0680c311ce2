// manifest.json of a backup generation (lending/backup.h).

#include <nlohmann/json.hpp>

#include "lending/backup.h"

namespace hondana::lending {

namespace {

Error bad_manifest(const std::string& member)
{
    return Error { ErrorKind::InvalidArgument, "manifest.json: " + member + " is missing or of the wrong type" };
}

Result<std::string> text_member(const nlohmann::json& json, const char* name)
{
    if (!json.is_object() || !json.contains(name) || !json[name].is_string())
        return tl::make_unexpected(bad_manifest(name));
    return json[name].get<std::string>();
}

Result<int64_t> integer_member(const nlohmann::json& json, const char* name)
{
    if (!json.is_object() || !json.contains(name) || !json[name].is_number_integer())
        return tl::make_unexpected(bad_manifest(name));
    return json[name].get<int64_t>();
}

Result<FileDigest> digest_member(const nlohmann::json& json)
{
    FileDigest digest;
    auto length = TRY(integer_member(json, "length"));
    if (length < 0)
        return tl::make_unexpected(bad_manifest("length"));
    digest.length = static_cast<uint64_t>(length);
    digest.sha256 = TRY(text_member(json, "sha256"));
    return digest;
}

Result<void> read_content(const nlohmann::json& json, BackupManifest& manifest)
{
    if (!json.contains("content") || !json["content"].is_array())
        return tl::make_unexpected(bad_manifest("content"));
    for (const auto& item : json["content"]) {
        ContentIndexEntry entry;
        entry.title_id = TRY(text_member(item, "title_id"));
        entry.file = TRY(text_member(item, "file"));
        auto digest = TRY(digest_member(item));
        entry.length = digest.length;
        entry.sha256 = digest.sha256;
        manifest.content.push_back(std::move(entry));
    }
    return {};
}

Result<void> read_maps(const nlohmann::json& json, BackupManifest& manifest)
{
    if (!json.contains("tables") || !json["tables"].is_object())
        return tl::make_unexpected(bad_manifest("tables"));
    for (const auto& [table, count] : json["tables"].items()) {
        if (!count.is_number_integer())
            return tl::make_unexpected(bad_manifest("tables." + table));
        manifest.tables[table] = count.get<int64_t>();
    }
    if (!json.contains("files") || !json["files"].is_object())
        return tl::make_unexpected(bad_manifest("files"));
    for (const auto& [path, digest] : json["files"].items())
        manifest.files[path] = TRY(digest_member(digest));
    return {};
}

}

std::string manifest_to_json(const BackupManifest& manifest)
{
    nlohmann::ordered_json json;
    json["format"] = backup_format;
    json["generation"] = manifest.generation;
    json["created"] = manifest.created;
    json["schema_version"] = manifest.schema_version;
    json["audit_head"] = manifest.audit_head.seq > 0 ? format_audit_head(manifest.audit_head) : "";
    json["audit_intact"] = manifest.audit_intact;
    json["operator_key_pin"] = manifest.operator_key_pin;
    json["tables"] = manifest.tables;
    json["content"] = nlohmann::json::array();
    for (const auto& entry : manifest.content)
        json["content"].push_back({ { "title_id", entry.title_id }, { "file", entry.file },
            { "length", entry.length }, { "sha256", entry.sha256 } });
    json["files"] = nlohmann::json::object();
    for (const auto& [path, digest] : manifest.files)
        json["files"][path] = { { "length", digest.length }, { "sha256", digest.sha256 } };
    return json.dump(2) + "\n";
}

Result<BackupManifest> parse_manifest(std::string_view text)
{
    auto json = nlohmann::json::parse(text, nullptr, false);
    if (json.is_discarded() || !json.is_object())
        return fail(ErrorKind::InvalidArgument, "manifest.json is not a JSON object");
    auto format = TRY(text_member(json, "format"));
    if (format != backup_format)
        return fail(ErrorKind::InvalidArgument, "manifest.json is not of the format " + std::string(backup_format));
    BackupManifest manifest;
    manifest.generation = TRY(text_member(json, "generation"));
    manifest.created = TRY(text_member(json, "created"));
    manifest.schema_version = TRY(integer_member(json, "schema_version"));
    auto head = TRY(text_member(json, "audit_head"));
    if (!head.empty()) // empty: no audit entry yet
        manifest.audit_head = TRY(parse_audit_head(head));
    if (!json.contains("audit_intact") || !json["audit_intact"].is_boolean())
        return tl::make_unexpected(bad_manifest("audit_intact"));
    manifest.audit_intact = json["audit_intact"].get<bool>();
    manifest.operator_key_pin = TRY(text_member(json, "operator_key_pin"));
    TRY(read_maps(json, manifest));
    TRY(read_content(json, manifest));
    return manifest;
}

}
