#pragma once

// An owned POSIX file descriptor: closed when the owner goes (RAII, STYLE.md).

#include <unistd.h>

#include <utility>

namespace hondana::base {

class UniqueFd {
public:
    UniqueFd() = default;
    // Takes `fd` (negative: owns nothing, as ::open's failure gives).
    explicit UniqueFd(int fd)
        : m_fd(fd)
    {
    }
    ~UniqueFd() { reset(); }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    UniqueFd(UniqueFd&& other) noexcept
        : m_fd(other.release())
    {
    }
    UniqueFd& operator=(UniqueFd&& other) noexcept
    {
        if (this != &other) {
            reset();
            m_fd = other.release();
        }
        return *this;
    }

    [[nodiscard]] int get() const { return m_fd; }
    [[nodiscard]] bool valid() const { return m_fd >= 0; }
    // Gives up ownership without closing.
    [[nodiscard]] int release() { return std::exchange(m_fd, -1); }
    // Closes now and says whether close succeeded (it can report a deferred
    // write error, which a destructor would have to drop).
    [[nodiscard]] bool close_checked()
    {
        int fd = release();
        return fd < 0 || ::close(fd) == 0;
    }

private:
    void reset()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }

    int m_fd { -1 };
};

}
