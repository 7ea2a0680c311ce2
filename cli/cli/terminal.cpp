#include "terminal.h"

#include <iostream>

#include <termios.h>
#include <unistd.h>

namespace hondana::cli {

namespace {

// Turns terminal echo off for its lifetime.
class EchoOff {
public:
    EchoOff()
    {
        m_active = ::tcgetattr(STDIN_FILENO, &m_saved) == 0;
        if (m_active) {
            termios quiet = m_saved;
            quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
            ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        }
    }
    ~EchoOff()
    {
        if (m_active)
            ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &m_saved);
    }
    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;

private:
    termios m_saved {};
    bool m_active { false };
};

}

std::optional<std::string> read_secret(std::string_view prompt)
{
    bool terminal = ::isatty(STDIN_FILENO) != 0;
    std::string line;
    if (terminal) {
        std::cerr << prompt << std::flush;
        EchoOff quiet;
        if (!std::getline(std::cin, line))
            return std::nullopt;
        std::cerr << "\n";
    } else if (!std::getline(std::cin, line)) {
        return std::nullopt;
    }
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    return line;
}

}
