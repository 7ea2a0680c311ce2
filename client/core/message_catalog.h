#pragma once

// Every string the reader shows comes from here: assets/i18n/<lang>.json,
// Japanese first, English second. Placeholders are written {name}.

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hondana/base/result.h"

namespace hondana::client {

enum class CatalogError { Unreadable, Malformed };
template<typename T>
using CatalogResult = base::Result<T, CatalogError>;

inline constexpr std::string_view supported_languages[] = { "ja", "en" };

class MessageCatalog {
public:
    // Loads every supported language from `i18n_dir` (ja.json, en.json).
    [[nodiscard]] static CatalogResult<MessageCatalog> load(const std::filesystem::path& i18n_dir);

    // The message for `key` in the current language. A key missing there is
    // shown as "[key]" and remembered (missing_keys()), never a crash.
    [[nodiscard]] const std::string& text(std::string_view key) const;
    // `text(key)` with {name} placeholders replaced.
    [[nodiscard]] std::string format(std::string_view key, const std::vector<std::pair<std::string, std::string>>& values) const;

    [[nodiscard]] const std::string& language() const { return m_language; }
    // Unknown languages are ignored (the current one stays).
    void set_language(std::string_view language);
    [[nodiscard]] std::set<std::string> keys(std::string_view language) const;
    [[nodiscard]] const std::set<std::string>& missing_keys() const { return m_missing; }

private:
    std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>> m_messages;
    std::string m_language { "ja" };
    mutable std::set<std::string> m_missing;
    mutable std::map<std::string, std::string, std::less<>> m_placeholders;
};

// assets/ beside the executable's install prefix, or the source tree's.
[[nodiscard]] std::filesystem::path default_assets_dir();

}
