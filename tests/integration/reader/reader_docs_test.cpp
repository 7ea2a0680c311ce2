// docs/reader.md documents every hondana-cli command and every exit code:
// a test fails when one in the code has no entry there.

#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include "cli_fixture.h"
#include "hondana/reader/error.h"

using namespace hondana;

namespace {

std::string read_doc()
{
    std::ifstream file(std::string(HONDANA_SOURCE_DIR) + "/docs/reader.md");
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
}

}

TEST(ReaderDocs, every_exit_code_is_in_the_table_with_its_name)
{
    auto doc = read_doc();
    ASSERT_FALSE(doc.empty()) << "docs/reader.md is missing";
    for (int k = 0; k <= static_cast<int>(reader::ErrorKind::PasswordChangeRequired); ++k) {
        auto kind = static_cast<reader::ErrorKind>(k);
        std::string row = "| " + std::to_string(reader::exit_code(kind)) + " | `" + std::string(reader::error_name(kind)) + "` |";
        EXPECT_NE(doc.find(row), std::string::npos) << "docs/reader.md lacks the row " << row;
    }
}

TEST(ReaderDocs, every_cli_command_has_a_row)
{
    auto doc = read_doc();
    test::ChildProcess help({ HONDANA_CLI, "--help" });
    help.wait();
    std::regex command(R"(^  ([a-z][a-z-]+) {2,})");
    std::istringstream lines(help.output());
    std::string line;
    int commands = 0;
    bool in_subcommands = false;
    while (std::getline(lines, line)) {
        in_subcommands = in_subcommands || line.starts_with("Subcommands:");
        std::smatch match;
        if (!in_subcommands || !std::regex_search(line, match, command))
            continue;
        ++commands;
        EXPECT_NE(doc.find("| `" + match[1].str()), std::string::npos)
            << "docs/reader.md has no row for hondana-cli " << match[1].str();
    }
    EXPECT_GE(commands, 13) << help.output();
}
