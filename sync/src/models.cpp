#include "hondana/sync/models.h"

namespace hondana::sync {

using nlohmann::json;

namespace {

auto malformed(std::string_view path, std::string_view why)
{
    return fail(ErrorKind::MalformedResponse, "response member `" + std::string(path) + "` " + std::string(why));
}

Result<const json*> member(const json& object, std::string_view name)
{
    if (!object.is_object())
        return malformed(name, "is inside something that is not an object");
    auto it = object.find(name);
    if (it == object.end())
        return malformed(name, "is missing");
    return &*it;
}

Result<std::string> string_of(const json& object, std::string_view name)
{
    const json* value = TRY(member(object, name));
    if (!value->is_string())
        return malformed(name, "is not a string");
    return value->get<std::string>();
}

std::string string_or(const json& object, std::string_view name, std::string fallback = {})
{
    auto it = object.find(name);
    return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

int64_t integer_or(const json& object, std::string_view name, int64_t fallback)
{
    auto it = object.find(name);
    return it != object.end() && it->is_number_integer() ? it->get<int64_t>() : fallback;
}

Result<base::Timestamp> time_of(const json& object, std::string_view name)
{
    auto text = TRY(string_of(object, name));
    auto time = base::parse_rfc3339(text);
    if (!time)
        return malformed(name, "is not an RFC 3339 time");
    return *time;
}

std::optional<base::Timestamp> optional_time(const json& object, std::string_view name)
{
    auto it = object.find(name);
    if (it == object.end() || !it->is_string())
        return std::nullopt;
    return base::parse_rfc3339(it->get<std::string>());
}

Result<const json*> array_of(const json& object, std::string_view name)
{
    const json* value = TRY(member(object, name));
    if (!value->is_array())
        return malformed(name, "is not an array");
    return value;
}

Result<CatalogEntry> parse_publication(const json& publication)
{
    const json* metadata = TRY(member(publication, "metadata"));
    CatalogEntry entry;
    entry.identifier = TRY(string_of(*metadata, "identifier"));
    entry.id = entry.identifier.starts_with("urn:uuid:") ? entry.identifier.substr(9) : entry.identifier;
    if (auto links = publication.find("links"); links != publication.end() && links->is_array()) {
        for (const auto& link : *links) {
            std::string href = string_or(link, "href");
            constexpr std::string_view prefix = "/v1/titles/", suffix = "/borrow";
            if (href.starts_with(prefix) && href.ends_with(suffix) && href.size() > prefix.size() + suffix.size())
                entry.id = href.substr(prefix.size(), href.size() - prefix.size() - suffix.size());
        }
    }
    entry.title = TRY(string_of(*metadata, "title"));
    entry.language = string_or(*metadata, "language");
    auto author = metadata->find("author");
    if (author != metadata->end()) {
        if (author->is_string())
            entry.author = author->get<std::string>();
        else if (author->is_object())
            entry.author = string_or(*author, "name");
    }
    if (auto level = metadata->find("hondana:readingLevel"); level != metadata->end() && level->is_number_integer())
        entry.reading_level = level->get<int64_t>();
    if (auto availability = publication.find("hondana:availability");
        availability != publication.end() && availability->is_object()) {
        entry.copies = integer_or(*availability, "copies", 0);
        entry.available = integer_or(*availability, "available", 0);
        entry.queue = integer_or(*availability, "queue", 0);
    }
    return entry;
}

}

Result<EnrolResult> parse_enrol_result(const json& body)
{
    return EnrolResult { TRY(string_of(body, "device_certificate")), TRY(string_of(body, "ca_certificates")),
        string_or(body, "tenant"), string_or(body, "school") };
}

Result<User> parse_user(const json& body)
{
    User user { TRY(string_of(body, "id")), TRY(string_of(body, "login_id")), string_or(body, "display_name"),
        TRY(string_of(body, "role")), string_or(body, "school"), {}, false };
    if (auto flag = body.find("must_change_password"); flag != body.end()) {
        if (!flag->is_boolean())
            return malformed("user.must_change_password", "is not a boolean");
        user.must_change_password = flag->get<bool>();
    }
    if (auto classes = body.find("classes"); classes != body.end() && classes->is_array()) {
        for (const auto& item : *classes) {
            if (item.is_string())
                user.classes.push_back(item.get<std::string>());
            else if (item.is_object())
                user.classes.push_back(string_or(item, "id", string_or(item, "name")));
        }
    }
    return user;
}

Result<Session> parse_session(const json& body)
{
    const json* user = TRY(member(body, "user"));
    return Session { TRY(string_of(body, "access_token")), TRY(time_of(body, "access_expires_at")),
        TRY(string_of(body, "refresh_token")), TRY(time_of(body, "refresh_expires_at")), TRY(parse_user(*user)) };
}

Result<CatalogPage> parse_catalog(const json& body)
{
    const json* metadata = TRY(member(body, "metadata"));
    CatalogPage page;
    page.total = integer_or(*metadata, "numberOfItems", 0);
    page.page = integer_or(*metadata, "currentPage", 1);
    page.per_page = integer_or(*metadata, "itemsPerPage", 0);
    if (auto links = body.find("links"); links != body.end() && links->is_array()) {
        for (const auto& link : *links)
            page.has_next = page.has_next || string_or(link, "rel") == "next";
    }
    for (const auto& publication : *TRY(array_of(body, "publications")))
        page.entries.push_back(TRY(parse_publication(publication)));
    return page;
}

Result<Loan> parse_loan(const json& body)
{
    return Loan { TRY(string_of(body, "id")), TRY(string_of(body, "title_id")), string_or(body, "title"),
        TRY(time_of(body, "start")), TRY(time_of(body, "end")), TRY(string_of(body, "status")),
        string_or(body, "licence"), string_or(body, "content"), integer_or(body, "renewals", 0) };
}

Result<Reservation> parse_reservation(const json& body)
{
    return Reservation { TRY(string_of(body, "id")), TRY(string_of(body, "title_id")), string_or(body, "title"),
        integer_or(body, "position", 0), optional_time(body, "expires_at"), string_or(body, "status") };
}

Result<LoanList> parse_loan_list(const json& body)
{
    LoanList list;
    for (const auto& loan : *TRY(array_of(body, "loans")))
        list.loans.push_back(TRY(parse_loan(loan)));
    if (body.contains("reservations")) {
        for (const auto& reservation : *TRY(array_of(body, "reservations")))
            list.reservations.push_back(TRY(parse_reservation(reservation)));
    }
    return list;
}

Result<LicenceStatus> parse_licence_status(const json& body)
{
    LicenceStatus status { TRY(string_of(body, "id")), TRY(string_of(body, "status")), string_or(body, "message"), {},
        {}, {}, {} };
    if (auto updated = body.find("updated"); updated != body.end() && updated->is_object()) {
        status.licence_updated = optional_time(*updated, "license");
        status.status_updated = optional_time(*updated, "status");
    }
    if (auto events = body.find("events"); events != body.end() && events->is_array()) {
        for (const auto& event : *events) {
            status.events.push_back({ string_or(event, "type"), string_or(event, "name"), string_or(event, "id"),
                optional_time(event, "timestamp").value_or(base::Timestamp {}) });
        }
    }
    if (auto rights = body.find("potential_rights"); rights != body.end() && rights->is_object())
        status.potential_end = optional_time(*rights, "end");
    return status;
}


Result<RemotePosition> parse_position(const json& body)
{
    RemotePosition position { TRY(string_of(body, "title_id")), TRY(string_of(body, "locator")),
        TRY(time_of(body, "updated_at")), string_or(body, "device_id"), true };
    if (auto accepted = body.find("accepted"); accepted != body.end() && accepted->is_boolean())
        position.accepted = accepted->get<bool>();
    return position;
}

Result<std::vector<RemotePosition>> parse_position_list(const json& body)
{
    std::vector<RemotePosition> positions;
    for (const auto& position : *TRY(array_of(body, "positions")))
        positions.push_back(TRY(parse_position(position)));
    return positions;
}

namespace {

Result<int> page_of(const json& object, std::string_view name)
{
    const json* value = TRY(member(object, name));
    if (!value->is_number_integer() || value->get<int64_t>() < 1 || value->get<int64_t>() > 1000000)
        return malformed(name, "is not a page number");
    return static_cast<int>(value->get<int64_t>());
}

std::optional<int> optional_page(const json& object, std::string_view name)
{
    auto page = integer_or(object, name, 0);
    return page >= 1 && page <= 1000000 ? std::optional<int>(static_cast<int>(page)) : std::nullopt;
}

Result<std::vector<RosterEntry>> roster_of(const json& object)
{
    std::vector<RosterEntry> roster;
    if (!object.contains("roster"))
        return roster;
    for (const auto& entry : *TRY(array_of(object, "roster")))
        roster.push_back(TRY(parse_roster_entry(entry)));
    return roster;
}

SessionEvent::Kind event_kind(std::string_view type)
{
    using Kind = SessionEvent::Kind;
    constexpr std::pair<std::string_view, Kind> kinds[] = { { "sync", Kind::Sync },
        { "session.scheduled", Kind::Scheduled }, { "session.started", Kind::Started }, { "session.page", Kind::Page },
        { "session.ended", Kind::Ended }, { "session.start_failed", Kind::StartFailed },
        { "student.state", Kind::StudentState } };
    for (const auto& [name, kind] : kinds)
        if (name == type)
            return kind;
    return Kind::Unknown;
}

}

Result<ClassSession> parse_class_session(const json& body)
{
    ClassSession session;
    session.id = TRY(string_of(body, "id"));
    session.class_name = TRY(string_of(body, "class"));
    session.school = string_or(body, "school");
    session.title_id = TRY(string_of(body, "title_id"));
    session.title = string_or(body, "title", session.title_id);
    session.content_href = string_or(body, "content", "/v1/content/" + session.title_id);
    session.teacher = string_or(body, "teacher");
    session.teacher_login = string_or(body, "teacher_login");
    session.mode = TRY(string_of(body, "mode"));
    if (session.mode != "free" && session.mode != "guided")
        return malformed("mode", "is neither free nor guided");
    session.state = TRY(string_of(body, "state"));
    if (session.state != "scheduled" && session.state != "live" && session.state != "ended")
        return malformed("state", "is not scheduled, live or ended");
    session.start_page = TRY(page_of(body, "start_page"));
    session.page = TRY(page_of(body, "page"));
    session.start_at = optional_time(body, "start_at");
    session.started_at = optional_time(body, "started_at");
    session.ended_at = optional_time(body, "ended_at");
    if (auto licence = string_or(body, "licence_id"); !licence.empty())
        session.licence_id = licence;
    return session;
}

Result<RosterEntry> parse_roster_entry(const json& body)
{
    return RosterEntry { string_or(body, "session_id"), TRY(string_of(body, "login_id")),
        string_or(body, "display_name"), TRY(string_of(body, "state")), optional_page(body, "page") };
}

Result<SessionDetail> parse_session_detail(const json& body)
{
    return SessionDetail { TRY(parse_class_session(body)), TRY(roster_of(body)) };
}

Result<std::vector<ClassSession>> parse_session_list(const json& body)
{
    std::vector<ClassSession> sessions;
    for (const auto& session : *TRY(array_of(body, "sessions")))
        sessions.push_back(TRY(parse_class_session(session)));
    return sessions;
}

Result<SessionEnd> parse_session_end(const json& body)
{
    return SessionEnd { TRY(parse_class_session(body)), static_cast<int>(integer_or(body, "returned", 0)) };
}

Result<SessionEvent> parse_session_event(std::string_view type, std::string_view data)
{
    SessionEvent event;
    event.type = std::string(type);
    event.kind = event_kind(type);
    event.data = json::parse(data, nullptr, false);
    if (event.data.is_discarded() || !event.data.is_object())
        return fail(ErrorKind::MalformedResponse, "event " + std::string(type) + ": the data is not a JSON object");
    switch (event.kind) {
    case SessionEvent::Kind::Sync:
        event.sync_reason = string_or(event.data, "reason", "new");
        break;
    case SessionEvent::Kind::StudentState:
        event.student = TRY(parse_roster_entry(event.data));
        break;
    case SessionEvent::Kind::StartFailed:
    case SessionEvent::Kind::Unknown:
        break;
    default:
        event.session = TRY(parse_class_session(event.data));
        event.roster = TRY(roster_of(event.data));
    }
    return event;
}

json new_session_json(const NewSession& request)
{
    json body = { { "class", request.class_name }, { "title_id", request.title_id },
        { "start_page", request.start_page }, { "mode", request.mode } };
    if (request.school)
        body["school"] = *request.school;
    if (request.start_at)
        body["start_at"] = base::format_rfc3339(*request.start_at);
    return body;
}

}
