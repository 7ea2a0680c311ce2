// hondana-cli session …: class-wide reading sessions (issue 6) headless —
// the teacher's calls (create, start, page, end, show) and `session watch`,
// which runs the event stream and the same ClassSessionFollower the reader
// app runs, printing one line per event and per change (docs/reader.md).

#include "sessions.h"

#include <condition_variable>
#include <deque>
#include <future>
#include <iostream>
#include <mutex>

#include "commands.h"
#include "hondana/reader/class_session_follower.h"
#include "terminal.h"

namespace hondana::cli {

using reader::ErrorKind;

namespace {

void print_session(const sync::ClassSession& session)
{
    std::cout << "session " << session.id << " " << session.state << " class " << session.class_name << " title "
              << session.title_id << " \"" << session.title << "\" mode " << session.mode << " start_page "
              << session.start_page << " page " << session.page << " teacher " << session.teacher_login;
    if (session.start_at)
        std::cout << " start_at " << base::format_rfc3339(*session.start_at);
    if (session.licence_id)
        std::cout << " licence " << *session.licence_id;
    std::cout << "\n";
}

void print_roster(const std::vector<sync::RosterEntry>& roster)
{
    for (const auto& entry : roster) {
        std::cout << "student " << entry.login_id << " " << entry.state;
        if (entry.page)
            std::cout << " page " << *entry.page;
        std::cout << " \"" << entry.display_name << "\"\n";
    }
}

template<typename T>
int answer(
    reader::Reader& reader, const std::function<reader::Result<T>()>& call, const std::function<void(const T&)>& print)
{
    if (auto failed = resume(reader))
        return *failed;
    auto result = call();
    if (!result)
        return report(result.error());
    print(*result);
    return 0;
}

// Jobs for the thread that owns the Reader, posted by the stream's thread.
class Mailbox {
public:
    // False once closed (the job is dropped).
    bool post(std::function<void()> job)
    {
        std::lock_guard lock(m_mutex);
        if (m_closed)
            return false;
        m_jobs.push_back(std::move(job));
        m_wake.notify_one();
        return true;
    }
    std::function<void()> take()
    {
        std::unique_lock lock(m_mutex);
        m_wake.wait(lock, [this] { return !m_jobs.empty(); });
        auto job = std::move(m_jobs.front());
        m_jobs.pop_front();
        return job;
    }
    // Refuses new jobs and runs those already posted (so no poster waits forever).
    void close()
    {
        std::deque<std::function<void()>> left;
        {
            std::lock_guard lock(m_mutex);
            m_closed = true;
            left.swap(m_jobs);
        }
        for (auto& job : left)
            job();
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::function<void()>> m_jobs;
    bool m_closed { false };
};

struct WatchOptions {
    std::string until; // a change name that ends the watch
    std::string last_event_id;
};

// Asks the Reader's thread for stream access and waits for it.
sync::Result<sync::StreamAccess> access_through(Mailbox& mailbox, reader::Reader& reader)
{
    auto promise = std::make_shared<std::promise<sync::Result<sync::StreamAccess>>>();
    auto future = promise->get_future();
    bool posted = mailbox.post([promise, &reader] {
        auto access = reader.event_stream_access();
        promise->set_value(access ? sync::Result<sync::StreamAccess>(*access)
                                  : sync::fail(sync::ErrorKind::TokenInvalid, access.error().message));
    });
    if (!posted)
        return sync::fail(sync::ErrorKind::Cancelled, "the watch is ending");
    return future.get();
}

// Prints what changed; true when the watch should end.
bool print_changes(const std::vector<reader::SessionChange>& changes, const WatchOptions& options)
{
    bool done = false;
    for (const auto& change : changes) {
        auto name = reader::session_change_name(change.kind);
        std::cout << "change " << name << " session " << change.session_id << " title " << change.title_id << " page "
                  << change.page;
        if (!change.detail.empty())
            std::cout << " " << change.detail;
        std::cout << std::endl;
        done = done || name == options.until;
    }
    return done;
}

int watch(reader::Reader& reader, const WatchOptions& options)
{
    std::optional<reader::SignInResult> signed_in;
    if (auto failed = resume_as(reader, signed_in))
        return *failed;
    auto tls = reader.event_stream_tls();
    if (!tls)
        return report(tls.error());
    auto stream = sync::EventStream::create(std::move(*tls));
    if (!stream)
        return report(reader::from_sync(stream.error()));
    auto role = signed_in->user.role == "student" ? reader::SessionRole::Student : reader::SessionRole::Staff;
    reader::ClassSessionFollower follower(reader, role);
    Mailbox mailbox;
    bool done = false;
    int exit = 0;
    sync::EventStreamCallbacks callbacks;
    callbacks.access = [&] { return access_through(mailbox, reader); };
    callbacks.on_event = [&](const sync::SseEvent& event) {
        (void)mailbox.post([&, event] {
            std::cout << "event " << event.id << " " << event.type << std::endl;
            auto decoded = sync::parse_session_event(event.type, event.data);
            if (!decoded) {
                std::cerr << "hondana-cli: skipped event " << event.type << ": " << decoded.error().message << "\n";
                return;
            }
            decoded->id = event.id;
            done = done || print_changes(follower.apply(*decoded), options);
        });
    };
    callbacks.on_status = [&](sync::StreamStatus status, const std::optional<sync::Error>& error, auto delay) {
        (void)mailbox.post([&, status, error, delay] {
            std::cout << "stream " << sync::stream_status_name(status) << (error ? " " + error->message : "")
                      << (status == sync::StreamStatus::Waiting ? " retry_in_ms " + std::to_string(delay.count()) : "")
                      << std::endl;
            if (status == sync::StreamStatus::Connected)
                done = done || print_changes(follower.retry_pending(), options);
            if (status == sync::StreamStatus::Stopped && error) {
                exit = report(reader::from_sync(*error));
                done = true;
            }
        });
    };
    (*stream)->start(std::move(callbacks), options.last_event_id);
    while (!done)
        mailbox.take()();
    mailbox.close();
    (*stream)->stop();
    std::cout << "last_event_id " << (*stream)->last_event_id() << std::endl;
    return exit;
}

void add_teacher_commands(CLI::App* session, SessionRequest& r)
{
    auto* create = session->add_subcommand("create", "open a session for a class: now, or at --at");
    create->add_option("--class", r.session.class_name, "the class (as the roster names it)")->required();
    create->add_option("--school", r.session.school, "the class's school (default: yours)");
    create->add_option("--title", r.session.title_id, "title ID")->required();
    create->add_option("--page", r.session.start_page, "start page (from 1)")->check(CLI::Range(1, 100000));
    create->add_option("--mode", r.session.mode, "free or guided")->check(CLI::IsMember({ "free", "guided" }));
    create->add_option("--at", r.start_at, "start time, RFC 3339 UTC (default: now)");
    create->callback([&r] {
        r.set([&r](reader::Reader& core) {
            if (r.start_at) {
                r.session.start_at = base::parse_rfc3339(*r.start_at);
                if (!r.session.start_at)
                    return report({ ErrorKind::Usage, "--at must be an RFC 3339 time" });
            }
            return answer<sync::ClassSession>(
                core, [&] { return core.create_session(r.session); }, print_session);
        });
    });
    auto* start = session->add_subcommand("start", "start a scheduled session now");
    start->add_option("id", r.id, "session ID")->required();
    start->callback([&r] {
        r.set([&r](reader::Reader& core) {
            return answer<sync::ClassSession>(
                core, [&] { return core.start_session(r.id); }, print_session);
        });
    });
    auto* page = session->add_subcommand("page", "guided mode: everyone to this page");
    page->add_option("id", r.id, "session ID")->required();
    page->add_option("page", r.page, "page (from 1)")->required()->check(CLI::Range(1, 100000));
    page->callback([&r] {
        r.set([&r](reader::Reader& core) {
            return answer<sync::ClassSession>(
                core, [&] { return core.guide_session(r.id, r.page); }, print_session);
        });
    });
    auto* end = session->add_subcommand("end", "end a session; its session loans are returned");
    end->add_option("id", r.id, "session ID")->required();
    end->callback([&r] {
        r.set([&r](reader::Reader& core) {
            return answer<sync::SessionEnd>(
                core, [&] { return core.end_session(r.id); },
                [](const sync::SessionEnd& e) {
                    print_session(e.session);
                    std::cout << "returned " << e.returned << "\n";
                });
        });
    });
}

void add_shared_commands(CLI::App* session, SessionRequest& r)
{
    session->add_subcommand("list", "scheduled and live sessions you take part in or lead")->callback([&r] {
        r.set([](reader::Reader& core) {
            return answer<std::vector<sync::ClassSession>>(
                core, [&] { return core.class_sessions(); },
                [](const std::vector<sync::ClassSession>& sessions) {
                    for (const auto& each : sessions)
                        print_session(each);
                });
        });
    });
    auto* show = session->add_subcommand("show", "a session; for its teacher, the roster with each student's state");
    show->add_option("id", r.id, "session ID")->required();
    show->callback([&r] {
        r.set([&r](reader::Reader& core) {
            return answer<sync::SessionDetail>(
                core, [&] { return core.class_session(r.id); },
                [](const sync::SessionDetail& detail) {
                    print_session(detail.session);
                    print_roster(detail.roster);
                });
        });
    });
    auto* watch_command = session->add_subcommand(
        "watch", "follow the event stream as the reader app does (students: prefetch, open, follow the page)");
    watch_command->add_option("--until", r.until, "end after this change (opened, page, ended, …)");
    watch_command->add_option("--last-event-id", r.last_event_id, "resume an earlier stream from this event");
    watch_command->callback([&r] {
        r.set([&r](reader::Reader& core) { return watch(core, { r.until, r.last_event_id }); });
    });
}

}

void add_session_commands(CLI::App& app, SessionRequest& request)
{
    auto* session = app.add_subcommand("session", "class-wide reading sessions (一斉読書)");
    session->require_subcommand(1);
    add_teacher_commands(session, request);
    add_shared_commands(session, request);
}

}
