#include "hondana/sync/models.h"

#include <gtest/gtest.h>

#include "hondana/sync/service_client.h"

using namespace hondana::sync;
using nlohmann::json;

TEST(Models, parses_a_session_with_its_user)
{
    auto session = parse_session(json::parse(R"({"access_token":"a","access_expires_at":"2026-11-22T01:00:00Z",
        "refresh_token":"r","refresh_expires_at":"2026-12-22T01:00:00Z",
        "user":{"id":"u1","login_id":"alice","display_name":"Alice","role":"student","school":"s1","classes":["1-A"]}})"));
    ASSERT_TRUE(session) << session.error().message;
    EXPECT_EQ(session->user.login_id, "alice");
    EXPECT_EQ(session->user.classes.at(0), "1-A");
}

TEST(Models, must_change_password_is_read_from_the_user_and_absent_means_false)
{
    auto user_json = [](const std::string& extra) {
        return json::parse(R"({"id":"u1","login_id":"alice","role":"student")" + extra + "}");
    };
    auto absent = parse_user(user_json(""));
    ASSERT_TRUE(absent) << absent.error().message;
    EXPECT_FALSE(absent->must_change_password);
    auto yes = parse_user(user_json(R"(,"must_change_password":true)"));
    ASSERT_TRUE(yes) << yes.error().message;
    EXPECT_TRUE(yes->must_change_password);
    auto no = parse_user(user_json(R"(,"must_change_password":false)"));
    ASSERT_TRUE(no) << no.error().message;
    EXPECT_FALSE(no->must_change_password);
    // A flag that is not a boolean is not guessed at: the answer is malformed, naming the member.
    auto mistyped = parse_user(user_json(R"(,"must_change_password":"yes")"));
    ASSERT_FALSE(mistyped);
    EXPECT_EQ(mistyped.error().kind, ErrorKind::MalformedResponse);
    EXPECT_NE(mistyped.error().message.find("must_change_password"), std::string::npos) << mistyped.error().message;
    auto session = parse_session(json::parse(R"({"access_token":"a","access_expires_at":"2026-11-22T01:00:00Z",
        "refresh_token":"r","refresh_expires_at":"2026-12-22T01:00:00Z",
        "user":{"id":"u1","login_id":"alice","role":"student","must_change_password":true}})"));
    ASSERT_TRUE(session) << session.error().message;
    EXPECT_TRUE(session->user.must_change_password);
}

TEST(Models, password_change_required_problem_maps_to_its_own_kind)
{
    EXPECT_EQ(kind_for_problem("password-change-required"), ErrorKind::PasswordChangeRequired);
    HttpResponse response { 403, {},
        R"({"type":"urn:hondana:problem:password-change-required","title":"password change required","status":403})" };
    auto error = error_from_response(response, "GET /v1/catalog");
    EXPECT_EQ(error.kind, ErrorKind::PasswordChangeRequired);
    EXPECT_EQ(error_code(error.kind), "sync.password_change_required");
    EXPECT_FALSE(is_transient(error.kind));
    // `forbidden` stays what it was: only this type means "change the password first".
    EXPECT_EQ(kind_for_problem("forbidden"), ErrorKind::Forbidden);
}

TEST(Models, missing_or_mistyped_members_are_named)
{
    auto loan = parse_loan(json::parse(R"({"id":"l1","title_id":"t1","start":"2026-11-22T01:00:00Z","status":"active"})"));
    ASSERT_FALSE(loan);
    EXPECT_EQ(loan.error().kind, ErrorKind::MalformedResponse);
    EXPECT_NE(loan.error().message.find("`end`"), std::string::npos);
    auto bad_time = parse_loan(json::parse(
        R"({"id":"l1","title_id":"t1","start":"yesterday","end":"2026-11-22T01:00:00Z","status":"active"})"));
    ASSERT_FALSE(bad_time);
    EXPECT_NE(bad_time.error().message.find("RFC 3339"), std::string::npos);
    EXPECT_FALSE(parse_user(json::parse("[]")));
}

TEST(Models, parses_an_opds_catalog_page)
{
    auto page = parse_catalog(json::parse(R"({"metadata":{"title":"Catalog","numberOfItems":41,"itemsPerPage":20,"currentPage":1},
        "links":[{"rel":"next","href":"/v1/catalog?page=2"}],
        "publications":[{"links":[{"rel":"http://opds-spec.org/acquisition/borrow","href":"/v1/titles/t1/borrow"}],
        "metadata":{"identifier":"urn:uuid:t1","title":"はらぺこ","language":"ja","author":"A",
        "hondana:readingLevel":2},"hondana:availability":{"copies":3,"available":1,"queue":0}}]})"));
    ASSERT_TRUE(page) << page.error().message;
    EXPECT_TRUE(page->has_next);
    EXPECT_EQ(page->entries.at(0).available, 1);
    EXPECT_EQ(page->entries.at(0).id, "t1");
    EXPECT_EQ(page->entries.at(0).identifier, "urn:uuid:t1");
    EXPECT_EQ(page->entries.at(0).reading_level, 2);
}

TEST(Models, parses_a_status_document)
{
    auto status = parse_licence_status(json::parse(R"({"id":"lic","status":"returned","message":"m",
        "updated":{"license":"2026-11-22T01:00:00Z","status":"2026-11-22T02:00:00Z"},
        "events":[{"type":"return","name":"tablet","id":"tablet-1","timestamp":"2026-11-22T02:00:00Z"}]})"));
    ASSERT_TRUE(status);
    EXPECT_EQ(status->status, "returned");
    EXPECT_EQ(status->events.size(), 1u);
}

TEST(Models, unknown_problem_types_are_service_errors_and_known_ones_map)
{
    // Every problem type of docs/protocol.md maps to its own kind.
    for (const char* type : { "malformed-request", "weak-password", "device-required", "invalid-credentials",
             "totp-required", "totp-invalid", "token-invalid", "device-unknown", "device-revoked", "enrolment-invalid",
             "wrong-school", "forbidden", "not-found", "method-not-allowed", "conflict", "no-copies", "loan-limit",
             "already-borrowed", "already-reserved", "loan-not-active", "renew-refused", "audit-chain-broken",
             "body-too-large", "range-not-satisfiable", "account-locked", "rate-limited", "headers-too-large",
             "password-change-required", "internal" })
        EXPECT_TRUE(kind_for_problem(type)) << type;
    EXPECT_EQ(kind_for_problem("device-revoked"), ErrorKind::DeviceRevoked);
    EXPECT_FALSE(kind_for_problem("something-new"));
    HttpResponse response { 418, {}, R"({"type":"urn:hondana:problem:something-new","title":"New"})" };
    EXPECT_EQ(error_from_response(response, "GET /x").kind, ErrorKind::ServiceError);
    HttpResponse plain { 404, {}, "not json" };
    EXPECT_EQ(error_from_response(plain, "GET /x").kind, ErrorKind::HttpStatus);
}

TEST(Models, invalid_credentials_carry_the_attempts_left_in_the_message)
{
    HttpResponse response { 401, {},
        R"({"type":"urn:hondana:problem:invalid-credentials","title":"Wrong login ID or password","status":401,"remaining_attempts":7})" };
    auto error = error_from_response(response, "POST /v1/auth/login");
    EXPECT_EQ(error.kind, ErrorKind::InvalidCredentials);
    EXPECT_NE(error.message.find(" remaining_attempts=7"), std::string::npos) << error.message;
}
