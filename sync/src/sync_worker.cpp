#include "hondana/sync/sync_worker.h"

namespace hondana::sync {

SyncWorker::SyncWorker()
    : m_thread([this] { run(); })
{
}

SyncWorker::~SyncWorker()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

void SyncWorker::post(Job job)
{
    {
        std::lock_guard lock(m_mutex);
        m_jobs.push_back(std::move(job));
    }
    m_wake.notify_one();
}

void SyncWorker::clear()
{
    std::lock_guard lock(m_mutex);
    m_jobs.clear();
}

size_t SyncWorker::pending() const
{
    std::lock_guard lock(m_mutex);
    return m_jobs.size();
}

void SyncWorker::run()
{
    while (true) {
        Job job;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [&] { return m_stopping || !m_jobs.empty(); });
            if (m_jobs.empty())
                return;
            job = std::move(m_jobs.front());
            m_jobs.pop_front();
        }
        job();
    }
}

}
