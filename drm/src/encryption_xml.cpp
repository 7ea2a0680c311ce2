#include "encryption_xml.h"

#include <charconv>
#include <sstream>

#include "hondana/drm/licence.h"
#include "xml_util.h"

namespace hondana::drm {

namespace {

constexpr std::string_view lcp_content_key_type = "http://readium.org/2014/01/lcp#EncryptedContentKey";

Result<uint64_t> parse_length(std::string_view text)
{
    uint64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size())
        return fail(ErrorKind::InvalidValue, "Compression OriginalLength is not a length: " + std::string(text));
    return value;
}

Result<void> parse_compression(const pugi::xml_node& data, ResourceEncryption& out)
{
    using namespace detail;
    pugi::xml_node properties = child_element(data, xmlenc_ns, "EncryptionProperties");
    for (pugi::xml_node property : properties.children()) {
        if (!is_element(property, xmlenc_ns, "EncryptionProperty"))
            continue;
        pugi::xml_node compression = child_element(property, compression_ns, "Compression");
        if (!compression)
            continue;
        std::string_view method = compression.attribute("Method").value();
        if (method == "8")
            out.deflated = true;
        else if (method != "0")
            return fail(ErrorKind::InvalidValue, "Compression Method must be 0 or 8, not " + std::string(method));
        if (pugi::xml_attribute length = compression.attribute("OriginalLength"))
            out.original_length = TRY(parse_length(length.value()));
        return {};
    }
    return {};
}

Result<std::pair<std::string, ResourceEncryption>> parse_encrypted_data(const pugi::xml_node& data)
{
    using namespace detail;
    pugi::xml_node method = child_element(data, xmlenc_ns, "EncryptionMethod");
    pugi::xml_attribute algorithm = method.attribute("Algorithm");
    if (!algorithm)
        return fail(ErrorKind::MissingField, "encryption.xml: EncryptedData without EncryptionMethod/@Algorithm");
    ResourceEncryption encryption;
    encryption.algorithm = algorithm.value();
    if (encryption.algorithm != aes256_cbc_uri && encryption.algorithm != segmented_gcm_uri)
        return fail(ErrorKind::UnsupportedAlgorithm, "encryption.xml: algorithm " + encryption.algorithm);
    pugi::xml_node reference
        = child_element(child_element(data, xmlenc_ns, "CipherData"), xmlenc_ns, "CipherReference");
    pugi::xml_attribute uri = reference.attribute("URI");
    if (!uri)
        return fail(ErrorKind::MissingField, "encryption.xml: EncryptedData without CipherData/CipherReference/@URI");
    std::string path = TRY(resolve_uri_path("", uri.value()));
    TRY(parse_compression(data, encryption));
    return std::pair { std::move(path), std::move(encryption) };
}

}

Result<std::map<std::string, ResourceEncryption>> parse_encryption_xml(std::string_view xml, size_t max_entries)
{
    using namespace detail;
    pugi::xml_document document;
    TRY(load_xml(document, xml, "encryption.xml"));
    pugi::xml_node root = document.document_element();
    if (!is_element(root, ocf_container_ns, "encryption"))
        return fail(ErrorKind::MalformedXml, "encryption.xml: the root is not an OCF <encryption> element");
    std::map<std::string, ResourceEncryption> resources;
    for (pugi::xml_node child : root.children()) {
        if (!is_element(child, xmlenc_ns, "EncryptedData"))
            continue; // EncryptedKey, ds:Signature, …: nothing we read
        if (resources.size() >= max_entries)
            return fail(ErrorKind::LimitExceeded,
                "encryption.xml lists more than " + std::to_string(max_entries) + " resources");
        auto [path, encryption] = TRY(parse_encrypted_data(child));
        if (!resources.emplace(path, std::move(encryption)).second)
            return fail(ErrorKind::InvalidValue, "encryption.xml lists " + path + " twice");
    }
    return resources;
}

namespace detail {

std::string encryption_xml_document(const std::vector<std::pair<std::string, ResourceEncryption>>& resources)
{
    pugi::xml_document document;
    pugi::xml_node declaration = document.append_child(pugi::node_declaration);
    declaration.append_attribute("version") = "1.0";
    declaration.append_attribute("encoding") = "UTF-8";
    pugi::xml_node root = document.append_child("encryption");
    root.append_attribute("xmlns") = std::string(ocf_container_ns).c_str();
    for (const auto& [path, encryption] : resources) {
        pugi::xml_node data = root.append_child("EncryptedData");
        data.append_attribute("xmlns") = std::string(xmlenc_ns).c_str();
        data.append_child("EncryptionMethod").append_attribute("Algorithm") = encryption.algorithm.c_str();
        pugi::xml_node key_info = data.append_child("KeyInfo");
        key_info.append_attribute("xmlns") = std::string(xmldsig_ns).c_str();
        pugi::xml_node retrieval = key_info.append_child("RetrievalMethod");
        retrieval.append_attribute("URI") = "license.lcpl#/encryption/content_key";
        retrieval.append_attribute("Type") = std::string(lcp_content_key_type).c_str();
        data.append_child("CipherData").append_child("CipherReference").append_attribute("URI")
            = encode_uri_path(path).c_str();
        if (!encryption.original_length)
            continue;
        pugi::xml_node compression
            = data.append_child("EncryptionProperties").append_child("EncryptionProperty").append_child("Compression");
        compression.append_attribute("xmlns") = std::string(compression_ns).c_str();
        compression.append_attribute("Method") = encryption.deflated ? "8" : "0";
        compression.append_attribute("OriginalLength") = std::to_string(*encryption.original_length).c_str();
    }
    std::ostringstream out;
    document.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
    return out.str();
}

}

}
