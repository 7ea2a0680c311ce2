#pragma once

// A fresh lending service per test and tablets (a policy file and a home
// folder each) that run hondana-cli against it.

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "cli_fixture.h"
#include "lending_service.h"
#include "temp_dir.h"

namespace hondana::test {

struct Tablet {
    std::filesystem::path policy;
    std::filesystem::path home;
    std::string device_id;
};

class ReaderServiceTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        m_service = std::make_unique<LendingService>(m_dir.path() / "service");
        ASSERT_TRUE(m_service->running()) << "hondana-lending --demo did not start:\n" << m_service->log();
    }

    [[nodiscard]] LendingService& service() { return *m_service; }
    [[nodiscard]] const std::filesystem::path& dir() const { return m_dir.path(); }

    Tablet tablet(size_t index, const nlohmann::json& overrides = nlohmann::json::object())
    {
        Tablet tablet { m_dir.path() / ("tablet" + std::to_string(index) + ".json"),
            m_dir.path() / ("home" + std::to_string(index)), m_service->device_id(index) };
        write_policy(tablet.policy, m_service->policy(index, overrides));
        return tablet;
    }

    CliResult cli(const Tablet& tablet, std::vector<std::string> args, const std::string& input = {},
        std::vector<std::string> prefix = {}, std::vector<std::string> env = {})
    {
        return run_cli(tablet.policy, tablet.home, std::move(args), input, std::move(prefix), std::move(env));
    }

    // enrol + login as student `student`; returns the password (for later commands).
    std::string enrol_and_sign_in(const Tablet& tablet, size_t student)
    {
        auto enrolled = cli(tablet, { "enrol" });
        EXPECT_EQ(enrolled.exit_code, 0) << enrolled.err;
        auto [login, password] = m_service->student(student);
        auto signed_in = cli(tablet, { "login", login }, password + "\n");
        EXPECT_EQ(signed_in.exit_code, 0) << signed_in.err;
        return password + "\n";
    }

private:
    TempDir m_dir;
    std::unique_ptr<LendingService> m_service;
};

// Runs one CLI command and SIGKILLs it after `delay` (if still running).
inline void run_and_kill(const Tablet& tablet, const std::vector<std::string>& args, const std::string& input,
    std::chrono::milliseconds delay)
{
    auto io = tablet.home.parent_path() / "crash-stdin";
    std::ofstream(io) << input;
    std::vector<std::string> argv { HONDANA_CLI, "--policy", tablet.policy.string(), "--home", tablet.home.string() };
    argv.insert(argv.end(), args.begin(), args.end());
    std::string command = "exec";
    for (const auto& word : argv)
        command += " '" + word + "'";
    command += " <'" + io.string() + "' >/dev/null 2>&1";
    ChildProcess child({ "/bin/sh", "-c", command });
    auto until = std::chrono::steady_clock::now() + delay;
    while (!child.exited() && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    child.kill_now();
}

inline bool contains(const std::string& text, const std::string& needle)
{
    return text.find(needle) != std::string::npos;
}

}
