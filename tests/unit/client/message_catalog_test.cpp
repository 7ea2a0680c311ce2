// Every string the reader draws comes from the catalog, in both languages.

#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include "core/message_catalog.h"

using namespace hondana::client;

namespace {

std::filesystem::path client_sources() { return std::filesystem::path(HONDANA_SOURCE_DIR) / "client"; }

MessageCatalog load()
{
    auto catalog = MessageCatalog::load(std::filesystem::path(HONDANA_SOURCE_DIR) / "assets" / "i18n");
    EXPECT_TRUE(catalog) << (catalog ? "" : catalog.error().message);
    return std::move(*catalog);
}

std::vector<std::pair<std::filesystem::path, std::string>> sources_under(const std::filesystem::path& dir)
{
    std::vector<std::pair<std::filesystem::path, std::string>> out;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
        auto extension = entry.path().extension();
        if (extension != ".cpp" && extension != ".h")
            continue;
        std::ifstream in(entry.path());
        std::stringstream text;
        text << in.rdbuf();
        out.emplace_back(entry.path(), text.str());
    }
    return out;
}

}

TEST(MessageCatalog, japanese_and_english_have_the_same_keys)
{
    auto catalog = load();
    auto ja = catalog.keys("ja"), en = catalog.keys("en");
    ASSERT_FALSE(ja.empty());
    for (const auto& key : ja)
        EXPECT_TRUE(en.contains(key)) << key << " is missing in en.json";
    for (const auto& key : en)
        EXPECT_TRUE(ja.contains(key)) << key << " is missing in ja.json";
}

TEST(MessageCatalog, every_key_the_client_uses_exists_in_both_languages)
{
    auto catalog = load();
    auto ja = catalog.keys("ja"), en = catalog.keys("en");
    // Literal keys: "area.name" or "area.name_more", and prefixes that code completes ("theme." + name).
    std::regex key_literal(R"re("((?:app|common|error|nav|status|signin|bookshelf|catalog|reader|theme|settings|language)\.[a-z_.]*)")re");
    size_t checked = 0;
    for (const auto& [path, text] : sources_under(client_sources())) {
        for (auto it = std::sregex_iterator(text.begin(), text.end(), key_literal); it != std::sregex_iterator(); ++it) {
            std::string key = (*it)[1];
            if (key.ends_with(".")) {
                bool any = std::any_of(ja.begin(), ja.end(), [&](const std::string& k) { return k.starts_with(key); });
                EXPECT_TRUE(any) << path << ": no key starts with " << key;
                continue;
            }
            ++checked;
            EXPECT_TRUE(ja.contains(key)) << path << ": " << key << " is not in ja.json";
            EXPECT_TRUE(en.contains(key)) << path << ": " << key << " is not in en.json";
        }
    }
    EXPECT_GT(checked, 50u);
}

TEST(MessageCatalog, views_draw_no_string_literal_outside_the_catalog)
{
    // ImGui text and label calls in client/ must not take a literal (ImGui IDs
    // starting with "##" are not drawn, "%s" formats only pass text through);
    // data goes through Widgets::data_text, never with a literal. Controls that
    // are not labels (page areas, rows) have IDs under "area.".
    std::regex drawn_literal(R"re(ImGui::(Text|TextUnformatted|TextWrapped|TextColored|LabelText|BulletText|Button|SmallButton|Selectable|MenuItem|BeginMenu|Checkbox|RadioButton|CollapsingHeader|TreeNode|SetTooltip|InputText|InputTextWithHint)\s*\(\s*"(?!##|%))re");
    std::regex data_literal(R"re(data_text\s*\(\s*")re");
    for (const auto& [path, text] : sources_under(client_sources())) {
        EXPECT_FALSE(std::regex_search(text, drawn_literal)) << path << " draws a string literal with ImGui";
        EXPECT_FALSE(std::regex_search(text, data_literal)) << path << " passes a literal as data";
    }
}

TEST(MessageCatalog, missing_keys_are_shown_bracketed_and_remembered)
{
    auto catalog = load();
    EXPECT_EQ(catalog.text("no.such_key"), "[no.such_key]");
    EXPECT_TRUE(catalog.missing_keys().contains("no.such_key"));
}

TEST(MessageCatalog, formats_placeholders_and_switches_language)
{
    auto catalog = load();
    catalog.set_language("en");
    EXPECT_EQ(catalog.format("catalog.available", { { "n", "2" }, { "m", "5" } }), "Available: 2 / 5");
    catalog.set_language("ja");
    EXPECT_EQ(catalog.text("nav.bookshelf"), "本だな");
    catalog.set_language("xx");
    EXPECT_EQ(catalog.language(), "ja");
}
