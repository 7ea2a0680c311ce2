#pragma once

// Reads the managed-policy keys each MDM channel declares, in one shape, so a
// test can hold them against platform::policy_keys(): the JSON Schema, the
// key entries of docs/mdm.md, the Windows ADMX (+ ADML string tables), the
// iOS AppConfig specfile and the Android app restrictions (+ string
// resources), all under installer/mdm/.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hondana/base/result.h"

namespace hondana::test {

enum class MdmErrorKind {
    Io,        // a template file is missing or unreadable
    Malformed, // not XML / JSON, or a key whose type cannot be told
};

template<typename T>
using MdmResult = base::Result<T, MdmErrorKind>;

enum class KeyType { String, Boolean, Integer, StringList };

// What one channel says about one key; unset members: the channel does not say.
struct ChannelKey {
    KeyType type { KeyType::String };
    std::optional<int64_t> minimum;
    std::optional<int64_t> maximum;
    std::vector<std::string> choices;   // allowed values of a string, when listed
    std::optional<std::string> fallback; // the default, as the channel writes it
    bool required { false };
};

using ChannelKeys = std::map<std::string, ChannelKey>;

[[nodiscard]] std::string_view key_type_name(KeyType type);

[[nodiscard]] MdmResult<std::string> read_text(const std::filesystem::path& path);

[[nodiscard]] MdmResult<ChannelKeys> keys_from_schema(const nlohmann::json& schema);
// Entries are `### \`key\`` headings with `- Type:` and `- Default:` lines.
[[nodiscard]] MdmResult<ChannelKeys> keys_from_docs(const std::string& markdown);
[[nodiscard]] MdmResult<ChannelKeys> keys_from_admx(const std::filesystem::path& admx);
[[nodiscard]] MdmResult<ChannelKeys> keys_from_appconfig(const std::filesystem::path& specfile);
// `strings` is res/values/strings.xml, for the values of a choice.
[[nodiscard]] MdmResult<ChannelKeys> keys_from_android(
    const std::filesystem::path& restrictions, const std::filesystem::path& strings);

// References the ADMX makes ($(string.X), $(presentation.X) and each
// presentation's refIds) that `adml` does not resolve; empty when all do.
[[nodiscard]] MdmResult<std::vector<std::string>> unresolved_adml_references(
    const std::filesystem::path& admx, const std::filesystem::path& adml);

// @string/X and @array/X references in the restrictions file that the
// resources of `localized` (res/values-ja/strings.xml) do not define, unless
// `base` (res/values/strings.xml) defines them as translatable="false".
[[nodiscard]] MdmResult<std::vector<std::string>> unresolved_android_references(
    const std::filesystem::path& restrictions, const std::filesystem::path& localized, const std::filesystem::path& base);

}
