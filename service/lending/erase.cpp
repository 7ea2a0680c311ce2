#include "lending/erase.h"

#include "hondana/drm/canonical_json.h"
#include "lending/audit.h"
#include "lending/backup.h"
#include "lending/file_ops.h"
#include "lending/files.h"
#include "storage/snapshot.h"

namespace hondana::lending {

namespace {

struct Signer {
    drm::PrivateKey key;
    drm::Certificate certificate;
};

Result<Signer> load_signer(const PkiPaths& paths)
{
    auto key_pem = TRY(read_text_file(paths.licence_signing_key(), 64 * 1024));
    auto certificate_pem = TRY(read_text_file(paths.licence_signing_certificate(), 64 * 1024));
    auto key = drm::PrivateKey::from_pem(key_pem);
    auto certificate = drm::Certificate::from_pem(certificate_pem);
    if (!key || !certificate)
        return fail(ErrorKind::InvalidArgument, "the licence-signing key cannot sign the erasure report");
    return Signer { std::move(*key), std::move(*certificate) };
}

bool is_inside(const std::filesystem::path& path, const std::filesystem::path& folder)
{
    std::error_code ec;
    auto child = std::filesystem::weakly_canonical(std::filesystem::absolute(path, ec), ec);
    auto parent = std::filesystem::weakly_canonical(std::filesystem::absolute(folder, ec), ec);
    auto relative = child.lexically_relative(parent);
    return !relative.empty() && *relative.begin() != "..";
}

Result<Tenant> check_scope(LendingService& service, const EraseOptions& options)
{
    auto all = TRY(service.directory().tenants());
    if (all.size() != 1 || all.front().slug != options.tenant) {
        std::string names;
        for (const auto& tenant : all)
            names += (names.empty() ? "" : ", ") + tenant.slug;
        return fail(ErrorKind::InvalidArgument,
            "this data directory holds the tenants " + names + ": tenant erase takes a directory of the one tenant "
                + options.tenant + " (its PKI is shared by all of them)");
    }
    for (const auto& key : options.extra_keys) {
        std::error_code ec;
        auto status = std::filesystem::symlink_status(key, ec);
        if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status))
            return fail(ErrorKind::InvalidArgument, key.string() + " is not a key file");
    }
    std::vector<std::filesystem::path> erased = { service.data_dir().root };
    erased.insert(erased.end(), options.backups.begin(), options.backups.end());
    erased.insert(erased.end(), options.logs.begin(), options.logs.end());
    for (const auto& folder : erased)
        if (is_inside(options.report, folder) || options.report == folder)
            return fail(ErrorKind::InvalidArgument,
                "the report " + options.report.string() + " would be erased with " + folder.string());
    return all.front();
}

// Step 1: no administrator can sign in again, no session lives on.
Result<nlohmann::json> lock_out(LendingService& service, const Tenant& tenant, const EraseOptions& options)
{
    auto now = service.clock().now();
    auto time = base::format_rfc3339(now);
    return service.store().write([&](storage::Database& db) -> Result<nlohmann::json> {
        nlohmann::json admins = nlohmann::json::array();
        auto list = TRY_DB(
            db.prepare("SELECT login_id FROM users WHERE tenant_id = ?1 AND role = 'admin' ORDER BY login_id"));
        list.bind(1, tenant.id);
        while (TRY_DB(list.step()))
            admins.push_back(list.text(0));
        auto users = TRY_DB(
            db.prepare("UPDATE users SET status = 'deleted', updated_at = ?2 WHERE tenant_id = ?1 AND role = 'admin'"));
        users.bind(1, tenant.id).bind(2, time);
        TRY_DB(users.run());
        auto sessions = TRY_DB(db.prepare("UPDATE auth_sessions SET revoked_at = ?2, revoked_reason = 'tenant-erase' "
                                          "WHERE tenant_id = ?1 AND revoked_at IS NULL"));
        sessions.bind(1, tenant.id).bind(2, time);
        TRY_DB(sessions.run());
        auto revoked = db.changes();
        auto head = TRY(append_audit(db, now,
            { .tenant = tenant.slug,
                .actor = options.actor,
                .action = "admin.tenant.erase",
                .target = tenant.slug,
                .detail = "keys first, then database, content, backups and logs" }));
        auto tables = TRY_DB(storage::count_rows(db));
        return nlohmann::json { { "administrators", admins }, { "sessions_revoked", revoked },
            { "audit_head", format_audit_head(head) }, { "tables", tables } };
    });
}

nlohmann::json tally_json(const ShredTally& tally)
{
    return { { "files", tally.files.size() }, { "bytes", tally.bytes } };
}

// Step 2: every key, first.
Result<nlohmann::json> destroy_keys(const DataDir& dir, const EraseOptions& options)
{
    std::vector<std::filesystem::path> keys;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(dir.pki(), ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
        if (it->path().extension() == ".key")
            keys.push_back(it->path());
    for (auto it = std::filesystem::recursive_directory_iterator(dir.keys(), ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
        if (!it->is_directory())
            keys.push_back(it->path());
    keys.insert(keys.end(), options.extra_keys.begin(), options.extra_keys.end());
    nlohmann::json destroyed = nlohmann::json::array();
    for (const auto& key : keys) {
        auto bytes = shred_file(key);
        if (!bytes)
            return fail(ErrorKind::Internal, "step 2 (keys): " + bytes.error().message);
        destroyed.push_back({ { "path", key.string() }, { "bytes", *bytes } });
    }
    return destroyed;
}

Result<ShredTally> shred_path(const std::filesystem::path& path, const std::string& step)
{
    std::error_code ec;
    auto status = std::filesystem::symlink_status(path, ec);
    Result<ShredTally> tally = ShredTally {};
    if (std::filesystem::is_directory(status))
        tally = shred_tree(path, KeepRoot::Yes);
    else if (std::filesystem::exists(status))
        tally = shred_file(path).map([&](uint64_t bytes) { return ShredTally { { path }, bytes }; });
    if (!tally)
        return fail(ErrorKind::Internal, "step 3 (" + step + "): " + tally.error().message);
    return tally;
}

// Step 3: everything else.
Result<void> shred_data(const DataDir& dir, const EraseOptions& options, nlohmann::json& report)
{
    ShredTally database;
    for (auto suffix : { "", "-wal", "-shm", "-journal" }) {
        auto part = TRY(shred_path(dir.database().string() + suffix, "database"));
        database.files.insert(database.files.end(), part.files.begin(), part.files.end());
        database.bytes += part.bytes;
    }
    report["database"]["files"] = tally_json(database);
    report["content"] = tally_json(TRY(shred_path(dir.content(), "content")));
    report["data_dir_rest"] = tally_json(TRY(shred_path(dir.root, "data directory")));
    report["backups"] = nlohmann::json::array();
    for (const auto& folder : options.backups) {
        nlohmann::json generations = nlohmann::json::array();
        for (const auto& generation : TRY(list_backups(folder)))
            generations.push_back(generation.filename().string());
        auto tally = tally_json(TRY(shred_path(folder, "backups")));
        tally["folder"] = folder.string();
        tally["generations"] = generations;
        report["backups"].push_back(tally);
    }
    report["logs"] = nlohmann::json::array();
    for (const auto& path : options.logs) {
        auto tally = tally_json(TRY(shred_path(path, "logs")));
        tally["path"] = path.string();
        report["logs"].push_back(tally);
    }
    return {};
}

Result<void> sign(nlohmann::json& report, const Signer& signer)
{
    auto text = drm::canonical_json(report);
    if (!text)
        return fail(ErrorKind::Internal, "the report cannot be signed: " + text.error().message);
    auto value = drm::sign_ecdsa_sha256(signer.key, drm::as_bytes(*text));
    if (!value)
        return fail(ErrorKind::Internal, "the report cannot be signed: " + value.error().message);
    report["signature"] = { { "algorithm", drm::ecdsa_sha256_uri }, { "certificate", signer.certificate.pem() },
        { "value", drm::base64_encode(*value) } };
    return {};
}

nlohmann::json report_header(const DataDir& dir, const Tenant& tenant, const EraseOptions& options, const Clock& clock)
{
    return { { "format", erasure_report_format }, { "tenant", { { "slug", tenant.slug }, { "name", tenant.name } } },
        { "data_dir", dir.root.string() }, { "erased_by", options.actor },
        { "started", base::format_rfc3339(clock.now()) },
        { "method",
            "keys destroyed first (crypto-erasure of the database, its content keys and the backups), then every "
            "file overwritten with random bytes, flushed and unlinked" },
        { "operator_duties",
            { "shred the database key credential (/etc/hondana-lending/hondana-db-key) as root unless it is listed "
              "under keys",
                "destroy the offline copies (pki/offline: root key, backup TLS key, operator backup key) and any "
                "backup copied off this server, and record it" } } };
}

}

Result<nlohmann::json> erase_tenant(const DataDir& dir, const EraseOptions& options, const Clock& clock)
{
    auto signer = TRY(load_signer(PkiPaths { dir.pki() }));
    nlohmann::json report;
    {
        auto service = TRY(LendingService::open(dir, clock));
        auto tenant = TRY(check_scope(*service, options));
        report = report_header(dir, tenant, options, clock);
        auto locked = TRY(lock_out(*service, tenant, options));
        report["special_accounts"]
            = { { "administrators", locked["administrators"] }, { "sessions_revoked", locked["sessions_revoked"] } };
        report["database"] = { { "tables", locked["tables"] }, { "audit_head", locked["audit_head"] } };
    } // the database is closed before its files go
    report["keys"] = TRY(destroy_keys(dir, options));
    TRY(shred_data(dir, options, report));
    report["finished"] = base::format_rfc3339(clock.now());
    TRY(sign(report, signer));
    TRY(write_file(options.report, drm::as_bytes(report.dump(2) + "\n"), 0600, Overwrite::Yes));
    return report;
}

Result<ReportCheck> verify_erasure_report(const nlohmann::json& report, const drm::Certificate& root)
{
    auto bad = [](const std::string& what) { return fail(ErrorKind::InvalidArgument, "erasure report: " + what); };
    if (!report.is_object() || report.value("format", "") != erasure_report_format)
        return bad("not a " + std::string(erasure_report_format) + " document");
    const auto* signature = report.contains("signature") ? &report["signature"] : nullptr;
    if (!signature || !signature->is_object() || signature->value("algorithm", "") != drm::ecdsa_sha256_uri
        || !(*signature)["certificate"].is_string() || !(*signature)["value"].is_string())
        return bad("no ECDSA-SHA256 signature");
    auto finished = base::parse_rfc3339(report.value("finished", ""));
    auto certificate = drm::Certificate::from_pem((*signature)["certificate"].get<std::string>());
    auto value = drm::base64_decode((*signature)["value"].get<std::string>());
    if (!finished || !certificate || !value)
        return bad("finished, certificate or signature value malformed");
    if (!drm::verify_certificate_chain(*certificate, root, *finished)
        || !certificate->has_extended_key_usage(drm::licence_signing_eku_oid))
        return bad("not signed by a licence-signing key of this tenant root");
    auto unsigned_report = report;
    unsigned_report.erase("signature");
    auto text = drm::canonical_json(unsigned_report);
    if (!text
        || !drm::verify_signature(
            certificate->public_key(), drm::SignatureAlgorithm::EcdsaSha256, drm::as_bytes(*text), *value))
        return bad("the signature does not match: the report was altered");
    return ReportCheck { report["tenant"].value("slug", ""), report.value("finished", ""),
        certificate->subject_common_name() };
}

}
