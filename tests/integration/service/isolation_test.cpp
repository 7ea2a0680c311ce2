#include "integration_fixture.h"

#include "lending/sample_titles.h"

using namespace hondana;
using namespace hondana::test;

namespace {

// A second tenant in the same service, with its own school, user, device and title.
class TenantIsolation : public ServiceTest {
protected:
    void SetUp() override
    {
        ServiceTest::SetUp();
        auto& s = service();
        std::string out;
        ASSERT_EQ(s.admin({ "tenant", "add", "town", "--name", "Other Town" }), 0);
        ASSERT_EQ(s.admin({ "--tenant", "town", "tenant", "policy", "set", "pbkdf2_iterations", "1000" }), 0);
        ASSERT_EQ(s.admin({ "--tenant", "town", "school", "add", "North School" }), 0);
        ASSERT_EQ(s.admin({ "--tenant", "town", "user", "add", "hanako", "--name", "Town Hanako", "--school",
                              "North School", "--password-stdin" },
                      &out, std::string(harness_password) + "\n"),
            0)
            << out;
        ASSERT_EQ(s.admin({ "--tenant", "town", "device", "add", "town-tab-1", "--school", "North School" }, &out), 0);
        auto comma = out.find("town-tab-1,");
        ASSERT_NE(comma, std::string::npos) << out;
        auto code = out.substr(comma + 11, out.find(',', comma + 11) - comma - 11);
        m_town_device = { "town-tab-1", code, "North School" };
        auto pdf = s.work_dir() / "town.pdf";
        ASSERT_TRUE(lending::write_sample_pdf(pdf, "Town PDF", { { "One", { "Town only." } } }));
        ASSERT_EQ(s.admin({ "--tenant", "town", "title", "add", pdf.string(), "--title", "Town PDF" }, &out), 0) << out;
        m_town_title = out.substr(6, out.find(' ', 6) - 6);
    }

    HarnessDevice m_town_device;
    std::string m_town_title;
};

}

TEST_F(TenantIsolation, same_login_id_in_two_tenants_signs_into_its_own_tenant_only)
{
    auto town = std::make_unique<TlsClient>(service(), enrol_device(service(), m_town_device));
    auto reply = sign_in(*town, service().user("student"));
    ASSERT_EQ(reply.status, 200u) << reply.body;
    EXPECT_EQ(reply.json()["user"]["display_name"], "Town Hanako");
    auto city = device_client(0);
    EXPECT_EQ(sign_in(*city, { "boss", harness_password, "admin", "", std::nullopt }).problem(), "totp-required");
    auto town_feed = town->get("/v1/catalog", reply.json()["access_token"].get<std::string>()).json();
    ASSERT_EQ(town_feed["metadata"]["numberOfItems"], 1);
    EXPECT_EQ(town_feed["publications"][0]["metadata"]["title"], "Town PDF");
}

TEST_F(TenantIsolation, other_tenants_titles_content_and_licences_are_not_found)
{
    auto city = signed_in(0, "student");
    EXPECT_EQ(city.client->post("/v1/titles/" + m_town_title + "/borrow", nullptr, city.access).problem(), "not-found");
    EXPECT_EQ(city.client->get("/v1/content/" + m_town_title).problem(), "not-found");
    EXPECT_EQ(city.client->get("/v1/titles/" + m_town_title + "/cover").problem(), "not-found");
    auto town = std::make_unique<TlsClient>(service(), enrol_device(service(), m_town_device));
    auto town_session = sign_in(*town, service().user("student")).json();
    auto town_access = town_session["access_token"].get<std::string>();
    auto loan = town->post("/v1/titles/" + m_town_title + "/borrow", nullptr, town_access).json();
    auto licence_id = loan["licence_id"].get<std::string>();
    EXPECT_EQ(city.client->get("/v1/licences/" + licence_id, city.access).problem(), "not-found");
    EXPECT_EQ(city.client->get("/v1/licences/" + licence_id + "/status", city.access).problem(), "not-found");
    EXPECT_EQ(
        city.client->post("/v1/loans/" + loan["id"].get<std::string>() + "/return", nullptr, city.access).problem(),
        "not-found");
    // a city token is no good on the town device either
    EXPECT_EQ(town->get("/v1/me", city.access).problem(), "token-invalid");
}

TEST_F(TenantIsolation, a_student_cannot_reach_another_students_licence)
{
    auto hanako = signed_in(0, "student");
    auto loan
        = hanako.client->post("/v1/titles/" + service().titles()[1].id + "/borrow", nullptr, hanako.access).json();
    auto sensei = signed_in(1, "teacher");
    auto licence_id = loan["licence_id"].get<std::string>();
    EXPECT_EQ(sensei.client->get("/v1/licences/" + licence_id, sensei.access).problem(), "not-found");
    EXPECT_EQ(
        sensei.client->post("/v1/loans/" + loan["id"].get<std::string>() + "/renew", nullptr, sensei.access).problem(),
        "not-found");
}
