#include "core/class_session.h"

#include <chrono>
#include <future>

#include "core/online_session_core.h"
#include "hondana/reader/class_session_follower.h"
#include "hondana/sync/event_stream.h"

namespace hondana::client {

using namespace std::chrono_literals;
using Change = reader::SessionChange;

// Shared by the UI thread, the stream's thread and the online worker. The
// follower is touched on the online worker only.
struct ClassSessions::Shared {
    std::mutex mutex;
    uint64_t generation { 0 }; // a start() or stop() makes earlier jobs stale
    bool running { false };
    std::unique_ptr<sync::EventStream> stream;
    std::vector<std::unique_ptr<sync::EventStream>> retiring; // stopped streams still to join
    std::unique_ptr<reader::ClassSessionFollower> follower;

    // Joins the streams stop() retired (outside the lock: a stream's thread may be posting).
    void join_retired()
    {
        std::vector<std::unique_ptr<sync::EventStream>> streams;
        {
            std::lock_guard lock(mutex);
            streams.swap(retiring);
        }
        for (auto& retired : streams)
            retired->stop();
    }

    bool current(uint64_t job_generation)
    {
        std::lock_guard lock(mutex);
        return running && generation == job_generation;
    }
};

namespace {

ClassroomSession view_of(const reader::FollowedSession& followed)
{
    const auto& s = followed.session;
    ClassroomSession view { s.id, s.class_name, s.title_id, s.title, s.teacher, s.mode, s.state, s.start_page, s.page,
        s.start_at ? base::format_rfc3339(*s.start_at) : "", {}, followed.content_ready, followed.opened, followed.page,
        followed.problem };
    for (const auto& entry : followed.roster)
        view.roster.push_back({ entry.login_id, entry.display_name, entry.state, entry.page });
    return view;
}

// Hands the follower's sessions and what changed to the main thread.
void publish(MainQueue& queue, const reader::ClassSessionFollower& follower, std::vector<Change> changes)
{
    std::vector<ClassroomSession> sessions;
    for (const auto& [id, followed] : follower.sessions())
        sessions.push_back(view_of(followed));
    queue.push([sessions = std::move(sessions), changes = std::move(changes)](AppState& s) {
        auto& classroom = s.classroom;
        classroom.sessions = sessions;
        for (const auto& change : changes) {
            switch (change.kind) {
            case Change::Kind::Opened:
                classroom.open_request = ClassroomOpen { change.session_id, change.title_id, change.page };
                classroom.banner_session = change.session_id;
                break;
            case Change::Kind::PageFollowed:
                if (classroom.banner_session == change.session_id)
                    classroom.follow_page = change.page;
                break;
            case Change::Kind::Ended:
                if (classroom.banner_session == change.session_id) {
                    classroom.banner_session.clear();
                    s.notice_key = "session.ended_notice";
                }
                if (change.detail == "returned")
                    classroom.close_title = change.title_id; // the session loan is gone: so is the book

                break;
            case Change::Kind::StartFailed:
                classroom.refusal = change.detail;
                classroom.refusal_code = "sync.not_enough_copies";
                break;
            default:
                break;
            }
        }
    });
}

sync::Result<sync::StreamAccess> access_from(reader::Reader& core)
{
    auto access = core.event_stream_access();
    if (access)
        return *access;
    auto kind = access.error().kind == reader::ErrorKind::DeviceRevoked ? sync::ErrorKind::DeviceRevoked
                                                                        : sync::ErrorKind::Unreachable;
    return sync::fail(kind, access.error().message);
}

// The event a teacher call's answer stands for, so the console shows it at once.
sync::SessionEvent event_for(const sync::ClassSession& session, std::vector<sync::RosterEntry> roster)
{
    sync::SessionEvent event;
    event.kind = session.state == "ended" ? sync::SessionEvent::Kind::Ended
        : session.state == "live"         ? sync::SessionEvent::Kind::Started
                                          : sync::SessionEvent::Kind::Scheduled;
    event.type = "local";
    event.session = session;
    event.roster = std::move(roster);
    return event;
}

reader::Result<sync::ClassSession> teacher_call(reader::Reader& core, const command::Classroom& c)
{
    using Action = command::Classroom::Action;
    switch (c.action) {
    case Action::Create: {
        sync::NewSession request;
        request.class_name = c.class_name;
        request.title_id = c.title_id;
        request.start_page = c.page;
        request.mode = c.mode;
        auto now = core.trusted_now().now;
        if (c.start_at_minute) {
            request.start_at = today_at(*c.start_at_minute, now, local_utc_offset_minutes(now));
            if (!request.start_at)
                return reader::fail(
                    reader::ErrorKind::Usage, "[session.time_passed] that time has already passed today");
        } else if (c.start_in_minutes > 0) {
            request.start_at = now + std::chrono::minutes(c.start_in_minutes);
        }
        return core.create_session(request);
    }
    case Action::StartNow:
        return core.start_session(c.session_id);
    case Action::Guide:
        return core.guide_session(c.session_id, c.page);
    case Action::End:
        return core.end_session(c.session_id).map([](sync::SessionEnd ended) { return ended.session; });
    }
    return reader::fail(reader::ErrorKind::Usage, "unknown console action");
}

// Runs `work` with the follower on the online worker while `generation` is current.
void with_follower(const std::weak_ptr<ClassSessions::Shared>& weak, uint64_t generation, const ReaderPoster& post,
    MainQueue& queue, std::function<std::vector<Change>(reader::ClassSessionFollower&)> work)
{
    post([weak, generation, &queue, work = std::move(work)](reader::Reader&) {
        auto alive = weak.lock();
        if (alive && alive->current(generation) && alive->follower)
            publish(queue, *alive->follower, work(*alive->follower));
    });
}

// The stream's callbacks: access and events go through the online worker
// (the reader core is used there only), statuses straight to the main thread.
sync::EventStreamCallbacks stream_callbacks(
    std::weak_ptr<ClassSessions::Shared> weak, uint64_t generation, ReaderPoster post, MainQueue& queue)
{
    sync::EventStreamCallbacks callbacks;
    callbacks.access = [weak, generation, post]() -> sync::Result<sync::StreamAccess> {
        auto promise = std::make_shared<std::promise<sync::Result<sync::StreamAccess>>>();
        auto future = promise->get_future();
        post([promise](reader::Reader& core) { promise->set_value(access_from(core)); });
        while (future.wait_for(100ms) != std::future_status::ready) {
            auto alive = weak.lock();
            if (!alive || !alive->current(generation))
                return sync::fail(sync::ErrorKind::Cancelled, "class sessions stopped");
        }
        return future.get();
    };
    callbacks.on_event = [weak, generation, post, &queue](const sync::SseEvent& event) {
        with_follower(weak, generation, post, queue, [event](reader::ClassSessionFollower& follower) {
            auto decoded = sync::parse_session_event(event.type, event.data);
            if (!decoded)
                return std::vector<Change> {}; // skipped; the next snapshot repairs the picture
            decoded->id = event.id;
            return follower.apply(*decoded);
        });
    };
    callbacks.on_status = [weak, generation, post, &queue](sync::StreamStatus status,
                              const std::optional<sync::Error>& error, std::chrono::milliseconds delay) {
        if (status == sync::StreamStatus::Connected)
            with_follower(weak, generation, post, queue,
                [](reader::ClassSessionFollower& follower) { return follower.retry_pending(); });
        queue.push([name = std::string(sync::stream_status_name(status)), message = error ? error->message : "",
                       delay = static_cast<int>(delay.count())](AppState& s) {
            s.classroom.stream = name;
            s.classroom.stream_error = message;
            s.classroom.retry_in_ms = delay;
        });
    };
    return callbacks;
}

}

ClassSessions::ClassSessions(MainQueue& queue, ReaderPoster post)
    : m_queue(queue)
    , m_post(std::move(post))
    , m_shared(std::make_shared<Shared>())
{
}

ClassSessions::~ClassSessions()
{
    stop(Join::Here);
}

bool ClassSessions::running() const
{
    std::lock_guard lock(m_shared->mutex);
    return m_shared->running;
}

void ClassSessions::start(bool staff)
{
    uint64_t generation = 0;
    {
        std::lock_guard lock(m_shared->mutex);
        if (m_shared->running)
            return;
        m_shared->running = true;
        generation = ++m_shared->generation;
    }
    m_queue.push([](AppState& s) { s.classroom.stream = "connecting"; });
    std::weak_ptr<Shared> weak = m_shared;
    m_post([weak, generation, staff, post = m_post, &queue = m_queue](reader::Reader& core) {
        auto shared = weak.lock();
        if (!shared || !shared->current(generation))
            return;
        auto tls = core.event_stream_tls();
        auto stream = tls ? sync::EventStream::create(std::move(*tls))
                          : sync::fail(sync::ErrorKind::Unreachable, tls.error().message);
        if (!stream) {
            queue.push([message = stream.error().message](AppState& s) {
                s.classroom.stream = "stopped";
                s.classroom.stream_error = message;
            });
            return;
        }
        shared->follower = std::make_unique<reader::ClassSessionFollower>(
            core, staff ? reader::SessionRole::Staff : reader::SessionRole::Student);
        (*stream)->start(stream_callbacks(weak, generation, post, queue));
        std::lock_guard lock(shared->mutex);
        shared->stream = std::move(*stream);
    });
}

void ClassSessions::stop(Join join)
{
    {
        std::lock_guard lock(m_shared->mutex);
        if (m_shared->running) {
            m_shared->running = false;
            ++m_shared->generation;
            if (m_shared->stream)
                m_shared->retiring.push_back(std::move(m_shared->stream));
        }
    }
    // The access wait above sees the generation change and gives up, so a join never waits for the worker.
    if (join == Join::Here)
        m_shared->join_retired();
    m_post([shared = m_shared](reader::Reader&) {
        shared->join_retired();
        shared->follower.reset();
    });
    m_queue.push([](AppState& s) { s.classroom = ClassroomState {}; });
}

void ClassSessions::apply(const command::Classroom& command)
{
    m_queue.push([](AppState& s) {
        s.classroom.busy = true;
        s.classroom.refusal.clear();
        s.classroom.refusal_code.clear();
    });
    m_post([shared = m_shared, command, &queue = m_queue](reader::Reader& core) {
        auto answered = teacher_call(core, command);
        if (!answered) {
            queue.push([error = answered.error()](AppState& s) {
                s.classroom.busy = false;
                s.classroom.refusal = error.message;
                s.classroom.refusal_code = error_code_of(error);
            });
            return;
        }
        std::vector<sync::RosterEntry> roster;
        if (answered->state != "ended") {
            if (auto detail = core.class_session(answered->id))
                roster = detail->roster;
        }
        if (shared->follower)
            publish(queue, *shared->follower, shared->follower->apply(event_for(*answered, std::move(roster))));
        queue.push([](AppState& s) { s.classroom.busy = false; });
    });
}

void ClassSessions::page_turned(const std::string& title_id, int page)
{
    m_post([shared = m_shared, title_id, page, &queue = m_queue](reader::Reader&) {
        if (!shared->follower || shared->follower->role() != reader::SessionRole::Student)
            return;
        for (const auto& [id, followed] : shared->follower->sessions()) {
            if (followed.session.title_id != title_id || !followed.opened || followed.page == page)
                continue;
            (void)shared->follower->page_turned(id, page);
            publish(queue, *shared->follower, {});
            return;
        }
    });
}

}
