// The trusted clock across processes, with the wall clock set back by
// libfaketime (the `faketime` package): the ratchet holds, the rollback is
// recorded in the audit log.

#include <gtest/gtest.h>

#include "child_process.h"
#include "hondana/platform/key_store.h"
#include "hondana/store/device_store.h"
#include "temp_dir.h"

using namespace hondana;
using namespace std::chrono_literals;

namespace {

bool have_faketime()
{
    return std::system("command -v faketime >/dev/null 2>&1") == 0;
}

std::string run(std::vector<std::string> args, std::vector<std::string> env = {})
{
    test::ChildProcess child(std::move(args), std::move(env));
    EXPECT_TRUE(child.started());
    EXPECT_EQ(child.wait(), 0) << child.output();
    return child.last_line();
}

base::Timestamp first_time(const std::string& line)
{
    return base::parse_rfc3339(line.substr(0, line.find(' '))).value_or(base::Timestamp {});
}

int64_t rollback_events(const std::filesystem::path& home)
{
    auto paths = *platform::ReaderPaths::resolve(home);
    auto key_store = std::move(*platform::FileKeyStore::open(paths.device_dir(), paths.home / "machine-id"));
    auto device = std::move(*store::DeviceStore::open(paths, *key_store));
    auto events = device->pending_audit(1000);
    if (!events)
        return -1;
    int64_t count = 0;
    for (const auto& event : *events)
        count += event.type == store::audit_type::clock_rollback;
    return count;
}

}

TEST(ClockRollback, wall_clock_set_back_a_month_under_faketime_does_not_move_trusted_time)
{
    if (!have_faketime())
        GTEST_SKIP() << "faketime is not installed (Debian package faketime; scripts/setup installs it)";
    test::TempDir dir;
    auto server_now = base::format_rfc3339(base::now_utc());
    auto synced = run({ HONDANA_CRASH_HELPER, "clock", dir.path().string(), server_now });
    ASSERT_NE(synced.find("synced"), std::string::npos) << synced;
    auto before = first_time(synced);

    // Same boot, monotonic clock untouched: trusted time is server time + elapsed.
    auto set_back = run({ "faketime", "-f", "-30d", HONDANA_CRASH_HELPER, "clock", dir.path().string() },
        { "FAKETIME_DONT_FAKE_MONOTONIC=1" });
    EXPECT_NE(set_back.find("rollback"), std::string::npos) << set_back;
    EXPECT_NE(set_back.find("synced"), std::string::npos) << set_back;
    EXPECT_GE(first_time(set_back), before) << set_back;

    // Monotonic clock faked too (looks like another boot): the ratchet holds.
    auto ratchet = run({ "faketime", "-f", "-60d", HONDANA_CRASH_HELPER, "clock", dir.path().string() });
    EXPECT_GE(first_time(ratchet), before) << ratchet;
    EXPECT_LT(first_time(ratchet), before + std::chrono::days(1)) << "a faked monotonic clock moved time far ahead";
    EXPECT_NE(ratchet.find("rollback"), std::string::npos) << ratchet;
    EXPECT_GE(rollback_events(dir.path()), 2);
}
