#include "hondana/sync/sync_worker.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

using namespace hondana::sync;

TEST(SyncWorker, runs_jobs_in_order_off_the_calling_thread_and_results_come_back_through_the_queue)
{
    ResultQueue<int> results;
    auto caller = std::this_thread::get_id();
    std::atomic<bool> off_thread { true };
    {
        SyncWorker worker;
        for (int i = 0; i < 50; ++i) {
            worker.post([&, i] {
                off_thread = off_thread && std::this_thread::get_id() != caller && worker.on_worker_thread();
                results.push(i);
            });
        }
    } // the destructor runs what was queued, then joins
    EXPECT_TRUE(off_thread);
    for (int i = 0; i < 50; ++i) {
        auto value = results.try_pop();
        ASSERT_TRUE(value);
        EXPECT_EQ(*value, i);
    }
    EXPECT_FALSE(results.try_pop()) << "try_pop never blocks and is empty now";
}

TEST(SyncWorker, clear_drops_jobs_not_yet_started)
{
    std::atomic<int> ran { 0 };
    std::atomic<bool> release { false };
    {
        SyncWorker worker;
        worker.post([&] {
            while (!release)
                std::this_thread::yield();
            ++ran;
        });
        for (int i = 0; i < 10; ++i)
            worker.post([&] { ++ran; });
        worker.clear();
        EXPECT_EQ(worker.pending(), 0u);
        release = true;
    }
    EXPECT_LE(ran.load(), 1);
}
