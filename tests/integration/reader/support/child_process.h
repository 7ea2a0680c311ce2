#pragma once

// Runs a child process with its stdout on a pipe, for tests that watch it and
// kill -9 it at a chosen moment (only the child this object started).

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace hondana::test {

class ChildProcess {
public:
    explicit ChildProcess(std::vector<std::string> args, std::vector<std::string> env_extra = {})
    {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0)
            return;
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
        std::vector<char*> argv;
        for (auto& arg : args)
            argv.push_back(arg.data());
        argv.push_back(nullptr);
        std::vector<std::string> env_strings;
        for (char** e = environ; *e; ++e)
            env_strings.emplace_back(*e);
        env_strings.insert(env_strings.end(), env_extra.begin(), env_extra.end());
        std::vector<char*> envp;
        for (auto& e : env_strings)
            envp.push_back(e.data());
        envp.push_back(nullptr);
        if (posix_spawnp(&m_pid, argv[0], &actions, nullptr, argv.data(), envp.data()) != 0)
            m_pid = -1;
        posix_spawn_file_actions_destroy(&actions);
        ::close(fds[1]);
        m_out = fds[0];
    }
    ~ChildProcess()
    {
        kill_now();
        if (m_out >= 0)
            ::close(m_out);
    }
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    [[nodiscard]] bool started() const { return m_pid > 0; }

    // Reads what the child printed, waiting at most `wait`.
    bool pump(std::chrono::milliseconds wait)
    {
        pollfd fd { m_out, POLLIN, 0 };
        if (::poll(&fd, 1, static_cast<int>(wait.count())) <= 0)
            return false;
        char buffer[4096];
        ssize_t n = ::read(m_out, buffer, sizeof buffer);
        if (n > 0)
            m_output.append(buffer, static_cast<size_t>(n));
        return n > 0;
    }
    [[nodiscard]] const std::string& output() const { return m_output; }
    // The last complete line printed.
    [[nodiscard]] std::string last_line() const
    {
        auto end = m_output.rfind('\n');
        if (end == std::string::npos)
            return {};
        auto start = m_output.rfind('\n', end - 1);
        return m_output.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1));
    }

    // SIGKILL and reap; returns false when the child had already exited.
    bool kill_now()
    {
        if (m_pid <= 0)
            return false;
        ::kill(m_pid, SIGKILL);
        int status = 0;
        ::waitpid(m_pid, &status, 0);
        m_pid = -1;
        return !(WIFEXITED(status));
    }
    // Waits for exit (reading output meanwhile); returns the exit status.
    int wait()
    {
        int status = 0;
        while (::waitpid(m_pid, &status, WNOHANG) == 0)
            pump(std::chrono::milliseconds(20));
        while (pump(std::chrono::milliseconds(0))) { }
        m_pid = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    [[nodiscard]] bool exited()
    {
        int status = 0;
        if (m_pid > 0 && ::waitpid(m_pid, &status, WNOHANG) == m_pid) {
            m_pid = -1;
            m_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            return true;
        }
        return m_pid <= 0;
    }
    [[nodiscard]] int status() const { return m_status; }

private:
    pid_t m_pid { -1 };
    int m_out { -1 };
    int m_status { -1 };
    std::string m_output;
};

}
