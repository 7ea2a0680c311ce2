#pragma once

// Class sessions for the reader app (issue 6), off the UI thread: the event
// stream runs on its own thread (sync::EventStream: reconnects with
// exponential backoff and full jitter, resumes with Last-Event-ID); every
// event is applied on the online worker by the same ClassSessionFollower
// hondana-cli runs (prefetch when scheduled, licence and open when started,
// follow the guided page, report state and page); teacher calls run there
// too. Results reach AppState only through the MainQueue.

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>

#include "core/app_state.h"
#include "core/class_session_state.h"

namespace hondana::reader {
class Reader;
}

namespace hondana::client {

// Runs a job on the thread that owns the reader core (OnlineSession's worker).
using ReaderPoster = std::function<void(std::function<void(reader::Reader&)>)>;

class ClassSessions {
public:
    ClassSessions(MainQueue& queue, ReaderPoster post);
    // Stops the stream and drops later results.
    ~ClassSessions();
    ClassSessions(const ClassSessions&) = delete;
    ClassSessions& operator=(const ClassSessions&) = delete;

    // After an online sign-in: opens the event stream. `staff` picks the role.
    void start(bool staff);
    // Sign-out: closes the stream and forgets the sessions. The stream's
    // thread is joined on the online worker (Join::OnWorker, never blocking
    // the UI thread) or here (Join::Here, when the worker is going away).
    enum class Join { OnWorker, Here };
    void stop(Join join = Join::OnWorker);
    [[nodiscard]] bool running() const;

    // Teacher console.
    void apply(const command::Classroom& command);
    // Student: the page it now reads (from 1) in the book `title_id`; reported
    // to the teacher when that book is a session's.
    void page_turned(const std::string& title_id, int page);

    struct Shared;

private:
    MainQueue& m_queue;
    ReaderPoster m_post;
    std::shared_ptr<Shared> m_shared;
};

}
