// Class sessions end to end: teacher and students over real mTLS, their
// event streams (GET /v1/events) as a reader reads them.

#include "sessions_fixture.h"

using namespace hondana;
using namespace hondana::test;

namespace {

std::vector<std::string> types_of(const std::vector<SseEvent>& events)
{
    std::vector<std::string> types;
    for (const auto& event : events)
        types.push_back(event.type);
    return types;
}

}

TEST_F(SessionsIntegration, students_receive_scheduled_started_page_ended_and_fetch_their_licence)
{
    std::vector<std::unique_ptr<EventStreamClient>> streams;
    for (const auto& student : students)
        streams.push_back(stream_of(student));
    auto created = create(teacher, "5-1", "guided", std::chrono::seconds(4));
    ASSERT_EQ(created.status, 201u) << created.body;
    EXPECT_EQ(created.json()["state"], "scheduled");
    auto id = created.json()["id"].get<std::string>();
    std::vector<std::string> licences;
    for (size_t i = 0; i < streams.size(); ++i) {
        auto scheduled = streams[i]->wait_for("session.scheduled");
        ASSERT_TRUE(scheduled) << "student " << i;
        EXPECT_EQ(scheduled->json()["id"], id);
        // The service starts it by itself at start_at.
        auto started = streams[i]->wait_for("session.started");
        ASSERT_TRUE(started) << "student " << i;
        EXPECT_TRUE(streams[i]->skipped().empty()) << types_of(streams[i]->skipped()).front();
        auto licence = started->json()["licence_id"].get<std::string>();
        auto fetched = students[i].client->get("/v1/licences/" + licence, students[i].access);
        EXPECT_EQ(fetched.status, 200u) << fetched.body;
        licences.push_back(licence);
    }
    EXPECT_NE(licences[0], licences[1]);
    ASSERT_EQ(act(teacher, id, "page", { { "page", 5 } }).status, 200u);
    auto ended = act(teacher, id, "end");
    ASSERT_EQ(ended.status, 200u) << ended.body;
    EXPECT_EQ(ended.json()["returned"], 3);
    for (size_t i = 0; i < streams.size(); ++i) {
        auto page = streams[i]->next();
        ASSERT_TRUE(page);
        EXPECT_EQ(page->type, "session.page");
        EXPECT_EQ(page->json()["page"], 5);
        auto end = streams[i]->next();
        ASSERT_TRUE(end);
        EXPECT_EQ(end->type, "session.ended");
    }
}

TEST_F(SessionsIntegration, late_joiner_catches_up_with_the_live_session_and_its_page)
{
    auto created = create(teacher, "5-1", "guided");
    ASSERT_EQ(created.status, 201u) << created.body;
    EXPECT_EQ(created.json()["state"], "live");
    auto id = created.json()["id"].get<std::string>();
    ASSERT_EQ(act(teacher, id, "page", { { "page", 9 } }).status, 200u);
    // mika's tablet was off: it connects now.
    auto late = stream_of(students[2]);
    auto caught_up = late->next();
    ASSERT_TRUE(caught_up);
    EXPECT_EQ(caught_up->type, "session.started");
    auto data = caught_up->json();
    EXPECT_EQ(data["id"], id);
    EXPECT_EQ(data["page"], 9);
    auto fetched = students[2].client->get("/v1/licences/" + data["licence_id"].get<std::string>(), students[2].access);
    EXPECT_EQ(fetched.status, 200u) << fetched.body;
    auto detail = students[2].client->get("/v1/sessions/" + id, students[2].access);
    EXPECT_EQ(detail.json()["licence_id"], data["licence_id"]);
}

TEST_F(SessionsIntegration, dropped_connection_resumes_with_last_event_id_without_losing_an_event)
{
    auto stream = stream_of(students[0]);
    auto created = create(teacher, "5-1", "guided");
    ASSERT_EQ(created.status, 201u) << created.body;
    auto id = created.json()["id"].get<std::string>();
    ASSERT_TRUE(stream->wait_for("session.started"));
    auto resume_from = stream->last_event_id();
    ASSERT_FALSE(resume_from.empty());
    stream->drop(); // the tablet loses its network
    for (int page = 2; page <= 4; ++page)
        ASSERT_EQ(act(teacher, id, "page", { { "page", page } }).status, 200u);
    EventStreamClient again(service(), students[0].device);
    ASSERT_EQ(again.open(students[0].access, resume_from).status, 200u);
    for (int page = 2; page <= 4; ++page) {
        auto event = again.next();
        ASSERT_TRUE(event) << "page " << page;
        EXPECT_EQ(event->type, "session.page") << "a resumed stream starts with what it missed, no sync";
        EXPECT_EQ(event->json()["page"], page);
    }
    ASSERT_EQ(act(teacher, id, "end").status, 200u);
    auto end = again.next();
    ASSERT_TRUE(end);
    EXPECT_EQ(end->type, "session.ended");
}

TEST_F(SessionsIntegration, unknown_last_event_id_starts_over_with_a_gap_and_the_snapshot)
{
    auto created = create(teacher, "5-1");
    ASSERT_EQ(created.status, 201u) << created.body;
    EventStreamClient stream(service(), students[1].device);
    ASSERT_EQ(stream.open(students[1].access, std::string("000000000000-1")).status, 200u);
    auto sync = stream.next();
    ASSERT_TRUE(sync);
    EXPECT_EQ(sync->type, "sync");
    EXPECT_EQ(sync->json()["reason"], "gap");
    EXPECT_FALSE(sync->id.empty());
    auto snapshot = stream.next();
    ASSERT_TRUE(snapshot);
    EXPECT_EQ(snapshot->type, "session.started");
    EXPECT_TRUE(snapshot->json().contains("licence_id"));
}

TEST_F(SessionsIntegration, student_of_another_class_gets_nothing_of_it)
{
    auto ken = stream_of(outsider);
    auto created = create(teacher, "5-1", "guided");
    ASSERT_EQ(created.status, 201u) << created.body;
    auto id = created.json()["id"].get<std::string>();
    ASSERT_EQ(act(teacher, id, "page", { { "page", 3 } }).status, 200u);
    ASSERT_EQ(act(teacher, id, "end").status, 200u);
    // Events reach a stream in publish order: ken's first event must be his own class's.
    auto own = create(other_teacher, "5-2");
    ASSERT_EQ(own.status, 201u) << own.body;
    auto first = ken->next();
    ASSERT_TRUE(first);
    EXPECT_EQ(first->type, "session.started");
    EXPECT_EQ(first->json()["class"], "5-2");
    EXPECT_EQ(outsider.client->get("/v1/sessions/" + id, outsider.access).problem(), "not-found");
}

TEST_F(SessionsIntegration, teacher_roster_shows_each_students_state_and_page)
{
    auto created = create(teacher, "5-1");
    ASSERT_EQ(created.status, 201u) << created.body;
    auto id = created.json()["id"].get<std::string>();
    auto console = stream_of(teacher);
    auto snapshot = console->next();
    ASSERT_TRUE(snapshot);
    EXPECT_EQ(snapshot->json()["roster"].size(), 3u);
    auto hanako = stream_of(students[0]);
    auto connected = console->wait_for("student.state");
    ASSERT_TRUE(connected);
    EXPECT_EQ(connected->json()["login_id"], "hanako");
    EXPECT_EQ(connected->json()["state"], "connected");
    ASSERT_EQ(act(students[0], id, "state", { { "state", "content-ready" } }).status, 204u);
    ASSERT_EQ(act(students[0], id, "state", { { "state", "reading" }, { "page", 4 } }).status, 204u);
    auto ready = console->wait_for("student.state");
    auto reading = console->wait_for("student.state");
    ASSERT_TRUE(ready && reading);
    EXPECT_EQ(ready->json()["state"], "content-ready");
    EXPECT_EQ(reading->json()["state"], "reading");
    EXPECT_EQ(reading->json()["page"], 4);
    auto roster = teacher.client->get("/v1/sessions/" + id, teacher.access).json()["roster"];
    ASSERT_EQ(roster.size(), 3u);
    EXPECT_EQ(roster[0]["login_id"], "hanako");
    EXPECT_EQ(roster[0]["state"], "reading");
    EXPECT_EQ(roster[1]["login_id"], "mika");
    EXPECT_EQ(roster[1]["state"], "not-connected");
    hanako->drop();
    auto gone = console->wait_for("student.state");
    ASSERT_TRUE(gone);
    EXPECT_EQ(gone->json()["state"], "not-connected");
    EXPECT_EQ(act(outsider, id, "state", { { "state", "reading" } }).problem(), "forbidden");
}

TEST_F(SessionsIntegration, event_stream_needs_a_valid_access_token)
{
    EventStreamClient stream(service(), students[0].device);
    auto refused = stream.open("not-a-token");
    EXPECT_EQ(refused.status, 401u);
    EXPECT_EQ(refused.problem(), "token-invalid");
    EventStreamClient long_id(service(), students[0].device);
    auto too_long = long_id.open(students[0].access, std::string(65, 'a'));
    EXPECT_EQ(too_long.problem(), "malformed-request");
}

TEST_F(SessionsIntegration, an_open_stream_ends_within_a_heartbeat_when_its_user_is_suspended_or_its_device_revoked)
{
    auto kept = stream_of(students[0]);
    auto suspended = stream_of(students[2]); // mika
    auto revoked = stream_of(students[1]);
    ASSERT_EQ(service().admin({ "user", "suspend", "mika" }), 0);
    ASSERT_EQ(service().admin({ "device", "revoke", students[1].device.device_id }), 0);
    // The service asks again at each heartbeat (20 s): both streams end then,
    // not when their access tokens would have expired (12-15 minutes).
    auto wait_end = [](EventStreamClient& stream) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (!stream.ended() && std::chrono::steady_clock::now() < deadline)
            (void)stream.next(std::chrono::seconds(5));
        return stream.ended();
    };
    EXPECT_TRUE(wait_end(*suspended)) << "the suspended user's stream is still open";
    EXPECT_TRUE(wait_end(*revoked)) << "the revoked device's stream is still open";
    (void)kept->next(std::chrono::milliseconds(100));
    EXPECT_FALSE(kept->ended()) << "a stream whose sign-in still stands stays open";
}
