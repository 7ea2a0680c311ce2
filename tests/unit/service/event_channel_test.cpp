#include <gtest/gtest.h>

#include "http/event_channel.h"

using namespace hondana::http;

TEST(EventChannel, sse_frame_has_id_event_and_one_data_line)
{
    EXPECT_EQ(
        sse_frame("e-1", "session.page", R"({"page":3})"), "id: e-1\nevent: session.page\ndata: {\"page\":3}\n\n");
    EXPECT_EQ(sse_frame("", "session.started", "{}"), "event: session.started\ndata: {}\n\n");
}

TEST(EventChannel, prepended_snapshot_comes_before_events_queued_earlier)
{
    EventChannel channel({});
    int wakes = 0;
    channel.attach([&] { ++wakes; });
    EXPECT_TRUE(channel.push("live-1;"));
    channel.prepend("snapshot;");
    EXPECT_TRUE(channel.push("live-2;"));
    EXPECT_EQ(channel.take(), "snapshot;live-1;live-2;");
    EXPECT_TRUE(channel.take().empty());
    EXPECT_GE(wakes, 3);
}

TEST(EventChannel, frame_over_the_bound_ends_the_stream_and_frees_the_queue)
{
    EventChannelOptions options;
    options.max_queued_bytes = 10;
    EventChannel channel(options);
    EXPECT_TRUE(channel.push("12345"));
    EXPECT_TRUE(channel.push("67890"));
    EXPECT_FALSE(channel.push("x"));
    EXPECT_TRUE(channel.overflowed());
    EXPECT_TRUE(channel.closed());
    EXPECT_EQ(channel.queued_bytes(), 0u);
    EXPECT_FALSE(channel.push("y")) << "a dropped stream took a frame";
}

TEST(EventChannel, finish_runs_its_callback_once_and_refuses_frames_after)
{
    EventChannel channel({});
    int calls = 0;
    StreamEnd seen = StreamEnd::Closed;
    channel.on_finished([&](StreamEnd why) {
        ++calls;
        seen = why;
    });
    EXPECT_TRUE(channel.push("a"));
    channel.finish(StreamEnd::PeerGone);
    channel.finish(StreamEnd::Draining);
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(seen, StreamEnd::PeerGone);
    EXPECT_FALSE(channel.push("b"));
    EXPECT_TRUE(channel.take().empty());
    int late = 0;
    channel.on_finished([&](StreamEnd) { ++late; });
    EXPECT_EQ(late, 1) << "a callback set after the end must still run";
}

TEST(EventChannel, close_lets_what_is_queued_be_written)
{
    EventChannel channel({});
    EXPECT_TRUE(channel.push("last words"));
    channel.close();
    EXPECT_TRUE(channel.closed());
    EXPECT_FALSE(channel.overflowed());
    EXPECT_EQ(channel.take(), "last words");
}
