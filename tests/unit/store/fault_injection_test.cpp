// I/O fault injection for the store (STYLE.md §7): a SQLite VFS that fails
// the Nth write, sync or truncate, tried for every N until an operation runs
// without reaching it. After each failure the store reopens, passes its
// integrity check, and holds either the old or the new value — never a mix.

#include <atomic>

#include <gtest/gtest.h>
#include <sqlcipher/sqlite3.h>

#include "store_fixture.h"

using namespace hondana;

namespace {

std::atomic<int> countdown { -1 }; // -1: disarmed
std::atomic<bool> fired { false };
sqlite3_vfs* real_vfs = nullptr;

struct FaultFile {
    sqlite3_file base;
    sqlite3_file* real;
};

sqlite3_file* real_of(sqlite3_file* file)
{
    return reinterpret_cast<FaultFile*>(file)->real;
}

bool should_fail()
{
    int left = countdown.load();
    if (left < 0)
        return false;
    if (left == 0) {
        fired = true;
        countdown = -1;
        return true;
    }
    countdown = left - 1;
    return false;
}

int fault_close(sqlite3_file* f)
{
    int rc = real_of(f)->pMethods->xClose(real_of(f));
    sqlite3_free(real_of(f));
    return rc;
}
int fault_read(sqlite3_file* f, void* b, int n, sqlite3_int64 o) { return real_of(f)->pMethods->xRead(real_of(f), b, n, o); }
int fault_write(sqlite3_file* f, const void* b, int n, sqlite3_int64 o)
{
    return should_fail() ? SQLITE_IOERR_WRITE : real_of(f)->pMethods->xWrite(real_of(f), b, n, o);
}
int fault_truncate(sqlite3_file* f, sqlite3_int64 size)
{
    return should_fail() ? SQLITE_IOERR_TRUNCATE : real_of(f)->pMethods->xTruncate(real_of(f), size);
}
int fault_sync(sqlite3_file* f, int flags)
{
    return should_fail() ? SQLITE_IOERR_FSYNC : real_of(f)->pMethods->xSync(real_of(f), flags);
}
int fault_size(sqlite3_file* f, sqlite3_int64* s) { return real_of(f)->pMethods->xFileSize(real_of(f), s); }
int fault_lock(sqlite3_file* f, int l) { return real_of(f)->pMethods->xLock(real_of(f), l); }
int fault_unlock(sqlite3_file* f, int l) { return real_of(f)->pMethods->xUnlock(real_of(f), l); }
int fault_reserved(sqlite3_file* f, int* r) { return real_of(f)->pMethods->xCheckReservedLock(real_of(f), r); }
int fault_control(sqlite3_file* f, int op, void* a) { return real_of(f)->pMethods->xFileControl(real_of(f), op, a); }
int fault_sector(sqlite3_file* f) { return real_of(f)->pMethods->xSectorSize(real_of(f)); }
int fault_characteristics(sqlite3_file* f) { return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f)); }
int fault_shm_map(sqlite3_file* f, int p, int s, int e, void volatile** m)
{
    return real_of(f)->pMethods->xShmMap(real_of(f), p, s, e, m);
}
int fault_shm_lock(sqlite3_file* f, int o, int n, int fl) { return real_of(f)->pMethods->xShmLock(real_of(f), o, n, fl); }
void fault_shm_barrier(sqlite3_file* f) { real_of(f)->pMethods->xShmBarrier(real_of(f)); }
int fault_shm_unmap(sqlite3_file* f, int d) { return real_of(f)->pMethods->xShmUnmap(real_of(f), d); }

const sqlite3_io_methods fault_methods = { 2, fault_close, fault_read, fault_write, fault_truncate, fault_sync,
    fault_size, fault_lock, fault_unlock, fault_reserved, fault_control, fault_sector, fault_characteristics,
    fault_shm_map, fault_shm_lock, fault_shm_barrier, fault_shm_unmap, nullptr, nullptr };

int fault_open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags)
{
    auto* wrapper = reinterpret_cast<FaultFile*>(file);
    wrapper->base.pMethods = nullptr;
    wrapper->real = static_cast<sqlite3_file*>(sqlite3_malloc(real_vfs->szOsFile));
    if (!wrapper->real)
        return SQLITE_NOMEM;
    int rc = real_vfs->xOpen(real_vfs, name, wrapper->real, flags, out_flags);
    if (rc != SQLITE_OK || !wrapper->real->pMethods) {
        sqlite3_free(wrapper->real);
        return rc;
    }
    wrapper->base.pMethods = &fault_methods;
    return SQLITE_OK;
}

// Registers the fault VFS as the default, once per process.
void install_fault_vfs()
{
    static sqlite3_vfs vfs;
    if (real_vfs)
        return;
    real_vfs = sqlite3_vfs_find(nullptr);
    vfs = *real_vfs;
    vfs.zName = "hondana-fault";
    vfs.szOsFile = static_cast<int>(sizeof(FaultFile));
    vfs.xOpen = fault_open;
    sqlite3_vfs_register(&vfs, 1);
}

}

TEST(StoreFaults, every_failing_write_sync_or_truncate_leaves_the_old_or_the_new_state)
{
    install_fault_vfs();
    test::StoreFixture f;
    const char* password = "Fault-Test-Pass-1";
    {
        auto created = store::UserStore::open_online(f.paths, *f.key_store, *f.device, "faults", password, test::fast_kdf);
        ASSERT_TRUE(created) << created.error().message;
        ASSERT_TRUE((*created)->set_setting("counter", "0"));
    }
    int committed = 0;
    int failures = 0;
    int step = 0;
    for (; step < 400; ++step) {
        auto user = store::UserStore::open_offline(f.paths, *f.key_store, *f.device, "faults", password, 1000);
        ASSERT_TRUE(user) << "step " << step << ": " << user.error().message;
        fired = false;
        countdown = step;
        auto value = std::to_string(step + 1);
        bool ok = (*user)->set_setting("counter", value).has_value()
            && (*user)->add_bookmark({ 0, "t", "page=" + value, "b", base::now_utc() }).has_value()
            && f.device->append_audit("test.fault", base::now_utc(), std::nullopt, std::nullopt, value).has_value();
        countdown = -1;
        user->reset();
        if (!fired) {
            EXPECT_TRUE(ok) << "step " << step << " failed without an injected fault";
            break;
        }
        failures += ok ? 0 : 1;

        auto reopened = store::UserStore::open_offline(f.paths, *f.key_store, *f.device, "faults", password, 1000);
        ASSERT_TRUE(reopened) << "step " << step << ": " << reopened.error().message;
        ASSERT_TRUE((*reopened)->integrity_check()) << "step " << step;
        ASSERT_TRUE(f.device->integrity_check()) << "step " << step;
        auto counter = (*reopened)->setting("counter");
        ASSERT_TRUE(counter && counter->has_value());
        int stored = std::stoi(**counter);
        EXPECT_TRUE(stored == committed || stored == step + 1)
            << "step " << step << ": counter " << stored << " is neither the old " << committed << " nor the new value";
        committed = stored;
    }
    std::cout << "injected " << step << " faults, " << failures << " surfaced as errors\n";
    EXPECT_LT(step, 400) << "the operations never ran without reaching a fault";
    EXPECT_GT(failures, 0) << "no injected fault surfaced as an error";
}
