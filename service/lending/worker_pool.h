#pragma once

// A fixed set of threads with a bounded queue, for work that must not run on
// the network threads (PBKDF2 at 600,000 iterations takes a quarter of a
// second): a burst of logins waits here, or is refused when the queue is
// full, and never starves other requests.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace hondana::lending {

class WorkerPool {
public:
    WorkerPool(size_t threads, size_t max_queued);
    ~WorkerPool(); // finishes queued work, then joins
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    // Queues `job`; false (and `job` dropped) when the queue is full or the
    // pool is stopping. Jobs must not throw.
    [[nodiscard]] bool try_submit(std::function<void()> job);

    [[nodiscard]] size_t queued() const;
    [[nodiscard]] size_t threads() const { return m_threads.size(); }
    [[nodiscard]] size_t capacity() const { return m_max_queued; }

private:
    void run();

    mutable std::mutex m_mutex;
    std::condition_variable m_ready;
    std::deque<std::function<void()>> m_queue;
    size_t m_max_queued;
    bool m_stopping { false };
    std::vector<std::thread> m_threads;
};

}
