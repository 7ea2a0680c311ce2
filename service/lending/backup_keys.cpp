#include "lending/backup_keys.h"

#include <nlohmann/json.hpp>

#include "hondana/drm/key_wrap.h"
#include "lending/files.h"

namespace hondana::lending {

namespace {

constexpr std::string_view keys_format = "hondana-backup-keys/1";

std::string wrap_context(const std::string& generation)
{
    return "hondana-backup/1:" + generation;
}

std::string seal_context(const std::string& generation, const std::string& path)
{
    return "hondana-backup/1:" + generation + ":" + path;
}

bool is_private_key(const std::filesystem::path& path)
{
    return path.extension() == ".key";
}

Error damaged(const std::string& what)
{
    return Error { ErrorKind::InvalidArgument, "keys.json: " + what };
}

}

Result<std::map<std::string, FileDigest>> seal_backup_keys(const std::filesystem::path& pki_dir,
    const std::filesystem::path& generation_dir, const std::string& generation, drm::ByteView key,
    const drm::PublicKey& recipient)
{
    std::map<std::string, FileDigest> written;
    nlohmann::json secrets = nlohmann::json::object();
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(pki_dir, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        if (!it->is_regular_file(ec) || it->is_symlink(ec))
            continue;
        auto relative = "pki/" + std::filesystem::relative(it->path(), pki_dir).string();
        if (is_private_key(it->path())) {
            auto pem = TRY(read_text_file(it->path(), 64 * 1024));
            auto sealed = drm::aes256_gcm_seal(key, drm::as_bytes(pem), drm::as_bytes(seal_context(generation, relative)));
            if (!sealed)
                return fail(ErrorKind::Internal, "sealing " + relative + ": " + sealed.error().message);
            secrets[relative] = drm::base64_encode(*sealed);
            continue;
        }
        auto to = generation_dir / relative;
        TRY(make_directory(to.parent_path(), 0700));
        written[relative] = TRY(copy_file_hashed(it->path(), to, 0600));
    }
    if (ec)
        return fail(ErrorKind::Internal, "cannot list " + pki_dir.string() + ": " + ec.message());
    auto context = wrap_context(generation);
    auto wrapped = drm::wrap_content_key(key, recipient, { context, "operator" });
    if (!wrapped)
        return fail(ErrorKind::Internal, "wrapping the backup key: " + wrapped.error().message);
    nlohmann::ordered_json keys = { { "format", keys_format }, { "generation", generation },
        { "recipient_pin", recipient.spki_sha256_pin() }, { "wrapped_key", drm::base64_encode(*wrapped) },
        { "secrets", secrets } };
    TRY(write_file(generation_dir / "keys.json", drm::as_bytes(keys.dump(2) + "\n"), 0600));
    written["keys.json"] = TRY(digest_file(generation_dir / "keys.json"));
    return written;
}

Result<OpenedBackupKeys> open_backup_keys(
    const std::filesystem::path& generation_dir, const std::string& generation, const drm::PrivateKey& operator_key)
{
    auto json = nlohmann::json::parse(TRY(read_text_file(generation_dir / "keys.json", 1024 * 1024)), nullptr, false);
    if (json.is_discarded() || !json.is_object() || json.value("format", "") != keys_format)
        return tl::make_unexpected(damaged("not a backup key file"));
    if (json.value("generation", "") != generation)
        return tl::make_unexpected(damaged("made for another generation"));
    auto pin = operator_key.public_key().spki_sha256_pin();
    if (json.value("recipient_pin", "") != pin)
        return fail(ErrorKind::InvalidArgument,
            "this backup was made for the operator key " + json.value("recipient_pin", std::string("?"))
                + ", not the key given (" + pin + ")");
    if (!json.contains("wrapped_key") || !json["wrapped_key"].is_string() || !json.contains("secrets")
        || !json["secrets"].is_object())
        return tl::make_unexpected(damaged("wrapped_key or secrets missing"));
    auto wrapped = drm::base64_decode(json["wrapped_key"].get<std::string>());
    if (!wrapped)
        return tl::make_unexpected(damaged("wrapped_key is not base64"));
    auto context = wrap_context(generation);
    auto key = drm::unwrap_content_key(*wrapped, operator_key, { context, "operator" });
    if (!key)
        return tl::make_unexpected(damaged("the backup key does not unwrap (altered, or another operator key)"));
    OpenedBackupKeys opened { std::move(*key), {} };
    for (const auto& [path, value] : json["secrets"].items()) {
        auto sealed = value.is_string() ? drm::base64_decode(value.get<std::string>()) : drm::Result<drm::Bytes>();
        if (!value.is_string() || !sealed)
            return tl::make_unexpected(damaged(path + " is not base64"));
        auto secret = drm::aes256_gcm_open(opened.key.view(), *sealed, drm::as_bytes(seal_context(generation, path)));
        if (!secret)
            return tl::make_unexpected(damaged(path + " was altered"));
        opened.secrets.emplace(path, std::move(*secret));
    }
    return opened;
}

}
