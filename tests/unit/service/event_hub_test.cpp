#include <gtest/gtest.h>

#include "http/event_channel.h"
#include "lending/event_hub.h"

using namespace hondana;
using namespace hondana::lending;

namespace {

constexpr int64_t tenant = 1;
constexpr int64_t class_a = 10;
constexpr int64_t class_b = 20;

Subscriber student(int64_t user, int64_t class_id, int64_t tenant_id = tenant)
{
    return { tenant_id, user, false, { class_id } };
}

Subscriber teacher(int64_t user, int64_t class_id)
{
    return { tenant, user, true, { class_id } };
}

Event to_class(int64_t class_id, std::string data, bool staff_only = false, int64_t tenant_id = tenant)
{
    return { {}, tenant_id, { class_id, staff_only, {} }, "session.page", std::move(data) };
}

struct Recorder {
    std::vector<std::string> data;
    std::vector<std::string> ids;
    EventSink sink()
    {
        return [this](const std::shared_ptr<const Event>& event) {
            data.push_back(event->data);
            ids.push_back(event->id);
        };
    }
};

std::vector<std::string> data_of(const std::vector<std::shared_ptr<const Event>>& events)
{
    std::vector<std::string> out;
    for (const auto& event : events)
        out.push_back(event->data);
    return out;
}

}

TEST(EventHub, delivers_in_publish_order_with_increasing_ids)
{
    InProcessEventHub hub;
    Recorder seen;
    auto subscribed = hub.subscribe(student(1, class_a), std::nullopt, seen.sink());
    std::vector<std::string> published;
    for (int i = 0; i < 50; ++i)
        published.push_back(hub.publish(to_class(class_a, std::to_string(i))));
    ASSERT_EQ(seen.data.size(), 50u);
    EXPECT_EQ(seen.ids, published);
    for (size_t i = 0; i < seen.data.size(); ++i)
        EXPECT_EQ(seen.data[i], std::to_string(i));
    for (size_t i = 1; i < published.size(); ++i) {
        auto seq = [&](size_t at) { return std::stoull(published[at].substr(published[at].rfind('-') + 1)); };
        EXPECT_LT(seq(i - 1), seq(i));
        EXPECT_EQ(published[i].substr(0, published[i].rfind('-')), hub.epoch());
    }
}

TEST(EventHub, audience_decides_who_receives)
{
    InProcessEventHub hub;
    Recorder a_student, a_teacher, b_student, named, other_tenant;
    auto s1 = hub.subscribe(student(1, class_a), std::nullopt, a_student.sink());
    auto s2 = hub.subscribe(teacher(2, class_a), std::nullopt, a_teacher.sink());
    auto s3 = hub.subscribe(student(3, class_b), std::nullopt, b_student.sink());
    auto s4 = hub.subscribe(student(4, class_a), std::nullopt, named.sink());
    auto s5 = hub.subscribe(student(1, class_a, 2), std::nullopt, other_tenant.sink());
    hub.publish(to_class(class_a, "everyone in A"));
    hub.publish(to_class(class_a, "staff of A", true));
    hub.publish({ {}, tenant, { 0, false, { 4 } }, "session.started", "only user 4" });
    // Reached both through the class and by name: delivered once.
    hub.publish({ {}, tenant, { class_a, false, { 4 } }, "session.started", "A and user 4" });
    EXPECT_EQ(a_student.data, (std::vector<std::string> { "everyone in A", "A and user 4" }));
    EXPECT_EQ(a_teacher.data, (std::vector<std::string> { "everyone in A", "staff of A", "A and user 4" }));
    EXPECT_EQ(named.data, (std::vector<std::string> { "everyone in A", "only user 4", "A and user 4" }));
    EXPECT_TRUE(b_student.data.empty());
    EXPECT_TRUE(other_tenant.data.empty()) << "an event crossed tenants";
}

TEST(EventHub, resumes_after_an_id_with_exactly_the_missed_events_of_the_subscriber)
{
    InProcessEventHub hub;
    Recorder first;
    std::string last_seen;
    {
        auto subscribed = hub.subscribe(student(1, class_a), std::nullopt, first.sink());
        hub.publish(to_class(class_a, "1"));
        last_seen = hub.publish(to_class(class_a, "2"));
    } // the connection drops
    hub.publish(to_class(class_a, "3"));
    hub.publish(to_class(class_b, "not mine"));
    hub.publish(to_class(class_a, "staff only", true));
    hub.publish(to_class(class_a, "4"));
    Recorder resumed;
    auto again = hub.subscribe(student(1, class_a), last_seen, resumed.sink());
    EXPECT_FALSE(again.gap);
    EXPECT_EQ(data_of(again.backlog), (std::vector<std::string> { "3", "4" }));
    hub.publish(to_class(class_a, "5"));
    EXPECT_EQ(resumed.data, (std::vector<std::string> { "5" }));
}

TEST(EventHub, unknown_foreign_future_or_evicted_id_is_a_gap)
{
    InProcessEventHub hub({ .log_capacity = 4 });
    Recorder seen;
    auto early = hub.publish(to_class(class_a, "1"));
    for (int i = 2; i <= 10; ++i)
        hub.publish(to_class(class_a, std::to_string(i)));
    for (const std::string& id : { early, std::string("nonsense"), std::string("abc-1"), hub.epoch() + "-999999",
             hub.epoch() + "-x", std::string() }) {
        auto subscribed = hub.subscribe(student(1, class_a), id, seen.sink());
        EXPECT_TRUE(subscribed.gap) << id;
        EXPECT_TRUE(subscribed.backlog.empty()) << id;
    }
    // The newest ids are still in the log.
    auto recent = hub.subscribe(student(1, class_a), hub.epoch() + "-7", seen.sink());
    EXPECT_FALSE(recent.gap);
    EXPECT_EQ(data_of(recent.backlog), (std::vector<std::string> { "8", "9", "10" }));
    // A stream that starts from a snapshot resumes from latest_id without a gap.
    auto fresh = hub.subscribe(student(1, class_a), std::nullopt, seen.sink());
    auto later = hub.subscribe(student(1, class_a), fresh.latest_id, seen.sink());
    EXPECT_FALSE(later.gap);
    EXPECT_TRUE(later.backlog.empty());
}

TEST(EventHub, counts_streams_and_unsubscribes_when_the_subscription_goes)
{
    auto hub = std::make_unique<InProcessEventHub>();
    Recorder seen;
    auto one = hub->subscribe(student(1, class_a), std::nullopt, seen.sink());
    auto two = hub->subscribe(student(1, class_a), std::nullopt, seen.sink());
    EXPECT_EQ(hub->streams_of(tenant, 1), 2u);
    EXPECT_EQ(hub->stream_count(), 2u);
    one.subscription.reset();
    EXPECT_EQ(hub->streams_of(tenant, 1), 1u);
    hub->publish(to_class(class_a, "x"));
    EXPECT_EQ(seen.data.size(), 1u);
    hub.reset(); // a subscription may outlive its hub
    two.subscription.reset();
}

TEST(EventHub, slow_consumer_is_dropped_when_its_bounded_queue_fills)
{
    InProcessEventHub hub;
    http::EventChannelOptions options;
    options.max_queued_bytes = 4096;
    auto slow = std::make_shared<http::EventChannel>(options);
    auto fast = std::make_shared<http::EventChannel>(options);
    auto queue_into = [](const std::shared_ptr<http::EventChannel>& channel) {
        return [channel](const std::shared_ptr<const Event>& event) {
            channel->push(http::sse_frame(event->id, event->type, event->data));
        };
    };
    auto slow_sub = hub.subscribe(student(1, class_a), std::nullopt, queue_into(slow));
    auto fast_sub = hub.subscribe(student(2, class_a), std::nullopt, queue_into(fast));
    std::optional<http::StreamEnd> why;
    slow->on_finished([&](http::StreamEnd end) { why = end; });
    std::string written;
    for (int i = 0; i < 200; ++i) {
        hub.publish(to_class(class_a, std::string(100, 'x')));
        written += fast->take(); // the fast one keeps up
        EXPECT_LE(slow->queued_bytes(), options.max_queued_bytes);
    }
    EXPECT_TRUE(slow->overflowed());
    EXPECT_TRUE(slow->closed());
    EXPECT_EQ(slow->queued_bytes(), 0u) << "the dropped queue still holds memory";
    EXPECT_TRUE(slow->take().empty());
    slow->finish(http::StreamEnd::Overflow); // what the connection does when it sees the overflow
    ASSERT_TRUE(why);
    EXPECT_EQ(*why, http::StreamEnd::Overflow);
    EXPECT_FALSE(fast->overflowed());
    size_t frames = 0;
    for (size_t at = written.find("event: "); at != std::string::npos; at = written.find("event: ", at + 1))
        ++frames;
    EXPECT_EQ(frames, 200u);
}
