#include "lending_fixture.h"

using namespace hondana;
using namespace hondana::lending;
using hondana::test::EnrolledDevice;
using hondana::test::LendingFixture;

namespace {

class HoldQueueRules : public LendingFixture {
protected:
    Caller student(const std::string& login, const std::string& device_id)
    {
        add_user(login, Role::Student);
        m_devices.push_back(enrol(device_id));
        auto signed_in = this->login(m_devices.back(), login);
        EXPECT_TRUE(signed_in);
        return caller_of(m_devices.back(), *signed_in);
    }
    std::vector<EnrolledDevice> m_devices;
};

}

TEST_F(HoldQueueRules, queue_is_served_in_order_and_unclaimed_holds_pass_on)
{
    auto title = add_sample_title("Queue", 1);
    auto a = student("a-student", "tab-a");
    auto b = student("b-student", "tab-b");
    auto c = student("c-student", "tab-c");
    auto& circulation = m_service->circulation();
    auto loan = circulation.borrow(a, title.id);
    ASSERT_TRUE(loan);
    auto hold_b = circulation.reserve(b, title.id);
    auto hold_c = circulation.reserve(c, title.id);
    ASSERT_TRUE(hold_b && hold_c);
    EXPECT_EQ(hold_b->position, 1);
    EXPECT_EQ(hold_c->position, 2);
    ASSERT_TRUE(circulation.return_loan(a, loan->id));
    auto shelf_b = circulation.shelf(b);
    ASSERT_EQ(shelf_b->reservations.size(), 1u);
    EXPECT_EQ(shelf_b->reservations[0].status, "ready");
    // c may not jump the queue
    EXPECT_EQ(circulation.borrow(c, title.id).error().kind, ErrorKind::NoCopies);
    // b does not come within the hold period (3 days): the copy passes to c
    m_clock.advance(std::chrono::hours(24 * 3 + 1));
    ASSERT_TRUE(circulation.settle_all());
    EXPECT_TRUE(circulation.shelf(b)->reservations.empty());
    auto shelf_c = circulation.shelf(c);
    ASSERT_EQ(shelf_c->reservations.size(), 1u);
    EXPECT_EQ(shelf_c->reservations[0].status, "ready");
    EXPECT_EQ(shelf_c->reservations[0].position, 1);
    EXPECT_TRUE(circulation.borrow(c, title.id));
}

TEST_F(HoldQueueRules, expired_loan_frees_its_copy)
{
    auto title = add_sample_title("Expiring", 1);
    auto a = student("a-student", "tab-a");
    auto b = student("b-student", "tab-b");
    auto& circulation = m_service->circulation();
    ASSERT_TRUE(circulation.borrow(a, title.id));
    EXPECT_EQ(circulation.borrow(b, title.id).error().kind, ErrorKind::NoCopies);
    m_clock.advance(std::chrono::hours(24 * 14 + 1));
    auto later = circulation.borrow(b, title.id);
    ASSERT_TRUE(later) << later.error().message;
    EXPECT_TRUE(circulation.shelf(a)->loans.empty());
}

TEST_F(HoldQueueRules, cancelled_reservation_leaves_the_queue)
{
    auto title = add_sample_title("Cancel", 1);
    auto a = student("a-student", "tab-a");
    auto b = student("b-student", "tab-b");
    auto c = student("c-student", "tab-c");
    auto& circulation = m_service->circulation();
    ASSERT_TRUE(circulation.borrow(a, title.id));
    auto hold_b = circulation.reserve(b, title.id);
    ASSERT_TRUE(circulation.reserve(c, title.id));
    ASSERT_TRUE(circulation.cancel_reservation(b, hold_b->id));
    EXPECT_EQ(circulation.shelf(c)->reservations[0].position, 1);
    EXPECT_EQ(circulation.cancel_reservation(b, hold_b->id).error().kind, ErrorKind::NotFound);
}

TEST_F(HoldQueueRules, unlimited_titles_never_run_out)
{
    auto title = add_sample_title("Unlimited", 0, Holding::Unlimited);
    for (int i = 0; i < 5; ++i) {
        auto who = student("s" + std::to_string(i), "tab-" + std::to_string(i));
        EXPECT_TRUE(m_service->circulation().borrow(who, title.id));
    }
}

TEST_F(HoldQueueRules, renewal_limit_and_waiting_readers_refuse_renewal)
{
    auto title = add_sample_title("Renew", 1);
    auto a = student("a-student", "tab-a");
    auto& circulation = m_service->circulation();
    auto loan = circulation.borrow(a, title.id);
    EXPECT_TRUE(circulation.renew(a, loan->id));
    EXPECT_TRUE(circulation.renew(a, loan->id));
    auto third = circulation.renew(a, loan->id);
    ASSERT_FALSE(third);
    EXPECT_EQ(third.error().kind, ErrorKind::RenewRefused);
    EXPECT_EQ(third.error().details["reason"], "limit");
}

TEST_F(HoldQueueRules, students_see_only_titles_at_their_reading_level)
{
    add_sample_title("Easy", 1, Holding::Copies, 2);
    auto hard = add_sample_title("Hard", 1, Holding::Copies, 6);
    add_user("young", Role::Student, "North School", 3);
    m_devices.push_back(enrol("tab-young"));
    auto young = caller_of(m_devices.back(), *login(m_devices.back(), "young"));
    auto feed = m_service->catalog().feed(young, {});
    ASSERT_TRUE(feed);
    EXPECT_EQ((*feed)["metadata"]["numberOfItems"], 1);
    EXPECT_EQ((*feed)["publications"][0]["metadata"]["title"], "Easy");
    EXPECT_EQ(m_service->circulation().borrow(young, hard.id).error().kind, ErrorKind::Forbidden);
}

TEST_F(HoldQueueRules, deleting_a_user_returns_their_loans_to_the_queue)
{
    auto title = add_sample_title("Deleted", 1);
    auto a = student("a-student", "tab-a");
    auto b = student("b-student", "tab-b");
    ASSERT_TRUE(m_service->circulation().borrow(a, title.id));
    ASSERT_TRUE(m_service->circulation().reserve(b, title.id));
    ASSERT_TRUE(m_service->accounts().remove(admin, "city", "a-student"));
    EXPECT_EQ(m_service->circulation().shelf(b)->reservations[0].status, "ready");
}
