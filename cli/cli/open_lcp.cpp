// `open-lcp`: opens an LCP basic-profile publication with its passphrase,
// for interoperability (never part of Hondana's own trust path).

#include <iostream>

#include "commands.h"
#include "hondana/drm/lcp.h"
#include "hondana/drm/package.h"
#include "terminal.h"

namespace hondana::cli {

namespace {

reader::Error drm_error(const drm::Error& error)
{
    auto kind = error.kind == drm::ErrorKind::WrongPassphrase ? reader::ErrorKind::AuthFailed
        : error.kind == drm::ErrorKind::Io                    ? reader::ErrorKind::Io
                                                              : reader::ErrorKind::ContentInvalid;
    return { kind, "[" + std::string(drm::error_code(error.kind)) + "] " + error.message };
}


}

int run_open_lcp(const std::string& file, const std::optional<std::string>& passphrase_argument)
{
    auto passphrase = passphrase_argument ? passphrase_argument : read_secret("LCP passphrase: ");
    if (!passphrase)
        return report({ reader::ErrorKind::Usage, "no passphrase given" });
    auto source = drm::FileByteSource::open(file);
    if (!source)
        return report(drm_error(source.error()));
    auto package = drm::Package::open(std::shared_ptr<drm::ByteSource>(std::move(*source)));
    if (!package)
        return report(drm_error(package.error()));
    auto licence_text = (*package)->embedded_licence();
    if (!licence_text)
        return report(drm_error(licence_text.error()));
    if (!*licence_text)
        return report({ reader::ErrorKind::ContentInvalid, "[drm.missing_field] the package carries no licence" });
    auto licence = drm::parse_licence(**licence_text);
    if (!licence)
        return report(drm_error(licence.error()));
    auto key = drm::lcp_basic_content_key(*licence, *passphrase);
    if (!key)
        return report(drm_error(key.error()));
    auto decrypted = reader::decrypt_every_resource(**package, *key);
    if (!decrypted)
        return report(decrypted.error());
    std::cout << "opened LCP basic-profile " << ((*package)->format() == drm::PublicationFormat::Pdf ? "pdf" : "epub")
              << " licence " << licence->id << " provider " << licence->provider << "; " << decrypted->resources << " resources, "
              << decrypted->plaintext_bytes << " bytes decrypted in memory\n";
    return 0;
}

}
