#include "hondana/reader/class_session_follower.h"

#include <algorithm>

namespace hondana::reader {

using Kind = SessionChange::Kind;

std::string_view session_change_name(SessionChange::Kind kind)
{
    switch (kind) {
    case Kind::Scheduled:
        return "scheduled";
    case Kind::Started:
        return "started";
    case Kind::ContentReady:
        return "content-ready";
    case Kind::Opened:
        return "opened";
    case Kind::PageFollowed:
        return "page";
    case Kind::Roster:
        return "roster";
    case Kind::Ended:
        return "ended";
    case Kind::StartFailed:
        return "start-failed";
    case Kind::Resynced:
        return "resynced";
    case Kind::Failed:
        return "failed";
    }
    return "failed";
}

ClassSessionFollower::ClassSessionFollower(Reader& reader, SessionRole role)
    : m_reader(reader)
    , m_role(role)
{
}

std::vector<SessionChange> ClassSessionFollower::apply(const sync::SessionEvent& event)
{
    std::vector<SessionChange> changes;
    switch (event.kind) {
    case sync::SessionEvent::Kind::Sync:
        // A snapshot of every open session follows; keep what was done here for it.
        for (auto& [id, followed] : m_sessions)
            m_before_sync[id] = std::move(followed);
        m_sessions.clear();
        changes.push_back({ Kind::Resynced, {}, {}, 0, event.sync_reason });
        break;
    case sync::SessionEvent::Kind::StudentState:
        if (event.student)
            student_state(*event.student, changes);
        break;
    case sync::SessionEvent::Kind::StartFailed:
        changes.push_back({ Kind::StartFailed, event.data.value("session_id", std::string()), {}, 0,
            event.data.contains("students") ? event.data["students"].dump() : std::string() });
        break;
    case sync::SessionEvent::Kind::Unknown:
        break;
    default:
        if (event.session)
            session_event(event, changes);
    }
    return changes;
}

void ClassSessionFollower::session_event(const sync::SessionEvent& event, std::vector<SessionChange>& changes)
{
    const auto& session = *event.session;
    if (event.kind == sync::SessionEvent::Kind::Ended || session.state == "ended") {
        m_sessions.erase(session.id);
        m_before_sync.erase(session.id);
        changes.push_back({ Kind::Ended, session.id, session.title_id, 0, ended_loan(session.title_id) });
        return;
    }
    auto [it, added] = m_sessions.try_emplace(session.id);
    auto& followed = it->second;
    if (added) {
        if (auto earlier = m_before_sync.extract(session.id))
            followed = std::move(earlier.mapped());
        else
            followed.page = session.start_page;
    }
    bool was_live = !added && followed.session.state == "live";
    auto roster = std::move(followed.roster);
    followed.session = session;
    followed.roster = event.roster.empty() ? std::move(roster) : event.roster;
    if (added && session.state == "scheduled")
        changes.push_back({ Kind::Scheduled, session.id, session.title_id, session.start_page, {} });
    if (session.state == "live" && !was_live)
        changes.push_back({ Kind::Started, session.id, session.title_id, session.page, {} });
    if (m_role == SessionRole::Staff) {
        if (!event.roster.empty())
            changes.push_back({ Kind::Roster, session.id, session.title_id, 0, {} });
        return;
    }
    prepare(followed, changes);
    if (session.state == "live") {
        if (!followed.opened)
            open(followed, changes);
        else if (event.kind == sync::SessionEvent::Kind::Page)
            follow_page(followed, changes);
    }
}

void ClassSessionFollower::prepare(FollowedSession& followed, std::vector<SessionChange>& changes)
{
    if (followed.content_ready)
        return;
    const auto& session = followed.session;
    auto fetched = m_reader.prefetch_title(session.title_id, session.content_href);
    if (!fetched)
        return failed(followed, fetched.error(), changes);
    followed.content_ready = true;
    changes.push_back(
        { Kind::ContentReady, session.id, session.title_id, 0, "prefetched " + std::to_string(fetched->transferred) });
    if (auto reported = m_reader.report_session_state(session.id, "content-ready", std::nullopt); !reported)
        failed(followed, reported.error(), changes);
}

void ClassSessionFollower::open(FollowedSession& followed, std::vector<SessionChange>& changes)
{
    const auto& session = followed.session;
    auto downloaded = m_reader.download(session.title_id, {});
    if (!downloaded)
        return failed(followed, downloaded.error(), changes);
    followed.content_ready = true;
    followed.opened = true;
    followed.problem.clear();
    followed.page = session.mode == "guided" ? session.page : std::max(followed.page, session.start_page);
    // With the content prefetched, the download at the bell only checks it: 0 bytes.
    changes.push_back({ Kind::Opened, session.id, session.title_id, followed.page,
        "downloaded " + std::to_string(downloaded->transferred) });
    if (auto reported = m_reader.report_session_state(session.id, "reading", followed.page); !reported)
        failed(followed, reported.error(), changes);
}

void ClassSessionFollower::follow_page(FollowedSession& followed, std::vector<SessionChange>& changes)
{
    const auto& session = followed.session;
    if (session.mode != "guided" || followed.page == session.page)
        return;
    followed.page = session.page;
    changes.push_back({ Kind::PageFollowed, session.id, session.title_id, followed.page, {} });
    if (auto reported = m_reader.report_session_state(session.id, "reading", followed.page); !reported)
        failed(followed, reported.error(), changes);
}

void ClassSessionFollower::student_state(const sync::RosterEntry& entry, std::vector<SessionChange>& changes)
{
    auto it = m_sessions.find(entry.session_id);
    if (it == m_sessions.end())
        return;
    auto& roster = it->second.roster;
    auto known = std::find_if(
        roster.begin(), roster.end(), [&](const sync::RosterEntry& e) { return e.login_id == entry.login_id; });
    if (known == roster.end())
        roster.push_back(entry);
    else
        *known = entry;
    changes.push_back({ Kind::Roster, entry.session_id, it->second.session.title_id, entry.page.value_or(0),
        entry.login_id + " " + entry.state });
}

std::vector<SessionChange> ClassSessionFollower::retry_pending()
{
    std::vector<SessionChange> changes;
    if (m_role != SessionRole::Student)
        return changes;
    for (auto& [id, followed] : m_sessions) {
        if (followed.problem.empty())
            continue;
        prepare(followed, changes);
        if (followed.session.state == "live" && !followed.opened)
            open(followed, changes);
    }
    return changes;
}

std::string ClassSessionFollower::ended_loan(const std::string& title_id)
{
    if (m_role != SessionRole::Student)
        return {};
    // Refreshing the loans applies the returned licence: its key and content are erased here.
    auto loans = m_reader.loans();
    if (!loans)
        return "unknown";
    bool kept = std::any_of(loans->loans.begin(), loans->loans.end(),
        [&](const sync::Loan& loan) { return loan.title_id == title_id && loan.status == "active"; });
    return kept ? "kept" : "returned";
}

Result<void> ClassSessionFollower::page_turned(const std::string& session_id, int page)
{
    auto it = m_sessions.find(session_id);
    if (it == m_sessions.end() || !it->second.opened)
        return fail(ErrorKind::Usage, "no open class session " + session_id);
    it->second.page = page;
    return m_reader.report_session_state(session_id, "reading", page);
}

void ClassSessionFollower::failed(FollowedSession& followed, const Error& error, std::vector<SessionChange>& changes)
{
    followed.problem = error.message;
    changes.push_back({ Kind::Failed, followed.session.id, followed.session.title_id, 0, error.message });
}

}
