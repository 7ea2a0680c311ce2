// Who may lead a class session, and what a start and an end do to loans,
// against the real service over real mTLS.

#include "sessions_fixture.h"

using namespace hondana;
using namespace hondana::test;

TEST_F(SessionsIntegration, student_cannot_start_guide_or_end_a_session)
{
    auto refused = create(students[0], "5-1");
    EXPECT_EQ(refused.status, 403u);
    EXPECT_EQ(refused.problem(), "forbidden");
    auto created = create(teacher, "5-1", "guided", std::chrono::seconds(3600));
    ASSERT_EQ(created.status, 201u) << created.body;
    auto id = created.json()["id"].get<std::string>();
    for (const std::string verb : { "start", "end" })
        EXPECT_EQ(act(students[0], id, verb).problem(), "forbidden") << verb;
    EXPECT_EQ(act(students[0], id, "page", { { "page", 2 } }).problem(), "forbidden");
    EXPECT_EQ(teacher.client->get("/v1/sessions/" + id, teacher.access).json()["state"], "scheduled");
}

TEST_F(SessionsIntegration, teacher_of_class_a_cannot_start_one_for_class_b)
{
    auto refused = create(other_teacher, "5-1");
    EXPECT_EQ(refused.status, 403u) << refused.body;
    EXPECT_EQ(refused.problem(), "forbidden");
    auto scheduled = create(teacher, "5-1", "free", std::chrono::seconds(3600));
    ASSERT_EQ(scheduled.status, 201u) << scheduled.body;
    auto id = scheduled.json()["id"].get<std::string>();
    EXPECT_EQ(act(other_teacher, id, "start").problem(), "forbidden");
    EXPECT_EQ(act(other_teacher, id, "end").problem(), "forbidden");
    auto mine = create(other_teacher, "5-2");
    EXPECT_EQ(mine.status, 201u) << mine.body;
}

TEST_F(SessionsIntegration, not_enough_copies_is_refused_with_the_list_and_nothing_starts)
{
    auto scarce = add_title("Two Copies", 2);
    auto refused = create(teacher, "5-1", "free", std::nullopt, scarce);
    ASSERT_EQ(refused.status, 409u) << refused.body;
    EXPECT_EQ(refused.problem(), "not-enough-copies");
    auto body = refused.json();
    EXPECT_EQ(body["needed"], 3);
    EXPECT_EQ(body["available"], 2);
    ASSERT_EQ(body["students"].size(), 1u) << body.dump();
    EXPECT_EQ(body["students"][0]["login_id"], "taro"); // by login ID: hanako, mika get the two
    EXPECT_EQ(body["students"][0]["reason"], "no-copy");
    EXPECT_TRUE(teacher.client->get("/v1/sessions", teacher.access).json()["sessions"].empty());
    for (const auto& student : students)
        EXPECT_TRUE(student.client->get("/v1/loans", student.access).json()["loans"].empty());
}

TEST_F(SessionsIntegration, ending_returns_session_licences_only)
{
    auto own = students[0].client->post("/v1/titles/" + title_id + "/borrow", nullptr, students[0].access);
    ASSERT_EQ(own.status, 201u) << own.body;
    auto created = create(teacher, "5-1");
    ASSERT_EQ(created.status, 201u) << created.body;
    auto id = created.json()["id"].get<std::string>();
    auto taro = students[1].client->get("/v1/sessions/" + id, students[1].access).json();
    ASSERT_TRUE(taro.contains("licence_id")) << taro.dump();
    auto hanako = students[0].client->get("/v1/sessions/" + id, students[0].access).json();
    EXPECT_EQ(hanako["licence_id"], own.json()["licence_id"]) << "the student's own loan is the session's licence";
    auto ended = act(teacher, id, "end");
    ASSERT_EQ(ended.status, 200u) << ended.body;
    EXPECT_EQ(ended.json()["returned"], 2);
    EXPECT_EQ(ended.json()["state"], "ended");
    auto kept = students[0].client->get("/v1/loans", students[0].access).json()["loans"];
    ASSERT_EQ(kept.size(), 1u);
    EXPECT_EQ(kept[0]["id"], own.json()["id"]);
    auto status = students[1].client->get(
        "/v1/licences/" + taro["licence_id"].get<std::string>() + "/status", students[1].access);
    EXPECT_EQ(status.json()["status"], "returned") << status.body;
    EXPECT_TRUE(students[1].client->get("/v1/loans", students[1].access).json()["loans"].empty());
    EXPECT_EQ(act(teacher, id, "end").problem(), "session-state");
}

TEST_F(SessionsIntegration, malformed_session_requests_name_the_field)
{
    auto bad_mode = teacher.client->post(
        "/v1/sessions", { { "class", "5-1" }, { "title_id", title_id }, { "mode", "loud" } }, teacher.access);
    EXPECT_EQ(bad_mode.problem(), "malformed-request");
    EXPECT_EQ(bad_mode.json()["field"], "mode");
    auto bad_time = teacher.client->post(
        "/v1/sessions", { { "class", "5-1" }, { "title_id", title_id }, { "start_at", "tomorrow" } }, teacher.access);
    EXPECT_EQ(bad_time.json()["field"], "start_at");
    auto created = create(teacher, "5-1", "guided");
    ASSERT_EQ(created.status, 201u);
    auto id = created.json()["id"].get<std::string>();
    EXPECT_EQ(act(teacher, id, "page", { { "page", "two" } }).json()["field"], "page");
    EXPECT_EQ(act(teacher, id, "page", nlohmann::json::object()).json()["field"], "page");
    EXPECT_EQ(act(teacher, id, "start").problem(), "session-state");
}
