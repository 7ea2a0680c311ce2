#include "integration_fixture.h"

#include <thread>

using namespace hondana;
using namespace hondana::test;

namespace {

class Circulation : public ServiceTest { };
class HoldQueue : public ServiceTest { };
class CatalogFeed : public ServiceTest { };

std::string borrow_path(const std::string& title_id)
{
    return "/v1/titles/" + title_id + "/borrow";
}

}

TEST_F(Circulation, two_students_racing_for_one_copy_get_one_loan)
{
    const auto pdf = service().titles()[0].id; // one copy
    auto hanako = signed_in(0, "student");
    auto sensei = signed_in(1, "teacher");
    HttpReply first, second;
    std::thread a([&] { first = hanako.client->post(borrow_path(pdf), nullptr, hanako.access); });
    std::thread b([&] { second = sensei.client->post(borrow_path(pdf), nullptr, sensei.access); });
    a.join();
    b.join();
    std::vector<unsigned> statuses = { first.status, second.status };
    std::sort(statuses.begin(), statuses.end());
    EXPECT_EQ(statuses, (std::vector<unsigned> { 201, 409 })) << first.body << " / " << second.body;
    const auto& loser = first.status == 409 ? first : second;
    EXPECT_EQ(loser.problem(), "no-copies");
    EXPECT_TRUE(loser.json().contains("queue_length"));
}

TEST_F(Circulation, borrow_return_and_errors_for_repeats)
{
    const auto epub = service().titles()[1].id;
    auto session = signed_in(0, "student");
    auto loan = session.client->post(borrow_path(epub), nullptr, session.access);
    ASSERT_EQ(loan.status, 201u) << loan.body;
    auto again = session.client->post(borrow_path(epub), nullptr, session.access);
    EXPECT_EQ(again.problem(), "already-borrowed");
    auto loans = session.client->get("/v1/loans", session.access).json();
    ASSERT_EQ(loans["loans"].size(), 1u);
    EXPECT_EQ(loans["loans"][0]["title_id"], epub);
    auto id = loan.json()["id"].get<std::string>();
    auto returned = session.client->post("/v1/loans/" + id + "/return", nullptr, session.access);
    ASSERT_EQ(returned.status, 200u);
    EXPECT_EQ(returned.json()["status"], "returned");
    EXPECT_EQ(
        session.client->post("/v1/loans/" + id + "/return", nullptr, session.access).problem(), "loan-not-active");
}

TEST_F(Circulation, loan_limit_follows_tenant_policy)
{
    ASSERT_EQ(service().admin({ "tenant", "policy", "set", "max_loans", "1" }), 0);
    auto session = signed_in(0, "student");
    ASSERT_EQ(session.client->post(borrow_path(service().titles()[0].id), nullptr, session.access).status, 201u);
    auto second = session.client->post(borrow_path(service().titles()[1].id), nullptr, session.access);
    EXPECT_EQ(second.problem(), "loan-limit");
    EXPECT_EQ(second.json()["limit"], 1);
}

TEST_F(HoldQueue, returned_copy_goes_to_first_in_line)
{
    const auto pdf = service().titles()[0].id;
    auto holder = signed_in(0, "student");
    auto waiter = signed_in(1, "teacher");
    auto loan = holder.client->post(borrow_path(pdf), nullptr, holder.access);
    ASSERT_EQ(loan.status, 201u);
    auto reservation = waiter.client->post("/v1/titles/" + pdf + "/reserve", nullptr, waiter.access);
    ASSERT_EQ(reservation.status, 201u) << reservation.body;
    EXPECT_EQ(reservation.json()["position"], 1);
    EXPECT_EQ(reservation.json()["status"], "waiting");
    auto repeat = waiter.client->post("/v1/titles/" + pdf + "/reserve", nullptr, waiter.access);
    EXPECT_EQ(repeat.problem(), "already-reserved");
    EXPECT_EQ(repeat.json()["position"], 1);
    auto loan_id = loan.json()["id"].get<std::string>();
    EXPECT_EQ(
        holder.client->post("/v1/loans/" + loan_id + "/renew", nullptr, holder.access).problem(), "renew-refused");
    ASSERT_EQ(holder.client->post("/v1/loans/" + loan_id + "/return", nullptr, holder.access).status, 200u);
    auto shelf = waiter.client->get("/v1/loans", waiter.access).json();
    ASSERT_EQ(shelf["reservations"].size(), 1u);
    EXPECT_EQ(shelf["reservations"][0]["status"], "ready");
    EXPECT_TRUE(shelf["reservations"][0].contains("expires_at"));
    // the copy is held: the holder cannot take it back
    EXPECT_EQ(holder.client->post(borrow_path(pdf), nullptr, holder.access).problem(), "no-copies");
    EXPECT_EQ(waiter.client->post(borrow_path(pdf), nullptr, waiter.access).status, 201u);
    EXPECT_TRUE(waiter.client->get("/v1/loans", waiter.access).json()["reservations"].empty());
}

TEST_F(HoldQueue, renewal_extends_loan_when_nobody_waits)
{
    auto session = signed_in(0, "student");
    auto loan = session.client->post(borrow_path(service().titles()[0].id), nullptr, session.access).json();
    auto renewed
        = session.client->post("/v1/loans/" + loan["id"].get<std::string>() + "/renew", nullptr, session.access);
    ASSERT_EQ(renewed.status, 200u) << renewed.body;
    EXPECT_GT(renewed.json()["end"].get<std::string>(), loan["end"].get<std::string>());
    EXPECT_EQ(renewed.json()["renewals"], 1);
}

TEST_F(CatalogFeed, opds_feed_pages_searches_and_filters_by_reading_level)
{
    auto reader = signed_in(0, "student"); // level 5 sees both (level 3)
    auto feed = reader.client->get("/v1/catalog?per_page=1", reader.access);
    ASSERT_EQ(feed.status, 200u) << feed.body;
    auto json = feed.json();
    EXPECT_EQ(json["metadata"]["numberOfItems"], 2);
    EXPECT_EQ(json["publications"].size(), 1u);
    bool has_next = false;
    for (const auto& link : json["links"])
        has_next |= link["rel"] == "next";
    EXPECT_TRUE(has_next);
    auto publication = json["publications"][0];
    EXPECT_TRUE(publication["metadata"]["identifier"].get<std::string>().rfind("urn:uuid:", 0) == 0);
    EXPECT_TRUE(publication.contains("hondana:availability"));
    auto search = reader.client->get("/v1/catalog?q=EPUB", reader.access).json();
    ASSERT_EQ(search["publications"].size(), 1u);
    EXPECT_EQ(search["publications"][0]["metadata"]["title"], "Harness EPUB");
    auto young = signed_in(1, "student2"); // level 2 sees none of the level-3 titles
    auto filtered = young.client->get("/v1/catalog", young.access).json();
    EXPECT_EQ(filtered["metadata"]["numberOfItems"], 0);
    EXPECT_EQ(young.client->post(borrow_path(service().titles()[0].id), nullptr, young.access).problem(), "forbidden");
}
