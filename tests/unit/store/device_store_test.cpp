#include "hondana/store/device_store.h"

#include <gtest/gtest.h>

#include "store_fixture.h"

using namespace hondana;
using namespace hondana::store;

TEST(DeviceStore, audit_events_form_a_verifiable_chain)
{
    test::StoreFixture f;
    auto now = base::now_utc();
    auto first = f.device->append_audit(audit_type::sign_in, now, "alice", std::nullopt, "online");
    ASSERT_TRUE(first) << first.error().message;
    EXPECT_EQ(first->seq, 1);
    EXPECT_EQ(first->prev_hash, audit_genesis_hash);
    auto second = f.device->append_audit(audit_type::title_opened, now, "alice", "title-1", "");
    ASSERT_TRUE(second);
    EXPECT_EQ(second->prev_hash, first->hash);
    EXPECT_EQ(second->hash, audit_event_hash(*second));
    EXPECT_TRUE(f.device->verify_audit_chain());
    auto summary = f.device->audit_summary();
    EXPECT_EQ(summary->last_seq, 2);
    EXPECT_EQ(summary->pending, 2);
}

TEST(DeviceStore, audit_hash_covers_every_field)
{
    AuditEvent event { 3, std::string(audit_genesis_hash), "", "title.opened", base::now_utc(), "alice", "t1", "d" };
    auto base_hash = audit_event_hash(event);
    auto changed = event;
    changed.detail = "e";
    EXPECT_NE(audit_event_hash(changed), base_hash);
    changed = event;
    changed.user.reset();
    EXPECT_NE(audit_event_hash(changed), base_hash);
    changed = event;
    changed.seq = 4;
    EXPECT_NE(audit_event_hash(changed), base_hash);
    changed = event;
    changed.time += std::chrono::seconds(1);
    EXPECT_NE(audit_event_hash(changed), base_hash);
}

TEST(DeviceStore, uploaded_events_leave_the_pending_queue)
{
    test::StoreFixture f;
    for (int i = 0; i < 5; ++i)
        ASSERT_TRUE(f.device->append_audit(audit_type::sign_in, base::now_utc(), "alice", std::nullopt, ""));
    ASSERT_EQ(f.device->pending_audit(3).value().size(), 3u);
    ASSERT_TRUE(f.device->mark_audit_uploaded(3));
    auto pending = f.device->pending_audit(10).value();
    ASSERT_EQ(pending.size(), 2u);
    EXPECT_EQ(pending.front().seq, 4);
    EXPECT_EQ(f.device->audit_summary()->uploaded_through, 3);
}

TEST(DeviceStore, clock_ratchet_and_enrolment_persist)
{
    test::StoreFixture f;
    platform::ClockRatchet ratchet;
    ratchet.server_time = base::parse_rfc3339("2026-11-22T00:00:00Z");
    ratchet.monotonic_at_server_ms = 1234;
    ratchet.boot_id = "boot";
    ratchet.highest_trusted = *base::parse_rfc3339("2026-11-22T01:00:00Z");
    ASSERT_TRUE(f.device->save_clock_ratchet(ratchet));
    ASSERT_TRUE(f.device->save_enrolment({ "tablet-1", "CERT", "CA", "tenant", "school", base::now_utc() }));
    f.device.reset();
    auto reopened = DeviceStore::open(f.paths, *f.key_store);
    ASSERT_TRUE(reopened);
    auto loaded = (*reopened)->clock_ratchet();
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->server_time, ratchet.server_time);
    EXPECT_EQ(loaded->monotonic_at_server_ms, 1234);
    EXPECT_EQ(loaded->highest_trusted, ratchet.highest_trusted);
    EXPECT_EQ((*reopened)->enrolment().value()->device_id, "tablet-1");
    EXPECT_TRUE((*reopened)->integrity_check());
}

TEST(DeviceStore, does_not_open_with_another_device_key)
{
    test::StoreFixture f;
    ASSERT_TRUE(f.device->set_setting("last_login", "alice"));
    f.device.reset();
    ASSERT_TRUE(f.key_store->destroy());
    ASSERT_TRUE(f.key_store->create_device_key());
    auto reopened = DeviceStore::open(f.paths, *f.key_store);
    ASSERT_FALSE(reopened);
    EXPECT_EQ(reopened.error().kind, ErrorKind::WrongKey);
}
