#include "integration_fixture.h"

#include <fstream>

#include "hondana/drm/key_wrap.h"
#include "hondana/drm/licence.h"
#include "hondana/drm/package.h"
#include "lending/sample_titles.h"

using namespace hondana;
using namespace hondana::test;

namespace {

class Licence : public ServiceTest { };
class LicenceStatus : public ServiceTest { };

drm::Certificate tenant_root(const ServiceHarness& service)
{
    std::ifstream in(service.root_certificate());
    return *drm::Certificate::from_pem(std::string(std::istreambuf_iterator<char>(in), {}));
}

struct Borrowed {
    std::string loan_id;
    std::string licence_id;
};

Borrowed borrow(Session& session, const std::string& title_id)
{
    auto loan = session.client->post("/v1/titles/" + title_id + "/borrow", nullptr, session.access);
    EXPECT_EQ(loan.status, 201u) << loan.body;
    auto json = loan.json();
    return { json["id"].get<std::string>(), json["licence_id"].get<std::string>() };
}

std::string resource_text(drm::Package& package, const std::string& path, const drm::SecretBytes& key)
{
    auto source = package.open_resource(path, &key);
    EXPECT_TRUE(source) << (source ? "" : source.error().message);
    if (!source)
        return {};
    auto bytes = drm::read_all(**source, 64 * 1024 * 1024);
    return bytes ? std::string(bytes->begin(), bytes->end()) : std::string();
}

}

TEST_F(Licence, signature_verifies_and_unwrapped_key_decrypts_the_package)
{
    for (const auto& title : service().titles()) {
        auto session = signed_in(title.format == "pdf" ? 0 : 1, "student");
        auto borrowed = borrow(session, title.id);
        auto reply = session.client->get("/v1/licences/" + borrowed.licence_id, session.access);
        ASSERT_EQ(reply.status, 200u) << reply.body;
        EXPECT_EQ(reply.header("content-type"), drm::licence_media_type);
        auto licence = drm::parse_licence(reply.body);
        ASSERT_TRUE(licence) << licence.error().message;
        EXPECT_TRUE(drm::verify_licence(*licence, tenant_root(service()))) << "signed by the tenant's licence key";
        EXPECT_EQ(licence->user_key.device_id, session.device.device_id);
        EXPECT_EQ(licence->rights.print, 0);
        EXPECT_EQ(licence->rights.copy, 0);
        ASSERT_TRUE(licence->rights.offline_until && licence->rights.end);
        EXPECT_LE(*licence->rights.offline_until, *licence->rights.end);
        auto key = drm::unwrap_content_key(
            licence->content_key.encrypted_value, *session.device.key, { licence->id, session.device.device_id });
        ASSERT_TRUE(key) << key.error().message;
        const auto* publication = licence->link("publication");
        ASSERT_NE(publication, nullptr);
        auto content = session.client->get(publication->href);
        ASSERT_EQ(content.status, 200u);
        EXPECT_EQ(content.body.size(), publication->length.value_or(0));
        auto digest = drm::sha256(drm::as_bytes(content.body));
        EXPECT_EQ(drm::hex_encode(digest), publication->hash.value_or(""));
        EXPECT_EQ(content.body.find(std::string(lending::sample_canary)), std::string::npos)
            << "no plaintext in the package";
        auto package = drm::Package::open(
            std::make_shared<drm::MemoryByteSource>(drm::Bytes(content.body.begin(), content.body.end())));
        ASSERT_TRUE(package) << package.error().message;
        bool found = false;
        for (const auto& entry : (*package)->entries())
            if (entry.encryption)
                found |= resource_text(**package, entry.path, *key).find(std::string(lending::sample_canary))
                    != std::string::npos;
        EXPECT_TRUE(found) << title.title << ": the decrypted content holds the canary";
        // another device's key cannot unwrap it
        auto stranger = drm::PrivateKey::generate_p256();
        EXPECT_FALSE(drm::unwrap_content_key(
            licence->content_key.encrypted_value, *stranger, { licence->id, session.device.device_id }));
    }
}

TEST_F(LicenceStatus, moves_from_ready_to_active_to_returned)
{
    auto session = signed_in(0, "student");
    auto borrowed = borrow(session, service().titles()[1].id);
    auto status_path = "/v1/licences/" + borrowed.licence_id + "/status";
    auto ready = session.client->get(status_path, session.access);
    ASSERT_EQ(ready.status, 200u) << ready.body;
    EXPECT_EQ(ready.json()["status"], "ready");
    EXPECT_TRUE(ready.json().contains("potential_rights"));
    ASSERT_EQ(session.client->get("/v1/licences/" + borrowed.licence_id, session.access).status, 200u);
    auto active = session.client->get(status_path, session.access).json();
    EXPECT_EQ(active["status"], "active");
    ASSERT_FALSE(active["events"].empty());
    EXPECT_EQ(active["events"][0]["type"], "register");
    EXPECT_EQ(active["events"][0]["id"], session.device.device_id);
    auto renewed = session.client->request(
        "PUT", "/v1/licences/" + borrowed.licence_id + "/renew?id=" + session.device.device_id, {}, session.access);
    ASSERT_EQ(renewed.status, 200u) << renewed.body;
    auto returned = session.client->request(
        "PUT", "/v1/licences/" + borrowed.licence_id + "/return?id=" + session.device.device_id, {}, session.access);
    ASSERT_EQ(returned.status, 200u) << returned.body;
    EXPECT_EQ(returned.json()["status"], "returned");
    std::vector<std::string> types;
    auto document = returned.json();
    for (const auto& event : document["events"])
        types.push_back(event["type"].get<std::string>());
    EXPECT_EQ(types, (std::vector<std::string> { "register", "renew", "return" }));
    EXPECT_EQ(session.client->get("/v1/licences/" + borrowed.licence_id, session.access).problem(), "loan-not-active");
}

TEST_F(LicenceStatus, renew_beyond_allowed_end_is_refused)
{
    auto session = signed_in(0, "student");
    auto borrowed = borrow(session, service().titles()[1].id);
    auto reply = session.client->request(
        "PUT", "/v1/licences/" + borrowed.licence_id + "/renew?end=2099-01-01T00:00:00Z", {}, session.access);
    EXPECT_EQ(reply.problem(), "renew-refused");
    EXPECT_TRUE(reply.json().contains("potential_end"));
}

TEST_F(LicenceStatus, admin_revokes_and_student_may_not)
{
    auto student = signed_in(0, "student");
    auto borrowed = borrow(student, service().titles()[1].id);
    auto denied = student.client->request("PUT", "/v1/licences/" + borrowed.licence_id + "/revoke", {}, student.access);
    EXPECT_EQ(denied.status, 403u);
    EXPECT_EQ(denied.problem(), "forbidden");
    ASSERT_EQ(service().admin({ "licence", "revoke", borrowed.licence_id }), 0);
    auto status = student.client->get("/v1/licences/" + borrowed.licence_id + "/status", student.access).json();
    EXPECT_EQ(status["status"], "revoked");
}

TEST_F(LicenceStatus, register_for_another_device_is_forbidden)
{
    auto session = signed_in(0, "student");
    auto borrowed = borrow(session, service().titles()[1].id);
    auto reply = session.client->request(
        "POST", "/v1/licences/" + borrowed.licence_id + "/register?id=tab-0004&name=x", {}, session.access);
    EXPECT_EQ(reply.problem(), "forbidden");
    auto own = session.client->request("POST",
        "/v1/licences/" + borrowed.licence_id + "/register?id=" + session.device.device_id + "&name=My%20tablet", {},
        session.access);
    ASSERT_EQ(own.status, 200u) << own.body;
    EXPECT_EQ(own.json()["status"], "active");
    EXPECT_EQ(own.json()["events"][0]["name"], "My tablet");
}
