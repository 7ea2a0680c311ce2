#pragma once

// Threads for network work, so the UI thread never blocks (DESIGN.md "The
// reader's threads"): a SyncWorker runs jobs in order on its own thread (its
// ServiceClient lives there); results go back through a ResultQueue that the
// UI thread drains once per frame without waiting.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

namespace hondana::sync {

// A queue any thread may push to and the owning thread polls without blocking.
template<typename T>
class ResultQueue {
public:
    void push(T value)
    {
        std::lock_guard lock(m_mutex);
        m_items.push_back(std::move(value));
    }
    // Never blocks; nullopt when empty.
    [[nodiscard]] std::optional<T> try_pop()
    {
        std::lock_guard lock(m_mutex);
        if (m_items.empty())
            return std::nullopt;
        T value = std::move(m_items.front());
        m_items.pop_front();
        return value;
    }
    [[nodiscard]] size_t size() const
    {
        std::lock_guard lock(m_mutex);
        return m_items.size();
    }

private:
    mutable std::mutex m_mutex;
    std::deque<T> m_items;
};

class SyncWorker {
public:
    using Job = std::function<void()>;

    SyncWorker();
    // Runs the jobs already queued, then stops.
    ~SyncWorker();
    SyncWorker(const SyncWorker&) = delete;
    SyncWorker& operator=(const SyncWorker&) = delete;

    // Queues a job; never blocks on the job.
    void post(Job job);
    // Drops jobs not yet started (the one running finishes; cancel it through
    // its HttpClient::cancel()).
    void clear();
    [[nodiscard]] size_t pending() const;
    [[nodiscard]] bool on_worker_thread() const { return std::this_thread::get_id() == m_thread.get_id(); }

private:
    void run();
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Job> m_jobs;
    bool m_stopping { false };
    std::thread m_thread;
};

}
