#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "hondana/platform/policy.h"

// docs/mdm.md documents every managed-policy key: a `### \`key\`` heading
// followed by its type, default, example and effect.
TEST(PolicyDocs, every_policy_key_has_an_entry_in_mdm_md)
{
    std::ifstream file(std::string(HONDANA_SOURCE_DIR) + "/docs/mdm.md");
    ASSERT_TRUE(file) << "docs/mdm.md is missing";
    std::stringstream text;
    text << file.rdbuf();
    std::string doc = text.str();
    for (const auto& key : hondana::platform::policy_keys()) {
        std::string heading = "### `" + std::string(key.name) + "`";
        auto at = doc.find(heading);
        ASSERT_NE(at, std::string::npos) << "docs/mdm.md has no entry for policy key " << key.name;
        auto next = doc.find("\n### ", at + heading.size());
        std::string entry = doc.substr(at, next == std::string::npos ? std::string::npos : next - at);
        for (const char* field : { "Type:", "Default:", "Example:", "Effect:" })
            EXPECT_NE(entry.find(field), std::string::npos) << key.name << " entry lacks " << field;
    }
}
