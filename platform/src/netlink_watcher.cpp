#include "hondana/platform/netlink_watcher.h"

#include <cerrno>
#include <cstring>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace hondana::platform {

Result<std::unique_ptr<NetlinkWatcher>> NetlinkWatcher::start(Callback on_change, std::chrono::milliseconds debounce)
{
    int socket_fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
    if (socket_fd < 0)
        return fail(ErrorKind::Netlink, std::string("cannot open a netlink socket: ") + std::strerror(errno));
    sockaddr_nl address {};
    address.nl_family = AF_NETLINK;
    address.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE;
    if (::bind(socket_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        auto message = std::string("cannot bind the netlink socket: ") + std::strerror(errno);
        ::close(socket_fd);
        return fail(ErrorKind::Netlink, message);
    }
    int stop_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (stop_fd < 0) {
        ::close(socket_fd);
        return fail(ErrorKind::Netlink, std::string("cannot make an eventfd: ") + std::strerror(errno));
    }
    auto watcher = std::unique_ptr<NetlinkWatcher>(
        new NetlinkWatcher(socket_fd, stop_fd, std::move(on_change), debounce)); // raw-new: private constructor
    watcher->m_thread = std::thread([w = watcher.get()] { w->run(); });
    return watcher;
}

NetlinkWatcher::NetlinkWatcher(int socket_fd, int stop_fd, Callback on_change, std::chrono::milliseconds debounce)
    : m_socket(socket_fd)
    , m_stop(stop_fd)
    , m_on_change(std::move(on_change))
    , m_debounce(debounce)
{
}

NetlinkWatcher::~NetlinkWatcher()
{
    uint64_t one = 1;
    [[maybe_unused]] auto written = ::write(m_stop, &one, sizeof one);
    if (m_thread.joinable())
        m_thread.join();
    ::close(m_socket);
    ::close(m_stop);
}

void NetlinkWatcher::run()
{
    char buffer[8192];
    bool pending = false;
    while (true) {
        pollfd fds[2] = { { m_socket, POLLIN, 0 }, { m_stop, POLLIN, 0 } };
        int timeout = pending ? static_cast<int>(m_debounce.count()) : -1;
        int ready = ::poll(fds, 2, timeout);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready < 0 || (fds[1].revents & POLLIN))
            return;
        if (ready == 0) {
            // The burst is over: report once.
            pending = false;
            ++m_changes;
            m_on_change();
            continue;
        }
        while (::recv(m_socket, buffer, sizeof buffer, 0) > 0)
            pending = true;
    }
}

}
