// The server-sent events parser, the reconnection backoff and the decoding of
// class-session events (sync/event_stream.h, sync/models.h; issue 6).

#include <set>

#include <gtest/gtest.h>

#include "hondana/sync/event_stream.h"
#include "hondana/sync/models.h"

using namespace hondana::sync;
using namespace std::chrono_literals;

namespace {

std::vector<SseEvent> parse_all(std::string_view text, SseParser& parser)
{
    std::vector<SseEvent> events;
    auto parsed = parser.feed(text, events);
    EXPECT_TRUE(parsed) << parsed.error().message;
    return events;
}

std::vector<SseEvent> parse_all(std::string_view text)
{
    SseParser parser;
    return parse_all(text, parser);
}

constexpr std::string_view service_frames = "id: 4f2a-1\nevent: sync\ndata: {\"reason\":\"new\"}\n\n"
                                            ": heartbeat\n\n"
                                            "event: session.started\ndata: {\"id\":\"s1\"}\n\n"
                                            "id: 4f2a-2\nevent: session.page\ndata: {\"page\":5}\n\n";

}

TEST(SseParser, parses_the_services_frames_with_ids_types_and_heartbeats)
{
    SseParser parser;
    auto events = parse_all(service_frames, parser);
    ASSERT_EQ(events.size(), 3U);
    EXPECT_EQ(events[0].id, "4f2a-1");
    EXPECT_EQ(events[0].type, "sync");
    EXPECT_EQ(events[0].data, "{\"reason\":\"new\"}");
    EXPECT_EQ(events[1].id, "4f2a-1") << "an event without id keeps the stream's last event ID";
    EXPECT_EQ(events[1].type, "session.started");
    EXPECT_EQ(events[2].id, "4f2a-2");
    EXPECT_EQ(parser.last_event_id(), "4f2a-2");
}

TEST(SseParser, gives_the_same_events_whatever_the_split_of_the_bytes)
{
    auto whole = parse_all(service_frames);
    SseParser parser;
    std::vector<SseEvent> events;
    for (char c : service_frames)
        ASSERT_TRUE(parser.feed(std::string_view(&c, 1), events));
    ASSERT_EQ(events.size(), whole.size());
    for (size_t i = 0; i < events.size(); ++i) {
        EXPECT_EQ(events[i].id, whole[i].id);
        EXPECT_EQ(events[i].type, whole[i].type);
        EXPECT_EQ(events[i].data, whole[i].data);
    }
}

TEST(SseParser, accepts_lf_cr_and_crlf_line_ends_even_when_a_crlf_is_split)
{
    SseParser parser;
    std::vector<SseEvent> events;
    ASSERT_TRUE(parser.feed("data: a\r", events));
    ASSERT_TRUE(parser.feed("\ndata: b\r\r", events));
    ASSERT_TRUE(parser.feed("data: c\n\n", events));
    ASSERT_EQ(events.size(), 2U);
    EXPECT_EQ(events[0].data, "a\nb");
    EXPECT_EQ(events[0].type, "message");
    EXPECT_EQ(events[1].data, "c");
}

TEST(SseParser, strips_a_leading_byte_order_mark_once)
{
    auto events = parse_all("\xEF\xBB\xBF" "data: x\n\n\xEF\xBB\xBF" "data: y\n\n");
    ASSERT_EQ(events.size(), 1U) << "a BOM later in the stream makes an unknown field, which is ignored";
    EXPECT_EQ(events[0].data, "x");
}

TEST(SseParser, ignores_comments_unknown_fields_and_events_without_data)
{
    SseParser parser;
    auto events = parse_all(": only a comment\n\nevent: lonely\n\nbogus: 1\nnocolon\ndata\n\n", parser);
    ASSERT_EQ(events.size(), 1U) << "`data` without a colon is a data line with an empty value";
    EXPECT_EQ(events[0].data, "");
    EXPECT_EQ(events[0].type, "message") << "the type of the dropped event does not leak into the next";
    EXPECT_EQ(parser.lines(), 8U);
}

TEST(SseParser, takes_only_one_space_after_the_colon)
{
    auto events = parse_all("data:no space\n\ndata:  two spaces\n\n");
    ASSERT_EQ(events.size(), 2U);
    EXPECT_EQ(events[0].data, "no space");
    EXPECT_EQ(events[1].data, " two spaces");
}

TEST(SseParser, an_id_with_nul_is_ignored_and_an_empty_id_clears)
{
    SseParser parser;
    parse_all("id: 1-1\ndata: a\n\n", parser);
    constexpr char with_nul[] = "id: 1-\0x\ndata: b\n\n";
    parse_all(std::string_view(with_nul, sizeof with_nul - 1), parser);
    EXPECT_EQ(parser.last_event_id(), "1-1");
    parse_all("id\ndata: c\n\n", parser);
    EXPECT_EQ(parser.last_event_id(), "");
}

TEST(SseParser, retry_takes_digits_only)
{
    SseParser parser;
    parse_all("retry: 2500\n\n", parser);
    ASSERT_TRUE(parser.retry());
    EXPECT_EQ(*parser.retry(), 2500ms);
    parse_all("retry: 12a\n\nretry: -1\n\nretry: 99999999999999\n\n", parser);
    EXPECT_EQ(*parser.retry(), 2500ms) << "malformed retry values are ignored";
}

TEST(SseParser, an_over_long_line_is_an_error_and_the_parser_stays_failed_until_reset)
{
    SseParser parser({ 16, 1024 });
    std::vector<SseEvent> events;
    auto parsed = parser.feed("data: 0123456789abcdef\n\n", events);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().kind, ErrorKind::ResponseTooLarge);
    EXPECT_FALSE(parser.feed("data: ok\n\n", events));
    parser.reset();
    ASSERT_TRUE(parser.feed("data: ok\n\n", events));
    ASSERT_EQ(events.size(), 1U);
}

TEST(SseParser, an_over_large_event_is_an_error)
{
    SseParser parser({ 64, 40 });
    std::vector<SseEvent> events;
    std::string frames;
    for (int i = 0; i < 10; ++i)
        frames += "data: 0123456789\n";
    auto parsed = parser.feed(frames, events);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().kind, ErrorKind::ResponseTooLarge);
    EXPECT_TRUE(events.empty());
}

TEST(SseParser, arbitrary_bytes_never_crash_and_respect_the_limits)
{
    uint64_t state = 0x9E3779B97F4A7C15ULL;
    auto next = [&] {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    };
    const char alphabet[] = { 'd', 'a', 't', ':', ' ', '\n', '\r', 'i', 'e', '\0', '\xff', 'v', 'n', 'r', 'y' };
    for (int round = 0; round < 200; ++round) {
        SseParser parser({ 128, 512 });
        std::vector<SseEvent> events;
        std::string bytes;
        for (int i = 0; i < 2000; ++i)
            bytes.push_back(alphabet[next() % sizeof alphabet]);
        (void)parser.feed(bytes, events);
        for (const auto& event : events)
            EXPECT_LE(event.data.size(), 512U);
    }
}

TEST(ReconnectBackoff, ceilings_double_from_the_base_up_to_the_maximum)
{
    ReconnectBackoff backoff(100ms, 1000ms, [] { return ~uint64_t { 0 }; });
    std::vector<std::chrono::milliseconds> ceilings;
    for (int i = 0; i < 6; ++i) {
        ceilings.push_back(backoff.ceiling());
        (void)backoff.next();
    }
    EXPECT_EQ(ceilings, (std::vector<std::chrono::milliseconds> { 100ms, 200ms, 400ms, 800ms, 1000ms, 1000ms }));
    backoff.reset();
    EXPECT_EQ(backoff.ceiling(), 100ms);
    EXPECT_EQ(backoff.attempt(), 0);
}

TEST(ReconnectBackoff, delays_are_full_jitter_anywhere_from_zero_to_the_ceiling)
{
    uint64_t value = 0;
    ReconnectBackoff backoff(100ms, 1000ms, [&] { return value; });
    value = 0;
    EXPECT_EQ(backoff.next(), 0ms) << "full jitter reaches zero";
    value = 200; // 200 % (200 + 1)
    EXPECT_EQ(backoff.next(), 200ms) << "…and the ceiling itself";
    value = 401 + 150; // 551 % 401
    EXPECT_EQ(backoff.next(), 150ms);
}

TEST(ReconnectBackoff, system_random_delays_stay_under_the_ceiling_and_spread)
{
    std::set<int64_t> seen;
    for (int i = 0; i < 200; ++i) {
        ReconnectBackoff backoff(1000ms, 60000ms);
        for (int n = 0; n < 4; ++n)
            (void)backoff.next();
        auto ceiling = backoff.ceiling();
        auto delay = backoff.next();
        EXPECT_GE(delay.count(), 0);
        EXPECT_LE(delay, ceiling);
        seen.insert(delay.count());
    }
    EXPECT_GT(seen.size(), 100U) << "a school's tablets must not all wait the same time";
}

TEST(ReconnectBackoff, the_streams_retry_replaces_the_base_within_the_maximum)
{
    ReconnectBackoff backoff(1000ms, 8000ms, [] { return ~uint64_t { 0 }; });
    backoff.set_base(3000ms);
    EXPECT_EQ(backoff.ceiling(), 3000ms);
    backoff.set_base(60000ms);
    EXPECT_EQ(backoff.ceiling(), 8000ms);
}

TEST(SessionEvents, a_started_event_carries_the_session_and_the_students_licence)
{
    auto event = parse_session_event("session.started",
        R"({"id":"s1","class":"4-1","school":"Minami","title_id":"t1","title":"Hon","content":"/v1/content/t1",)"
        R"("teacher":"Sato","teacher_login":"sato","mode":"guided","state":"live","start_page":3,"page":3,)"
        R"("started_at":"2026-11-22T00:40:00Z","licence_id":"L9"})");
    ASSERT_TRUE(event) << event.error().message;
    EXPECT_EQ(event->kind, SessionEvent::Kind::Started);
    ASSERT_TRUE(event->session);
    EXPECT_EQ(event->session->class_name, "4-1");
    EXPECT_EQ(event->session->teacher, "Sato");
    EXPECT_EQ(event->session->start_page, 3);
    EXPECT_EQ(event->session->licence_id, std::optional<std::string>("L9"));
    EXPECT_TRUE(event->session->started_at);
}

TEST(SessionEvents, a_staff_snapshot_carries_the_roster_and_student_state_one_entry)
{
    auto snapshot = parse_session_event("session.scheduled",
        R"({"id":"s1","class":"4-1","title_id":"t1","mode":"free","state":"scheduled","start_page":1,"page":1,)"
        R"("roster":[{"session_id":"s1","login_id":"st1","display_name":"A","state":"not-connected"},)"
        R"({"session_id":"s1","login_id":"st2","display_name":"B","state":"reading","page":4}]})");
    ASSERT_TRUE(snapshot) << snapshot.error().message;
    ASSERT_EQ(snapshot->roster.size(), 2U);
    EXPECT_EQ(snapshot->roster[1].page, std::optional<int>(4));
    auto student = parse_session_event(
        "student.state", R"({"session_id":"s1","login_id":"st1","display_name":"A","state":"content-ready"})");
    ASSERT_TRUE(student) << student.error().message;
    ASSERT_TRUE(student->student);
    EXPECT_EQ(student->student->state, "content-ready");
    EXPECT_FALSE(student->student->page);
}

TEST(SessionEvents, malformed_payloads_are_errors_and_unknown_types_are_not)
{
    EXPECT_EQ(parse_session_event("session.page", "{not json").error().kind, ErrorKind::MalformedResponse);
    EXPECT_EQ(parse_session_event("session.page", "[1,2]").error().kind, ErrorKind::MalformedResponse);
    auto missing = parse_session_event("session.page", R"({"id":"s1","class":"c","title_id":"t","mode":"free"})");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("state"), std::string::npos);
    auto bad_mode = parse_session_event("session.page",
        R"({"id":"s1","class":"c","title_id":"t","mode":"chaos","state":"live","start_page":1,"page":1})");
    EXPECT_FALSE(bad_mode);
    auto bad_page = parse_session_event("session.page",
        R"({"id":"s1","class":"c","title_id":"t","mode":"free","state":"live","start_page":0,"page":1})");
    EXPECT_FALSE(bad_page);
    auto future = parse_session_event("session.renamed", R"({"x":1})");
    ASSERT_TRUE(future);
    EXPECT_EQ(future->kind, SessionEvent::Kind::Unknown);
}
