#include "lending/worker_pool.h"

#include <algorithm>

namespace hondana::lending {

WorkerPool::WorkerPool(size_t threads, size_t max_queued)
    : m_max_queued(std::max<size_t>(1, max_queued))
{
    threads = std::max<size_t>(1, threads);
    m_threads.reserve(threads);
    for (size_t i = 0; i < threads; ++i)
        m_threads.emplace_back([this] { run(); });
}

WorkerPool::~WorkerPool()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_ready.notify_all();
    for (auto& thread : m_threads)
        thread.join();
}

bool WorkerPool::try_submit(std::function<void()> job)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping || m_queue.size() >= m_max_queued)
            return false;
        m_queue.push_back(std::move(job));
    }
    m_ready.notify_one();
    return true;
}

size_t WorkerPool::queued() const
{
    std::lock_guard lock(m_mutex);
    return m_queue.size();
}

void WorkerPool::run()
{
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock lock(m_mutex);
            m_ready.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
            if (m_queue.empty())
                return;
            job = std::move(m_queue.front());
            m_queue.pop_front();
        }
        job();
    }
}

}
