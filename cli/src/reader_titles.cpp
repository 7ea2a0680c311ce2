// Licences, downloads and opening titles.

#include "hondana/drm/package.h"
#include "hondana/reader/reader.h"
#include "hondana/store/licence_check.h"

namespace hondana::reader {

namespace {

Error content_error(const drm::Error& error)
{
    return Error { ErrorKind::ContentInvalid, "[" + std::string(drm::error_code(error.kind)) + "] " + error.message };
}

Error licence_error(const store::Error& error)
{
    return from_store(error);
}

}

Result<DecryptionReport> decrypt_every_resource(drm::Package& package, const drm::SecretBytes& key)
{
    DecryptionReport report;
    std::vector<uint8_t> buffer(256 * 1024);
    for (const auto& entry : package.entries()) {
        if (!entry.encryption)
            continue;
        auto resource = package.open_resource(entry.path, &key);
        if (!resource)
            return tl::make_unexpected(content_error(resource.error()));
        uint64_t offset = 0;
        while (offset < (*resource)->size()) {
            auto read = (*resource)->read_at(offset, buffer);
            if (!read) {
                std::fill(buffer.begin(), buffer.end(), 0);
                return fail(ErrorKind::ContentInvalid, "[" + std::string(drm::error_code(read.error().kind)) + "] "
                        + entry.path + ": " + read.error().message);
            }
            if (*read == 0)
                break;
            offset += *read;
        }
        ++report.resources;
        report.plaintext_bytes += offset;
    }
    std::fill(buffer.begin(), buffer.end(), 0);
    if (report.resources == 0)
        return fail(ErrorKind::ContentInvalid, "[drm.malformed_package] the package has no protected resource");
    return report;
}

Result<sync::DownloadResult> Reader::download(std::string_view title_id, const DownloadProgress& progress)
{
    TRY(ensure_access_token());
    auto list = m_client->loans();
    if (!list)
        return tl::make_unexpected(service_failure(list.error()));
    auto loan = std::find_if(list->loans.begin(), list->loans.end(),
        [&](const sync::Loan& l) { return l.title_id == title_id && l.status == "active"; });
    if (loan == list->loans.end())
        return fail(ErrorKind::ServiceRefused, "[sync.not_found] no active loan of " + std::string(title_id) + ": borrow it first");
    auto document = m_client->licence(loan->licence_href);
    if (!document)
        return tl::make_unexpected(service_failure(document.error()));
    auto now = trusted_now().now;
    auto parsed = drm::parse_licence(*document);
    if (!parsed)
        return fail(ErrorKind::LicenceRefused, "[store.licence_invalid] the licence does not parse: " + parsed.error().message);
    store::StoredLicence stored { parsed->id, std::string(title_id), *document, "active", now };
    // The licence must pass every check before any content is fetched.
    TRY(checked_licence(title_id, stored));
    (void)m_client->register_licence(parsed->id, m_policy.device_id, "hondana reader " + m_policy.device_id);
    TRY(m_store->save_licence(stored).map_error(from_store));
    const auto* publication = parsed->link("publication");
    if (!publication || !publication->hash)
        return fail(ErrorKind::LicenceRefused, "[store.licence_invalid] the licence has no publication link with a hash");
    sync::DownloadRequest request;
    request.url = publication->href;
    request.destination = m_store->content_path(title_id);
    request.expected_sha256 = *publication->hash;
    request.expected_length = publication->length;
    auto result = m_client->download(request, progress);
    if (!result)
        return tl::make_unexpected(service_failure(result.error()));
    TRY(m_store->save_content({ std::string(title_id), request.destination, result->length, *publication->hash })
            .map_error(from_store));
    (void)upload_audit();
    return std::move(*result);
}

Result<drm::Licence> Reader::checked_licence(std::string_view title_id, store::StoredLicence& stored)
{
    auto root = drm::Certificate::from_pem(m_policy.tenant_root_cert_pem);
    if (!root)
        return fail(ErrorKind::Policy, "[platform.policy_invalid] tenant_root_cert does not parse: " + root.error().message);
    auto key = TRY(m_key_store->device_key().map_error(from_platform));
    store::LicenceCheckContext context { &*root, m_policy.device_id, key.public_key().spki_sha256_pin(), trusted_now(),
        m_policy.offline_lease_days, stored.checked_online_at, stored.status };
    auto licence = store::check_licence(stored.document, context);
    if (!licence) {
        audit(store::audit_type::licence_refused, std::string(title_id),
            std::string(store::error_code(licence.error().kind)) + ": " + licence.error().message);
        (void)(m_network->trusted() && upload_audit());
        return tl::make_unexpected(licence_error(licence.error()));
    }
    return std::move(*licence);
}

Result<std::pair<drm::SecretBytes, std::filesystem::path>> Reader::title_key(std::string_view title_id)
{
    TRY(require_store());
    auto stored = TRY(m_store->licence_for_title(title_id).map_error(from_store));
    if (!stored)
        return fail(ErrorKind::ServiceRefused, "[store.not_found] no licence for " + std::string(title_id)
                + " on this device: borrow and download it first");
    // Online, the service's word on the licence comes first.
    if (check_network().state == platform::NetworkTrustState::Trusted && ensure_access_token()) {
        auto status = m_client->licence_status(stored->id);
        if (!status)
            return tl::make_unexpected(service_failure(status.error()));
        TRY(apply_status(*stored, *status));
        if (store::status_ends_use(status->status)) {
            audit(store::audit_type::licence_refused, std::string(title_id), "store.licence_revoked: " + status->status);
            return fail(ErrorKind::LicenceRefused, "[store.licence_revoked] the service marked this licence "
                    + status->status + "; its key and content were erased");
        }
        stored = TRY(m_store->licence_for_title(title_id).map_error(from_store));
    }
    auto licence = TRY(checked_licence(title_id, *stored));
    auto content = TRY(m_store->content(title_id).map_error(from_store));
    if (!content || !std::filesystem::exists(content->file))
        return fail(ErrorKind::ServiceRefused, "[store.content_missing] " + std::string(title_id) + " is not downloaded");
    auto key = TRY(m_key_store->device_key().map_error(from_platform));
    auto content_key = TRY(store::unwrap_licence_key(licence, key, m_policy.device_id).map_error(from_store));
    return std::make_pair(std::move(content_key), content->file);
}

Result<OpenedTitle> Reader::open_title(std::string_view title_id)
{
    auto [content_key, file] = TRY(title_key(title_id));
    auto invalid = [&](const drm::Error& error) {
        return Error { ErrorKind::ContentInvalid, "[" + std::string(drm::error_code(error.kind)) + "] " + error.message };
    };
    auto source = TRY(drm::FileByteSource::open(file).map_error(invalid));
    auto package = TRY(drm::Package::open(std::shared_ptr<drm::ByteSource>(std::move(source))).map_error(invalid));
    auto decrypted = TRY(decrypt_every_resource(*package, content_key));
    auto stored = TRY(m_store->licence_for_title(title_id).map_error(from_store));
    auto licence = drm::parse_licence(stored->document);
    audit(store::audit_type::title_opened, std::string(title_id), "");
    if (m_network->trusted())
        (void)upload_audit();
    OpenedTitle opened { std::string(title_id), package->format() == drm::PublicationFormat::Pdf ? "pdf" : "epub",
        package->main_resource(), decrypted.plaintext_bytes, {}, {} };
    if (licence) {
        opened.loan_end = licence->rights.end.value_or(base::Timestamp {});
        auto lease = stored->checked_online_at + std::chrono::days(m_policy.offline_lease_days);
        opened.offline_until = std::min(licence->rights.offline_until.value_or(lease), lease);
    }
    return opened;
}

}
