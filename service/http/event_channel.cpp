#include "http/event_channel.h"

namespace hondana::http {

EventChannel::EventChannel(EventChannelOptions options)
    : m_options(options)
{
}

bool EventChannel::push(std::string frame)
{
    bool accepted = false;
    {
        std::lock_guard lock(m_mutex);
        if (m_closed || m_finished)
            return false;
        // Over the bound: the stream ends (the session finishes it on its own
        // thread, since a publisher may hold locks the callback needs).
        accepted = m_queue.size() + frame.size() <= m_options.max_queued_bytes;
        if (accepted) {
            m_queue += frame;
        } else {
            m_overflowed = true;
            m_closed = true;
            std::string().swap(m_queue);
        }
    }
    wake();
    return accepted;
}

void EventChannel::prepend(std::string frames)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_finished)
            return;
        m_queue.insert(0, frames);
    }
    wake();
}

void EventChannel::close()
{
    {
        std::lock_guard lock(m_mutex);
        m_closed = true;
    }
    wake();
}

void EventChannel::on_finished(std::function<void(StreamEnd)> callback)
{
    bool finished_already = false;
    {
        std::lock_guard lock(m_mutex);
        finished_already = m_finished;
        if (!finished_already)
            m_on_finished = std::move(callback);
    }
    if (finished_already && callback)
        callback(StreamEnd::Closed);
}

void EventChannel::attach(std::function<void()> wake)
{
    {
        std::lock_guard lock(m_mutex);
        m_wake = std::move(wake);
    }
    this->wake();
}

std::string EventChannel::take()
{
    std::lock_guard lock(m_mutex);
    std::string out;
    out.swap(m_queue);
    return out;
}

bool EventChannel::overflowed() const
{
    std::lock_guard lock(m_mutex);
    return m_overflowed;
}

bool EventChannel::closed() const
{
    std::lock_guard lock(m_mutex);
    return m_closed || m_finished;
}

size_t EventChannel::queued_bytes() const
{
    std::lock_guard lock(m_mutex);
    return m_queue.size();
}

void EventChannel::finish(StreamEnd why)
{
    std::function<void(StreamEnd)> callback;
    {
        std::lock_guard lock(m_mutex);
        if (m_finished)
            return;
        m_finished = true;
        m_closed = true;
        std::string().swap(m_queue);
        callback = std::move(m_on_finished);
        m_on_finished = nullptr;
    }
    if (callback)
        callback(why);
}

void EventChannel::wake()
{
    std::function<void()> waker;
    {
        std::lock_guard lock(m_mutex);
        waker = m_wake;
    }
    if (waker)
        waker();
}

std::string sse_frame(std::string_view id, std::string_view event, std::string_view data)
{
    std::string frame;
    frame.reserve(id.size() + event.size() + data.size() + 24);
    if (!id.empty())
        frame.append("id: ").append(id).append("\n");
    frame.append("event: ").append(event).append("\ndata: ").append(data).append("\n\n");
    return frame;
}

}
