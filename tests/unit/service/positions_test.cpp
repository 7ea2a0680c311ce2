#include "lending_fixture.h"

using namespace hondana;
using namespace hondana::lending;
using hondana::test::EnrolledDevice;
using hondana::test::LendingFixture;

namespace {

class PositionRules : public LendingFixture {
protected:
    Caller signed_in(const std::string& login, const std::string& device_id, const std::string& tenant = "city",
        const std::string& school = "North School")
    {
        m_devices.push_back(enrol(device_id, school, tenant));
        auto done = this->login(m_devices.back(), login);
        EXPECT_TRUE(done) << (done ? "" : done.error().message);
        return caller_of(m_devices.back(), *done);
    }
    base::Timestamp at(int seconds_from_now) { return m_clock.now() + std::chrono::seconds(seconds_from_now); }
    std::vector<EnrolledDevice> m_devices;
};

}

TEST_F(PositionRules, later_position_from_another_device_wins_and_earlier_one_is_refused)
{
    auto title = add_sample_title("Book", 1);
    add_user("reader", Role::Student);
    auto tablet_a = signed_in("reader", "tab-a");
    auto tablet_b = signed_in("reader", "tab-b");
    auto& positions = m_service->positions();
    auto first = positions.put(tablet_a, title.id, "mark:0;page:4", at(-60));
    ASSERT_TRUE(first) << first.error().message;
    EXPECT_TRUE(first->accepted);
    auto later = positions.put(tablet_b, title.id, "mark:0;page:9", at(-10));
    ASSERT_TRUE(later);
    EXPECT_TRUE(later->accepted);
    auto stale = positions.put(tablet_a, title.id, "mark:0;page:5", at(-30));
    ASSERT_TRUE(stale);
    EXPECT_FALSE(stale->accepted);
    EXPECT_EQ(stale->stored.locator, "mark:0;page:9");
    EXPECT_EQ(stale->stored.device_id, "tab-b");
    auto list = positions.list(tablet_a);
    ASSERT_TRUE(list);
    ASSERT_EQ(list->size(), 1u);
    EXPECT_EQ(list->front().locator, "mark:0;page:9");
}

TEST_F(PositionRules, client_time_ahead_of_the_service_counts_as_service_now)
{
    auto title = add_sample_title("Book", 1);
    add_user("reader", Role::Student);
    auto fast = signed_in("reader", "tab-fast");
    auto honest = signed_in("reader", "tab-honest");
    auto& positions = m_service->positions();
    auto future = positions.put(fast, title.id, "mark:0;page:2", at(365 * 24 * 3600));
    ASSERT_TRUE(future);
    EXPECT_EQ(future->stored.updated_at, m_clock.now());
    m_clock.advance(std::chrono::seconds(5));
    auto next = positions.put(honest, title.id, "mark:0;page:3", m_clock.now());
    ASSERT_TRUE(next);
    EXPECT_TRUE(next->accepted) << "a clock running ahead must not pin its position";
}

TEST_F(PositionRules, positions_are_per_user_and_tenant)
{
    auto title = add_sample_title("Book", 2);
    add_user("one", Role::Student);
    add_user("two", Role::Student);
    add_tenant("other", "Other City");
    ASSERT_TRUE(m_service->directory().add_school(admin, "other", "West School"));
    add_user("three", Role::Student, "West School", std::nullopt, "other");
    auto one = signed_in("one", "tab-1");
    auto two = signed_in("two", "tab-2");
    auto three = signed_in("three", "tab-3", "other", "West School");
    auto& positions = m_service->positions();
    ASSERT_TRUE(positions.put(one, title.id, "mark:0;page:7", m_clock.now()));
    EXPECT_TRUE(positions.list(two)->empty());
    auto foreign = positions.put(three, title.id, "mark:0;page:1", m_clock.now());
    ASSERT_FALSE(foreign);
    EXPECT_EQ(foreign.error().kind, ErrorKind::NotFound);
    EXPECT_TRUE(positions.list(three)->empty());
}

TEST_F(PositionRules, rejects_empty_and_oversized_locators)
{
    auto title = add_sample_title("Book", 1);
    add_user("reader", Role::Student);
    auto caller = signed_in("reader", "tab-a");
    auto empty = m_service->positions().put(caller, title.id, "", m_clock.now());
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().kind, ErrorKind::MalformedRequest);
    auto big = m_service->positions().put(caller, title.id, std::string(max_locator_bytes + 1, 'x'), m_clock.now());
    ASSERT_FALSE(big);
    EXPECT_EQ(big.error().details.value("field", ""), "locator");
}
