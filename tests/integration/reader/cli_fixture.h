#pragma once

// Runs hondana-cli as a user would: a policy file, a home folder, stdin for
// the password, exit code and output captured.

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "child_process.h"

namespace hondana::test {

struct CliResult {
    int exit_code { -1 };
    std::string out;
    std::string err;
};

// Runs `prefix... hondana-cli --policy P --home H args...` with `input` on stdin.
inline CliResult run_cli(const std::filesystem::path& policy, const std::filesystem::path& home,
    std::vector<std::string> args, const std::string& input = {}, std::vector<std::string> prefix = {},
    std::vector<std::string> env = {})
{
    auto dir = home / ".cli-io";
    std::filesystem::create_directories(dir);
    {
        std::ofstream(dir / "stdin") << input;
    }
    std::string command;
    auto quote = [](const std::string& text) {
        std::string quoted = "'";
        for (char c : text)
            quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
        return quoted + "'";
    };
    for (const auto& word : prefix)
        command += quote(word) + " ";
    command += quote(HONDANA_CLI) + " --policy " + quote(policy.string()) + " --home " + quote(home.string());
    for (const auto& arg : args)
        command += " " + quote(arg);
    command += " <" + quote((dir / "stdin").string()) + " 2>" + quote((dir / "stderr").string());
    ChildProcess child({ "/bin/sh", "-c", command }, std::move(env));
    CliResult result;
    result.exit_code = child.wait();
    result.out = child.output();
    std::ifstream errors(dir / "stderr");
    result.err.assign(std::istreambuf_iterator<char>(errors), {});
    std::filesystem::remove_all(dir);
    return result;
}

// Writes a managed-policy file.
inline void write_policy(const std::filesystem::path& path, const nlohmann::json& policy)
{
    std::ofstream(path) << policy.dump(2);
}

inline bool network_namespaces_permitted()
{
    return std::system("unshare -n true >/dev/null 2>&1") == 0;
}

}
