#include "core/message_catalog.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace hondana::client {

CatalogResult<MessageCatalog> MessageCatalog::load(const std::filesystem::path& i18n_dir)
{
    MessageCatalog catalog;
    for (auto language : supported_languages) {
        auto path = i18n_dir / (std::string(language) + ".json");
        std::ifstream in(path);
        if (!in)
            return base::fail(CatalogError::Unreadable, "cannot read " + path.string());
        std::stringstream text;
        text << in.rdbuf();
        auto json = nlohmann::json::parse(text.str(), nullptr, false);
        if (!json.is_object())
            return base::fail(CatalogError::Malformed, path.string() + " is not a JSON object");
        auto& messages = catalog.m_messages[std::string(language)];
        for (auto& [key, value] : json.items()) {
            if (!value.is_string())
                return base::fail(CatalogError::Malformed, path.string() + ": " + key + " is not a string");
            messages[key] = value.get<std::string>();
        }
    }
    return catalog;
}

const std::string& MessageCatalog::text(std::string_view key) const
{
    auto language = m_messages.find(m_language);
    if (language != m_messages.end()) {
        auto found = language->second.find(key);
        if (found != language->second.end())
            return found->second;
    }
    m_missing.insert(std::string(key));
    auto [it, inserted] = m_placeholders.try_emplace(std::string(key), "[" + std::string(key) + "]");
    return it->second;
}

std::string MessageCatalog::format(std::string_view key, const std::vector<std::pair<std::string, std::string>>& values) const
{
    std::string out = text(key);
    for (const auto& [name, value] : values) {
        std::string placeholder = "{" + name + "}";
        for (size_t at = out.find(placeholder); at != std::string::npos; at = out.find(placeholder, at + value.size()))
            out.replace(at, placeholder.size(), value);
    }
    return out;
}

void MessageCatalog::set_language(std::string_view language)
{
    if (m_messages.contains(language))
        m_language = std::string(language);
}

std::set<std::string> MessageCatalog::keys(std::string_view language) const
{
    std::set<std::string> out;
    auto found = m_messages.find(language);
    if (found != m_messages.end()) {
        for (const auto& [key, value] : found->second)
            out.insert(key);
    }
    return out;
}

std::filesystem::path default_assets_dir()
{
    if (const char* configured = std::getenv("HONDANA_ASSETS"))
        return configured;
    std::error_code error;
    auto self = std::filesystem::read_symlink("/proc/self/exe", error);
    if (!error) {
        auto installed = self.parent_path().parent_path() / "share" / "hondana" / "assets";
        if (std::filesystem::exists(installed / "i18n", error))
            return installed;
    }
    return HONDANA_DEFAULT_ASSETS_DIR;
}

}
