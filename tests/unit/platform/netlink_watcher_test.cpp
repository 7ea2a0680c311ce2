#include "hondana/platform/netlink_watcher.h"

#include <chrono>
#include <thread>

#include <gtest/gtest.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace hondana::platform;

namespace {

// In a child process with its own network namespace: start the watcher, bring
// the loopback link up, and exit 0 when the watcher reported it. Exit 77 when
// namespaces are not permitted here.
[[noreturn]] void child_brings_loopback_up()
{
    if (::unshare(CLONE_NEWNET) != 0)
        ::_exit(77);
    std::atomic<int> seen { 0 };
    auto watcher = NetlinkWatcher::start([&] { ++seen; }, std::chrono::milliseconds(50));
    if (!watcher)
        ::_exit(2);
    int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    ifreq request {};
    std::snprintf(request.ifr_name, sizeof request.ifr_name, "lo");
    request.ifr_flags = IFF_UP;
    if (fd < 0 || ::ioctl(fd, SIOCSIFFLAGS, &request) != 0)
        ::_exit(77);
    for (int i = 0; i < 200 && seen.load() == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    ::_exit(seen.load() > 0 ? 0 : 1);
}

}

TEST(NetlinkWatcher, reports_a_link_coming_up)
{
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0)
        child_brings_loopback_up();
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    if (WEXITSTATUS(status) == 77)
        GTEST_SKIP() << "network namespaces are not permitted here (unshare(CLONE_NEWNET) failed)";
    EXPECT_EQ(WEXITSTATUS(status), 0) << "the watcher did not report the loopback link coming up";
}

TEST(NetlinkWatcher, stops_cleanly_without_any_change)
{
    auto watcher = NetlinkWatcher::start([] {});
    if (!watcher)
        GTEST_SKIP() << "netlink is not available here: " << watcher.error().message;
    EXPECT_EQ((*watcher)->change_count(), 0u);
}
