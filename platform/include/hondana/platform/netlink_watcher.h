#pragma once

// Tells when the network changes (a link goes up or down, an address or a
// default route comes or goes) by listening on a NETLINK_ROUTE socket, so
// network trust is re-checked. The callback runs on the watcher's own
// thread, at most once per `debounce` burst of messages.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <thread>

#include "hondana/platform/error.h"

namespace hondana::platform {

class NetlinkWatcher {
public:
    using Callback = std::function<void()>;

    // Netlink when the socket cannot be opened or bound.
    [[nodiscard]] static Result<std::unique_ptr<NetlinkWatcher>> start(
        Callback on_change, std::chrono::milliseconds debounce = std::chrono::milliseconds(500));
    ~NetlinkWatcher();
    NetlinkWatcher(const NetlinkWatcher&) = delete;
    NetlinkWatcher& operator=(const NetlinkWatcher&) = delete;

    // How many changes were reported so far.
    [[nodiscard]] uint64_t change_count() const { return m_changes.load(); }

private:
    NetlinkWatcher(int socket_fd, int stop_fd, Callback on_change, std::chrono::milliseconds debounce);
    void run();

    int m_socket { -1 };
    int m_stop { -1 };
    Callback m_on_change;
    std::chrono::milliseconds m_debounce;
    std::atomic<uint64_t> m_changes { 0 };
    std::thread m_thread;
};

}
