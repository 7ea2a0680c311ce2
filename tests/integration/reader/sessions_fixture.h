#pragma once

// Class sessions (issue 6) through hondana-cli against the real service: the
// demo teacher (TOTP at sign-in) and students on their own tablets, and
// `session watch` kept running in the background as a tablet would.

#include <chrono>
#include <memory>

#include "service_fixture.h"
#include "totp_code.h"

namespace hondana::test {

// `hondana-cli session watch …` left running; its output read as it comes.
class Watcher {
public:
    Watcher(const Tablet& tablet, const std::string& password_line, std::vector<std::string> args)
    {
        std::filesystem::create_directories(tablet.home);
        auto input = tablet.home / "watch-stdin";
        std::ofstream(input) << password_line;
        std::string command = "exec '" + std::string(HONDANA_CLI) + "' --policy '" + tablet.policy.string() + "' --home '"
            + tablet.home.string() + "' session watch";
        for (const auto& arg : args)
            command += " '" + arg + "'";
        command += " <'" + input.string() + "' 2>'" + (tablet.home / "watch-stderr").string() + "'";
        m_stderr = tablet.home / "watch-stderr";
        m_process = std::make_unique<ChildProcess>(std::vector<std::string> { "/bin/sh", "-c", command });
    }

    // Reads output until it contains `text` or the watcher exits (bounded so
    // a broken flow fails instead of hanging; no duration is asserted).
    bool wait_for(const std::string& text)
    {
        for (int i = 0; i < 1200; ++i) {
            if (contains(m_process->output(), text))
                return true;
            if (!m_process->pump(std::chrono::milliseconds(100)) && m_process->exited()) {
                while (m_process->pump(std::chrono::milliseconds(0))) { }
                return contains(m_process->output(), text);
            }
        }
        return false;
    }
    // Waits for the watcher to end by itself; its exit status.
    int wait() { return m_process->wait(); }
    void kill() { (void)m_process->kill_now(); }
    [[nodiscard]] const std::string& output() const { return m_process->output(); }
    [[nodiscard]] std::string errors() const
    {
        std::ifstream file(m_stderr);
        return std::string(std::istreambuf_iterator<char>(file), {});
    }
    // The ID of the last event it printed ("event <id> <type>").
    [[nodiscard]] std::string last_event_id() const
    {
        const auto& out = output();
        auto at = out.rfind("\nevent ");
        if (at == std::string::npos)
            return {};
        auto start = at + 7;
        return out.substr(start, out.find(' ', start) - start);
    }

private:
    std::unique_ptr<ChildProcess> m_process;
    std::filesystem::path m_stderr;
};

class SessionsTest : public ReaderServiceTest {
protected:
    // The demo account `login` as {login, password, TOTP secret or ""}.
    std::vector<std::string> account(const std::string& login)
    {
        for (const auto& account : service().demo()["accounts"]) {
            if (account["login_id"] == login)
                return { account["login_id"], account["password"], account.value("totp_secret", std::string()) };
        }
        return {};
    }

    // Enrols tablet `index` and signs in `login` (with a TOTP code when the
    // account has one); returns what later commands read on stdin.
    std::string sign_in(const Tablet& tablet, const std::string& login)
    {
        auto enrolled = cli(tablet, { "enrol" });
        EXPECT_EQ(enrolled.exit_code, 0) << enrolled.err;
        auto who = account(login);
        std::string input = who.at(1) + "\n" + (who.at(2).empty() ? "" : totp_code(who.at(2), totp_step_now()) + "\n");
        auto signed_in = cli(tablet, { "login", login }, input);
        EXPECT_EQ(signed_in.exit_code, 0) << signed_in.err;
        return who.at(1) + "\n";
    }

    // The session ID in "session <id> …" output.
    static std::string session_id(const std::string& out)
    {
        auto at = out.find("session ");
        if (at == std::string::npos)
            return {};
        return out.substr(at + 8, out.find(' ', at + 8) - at - 8);
    }
};

}
