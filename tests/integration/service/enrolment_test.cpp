#include "integration_fixture.h"

#include <fstream>

#include "hondana/drm/crypto.h"
#include "lending/devices.h"

using namespace hondana;
using namespace hondana::test;

namespace {

class DeviceEnrolment : public ServiceTest { };
class DeviceAuthentication : public ServiceTest { };
class DeviceRevocation : public ServiceTest { };

nlohmann::json enrolment_body(
    const HarnessDevice& device, const drm::PrivateKey& key, const std::string& code, const drm::PrivateKey& signer)
{
    auto proof = drm::sign_ecdsa_sha256(signer, drm::as_bytes(lending::enrolment_proof_message(device.id, code)));
    return { { "device_id", device.id }, { "enrolment_code", code },
        { "public_key", drm::base64_encode(key.public_key().spki_der()) }, { "proof", drm::base64_encode(*proof) } };
}

}

TEST_F(DeviceEnrolment, enrols_with_valid_code_and_proof_and_gets_client_certificate)
{
    const auto& device = service().devices()[0];
    auto key = drm::PrivateKey::generate_p256();
    TlsClient anonymous(service());
    auto reply = anonymous.post("/v1/devices/enrol", enrolment_body(device, *key, device.enrolment_code, *key));
    ASSERT_EQ(reply.status, 200u) << reply.body;
    auto json = reply.json();
    EXPECT_EQ(json["tenant"], "city");
    EXPECT_EQ(json["school"], "North School");
    auto certificate = drm::Certificate::from_pem(json["device_certificate"].get<std::string>());
    ASSERT_TRUE(certificate);
    EXPECT_EQ(certificate->subject_common_name(), device.id);
    EXPECT_EQ(certificate->public_key().spki_sha256_pin(), key->public_key().spki_sha256_pin());
    std::ifstream root_file(service().root_certificate());
    auto root = drm::Certificate::from_pem(std::string(std::istreambuf_iterator<char>(root_file), {}));
    auto chain = drm::Certificate::all_from_pem(json["ca_certificates"].get<std::string>());
    ASSERT_TRUE(chain && root);
    EXPECT_TRUE(drm::verify_certificate_chain(*certificate, *root, base::now_utc(), *chain));
}

TEST_F(DeviceEnrolment, refuses_wrong_code)
{
    const auto& device = service().devices()[0];
    auto key = drm::PrivateKey::generate_p256();
    TlsClient anonymous(service());
    auto reply = anonymous.post("/v1/devices/enrol", enrolment_body(device, *key, "AAAAA-AAAAA-AAAAA-AAAAA", *key));
    EXPECT_EQ(reply.status, 403u);
    EXPECT_EQ(reply.problem(), "enrolment-invalid");
}

TEST_F(DeviceEnrolment, code_is_single_use)
{
    const auto& device = service().devices()[0];
    ASSERT_NO_THROW(enrol_device(service(), device));
    auto key = drm::PrivateKey::generate_p256();
    TlsClient anonymous(service());
    auto again = anonymous.post("/v1/devices/enrol", enrolment_body(device, *key, device.enrolment_code, *key));
    EXPECT_EQ(again.status, 403u);
    EXPECT_EQ(again.problem(), "enrolment-invalid");
}

TEST_F(DeviceEnrolment, refuses_proof_signed_by_another_key)
{
    const auto& device = service().devices()[0];
    auto key = drm::PrivateKey::generate_p256();
    auto other = drm::PrivateKey::generate_p256();
    TlsClient anonymous(service());
    auto reply = anonymous.post("/v1/devices/enrol", enrolment_body(device, *key, device.enrolment_code, *other));
    EXPECT_EQ(reply.problem(), "enrolment-invalid");
    // and the code is still good for the real device
    EXPECT_NO_THROW(enrol_device(service(), device));
}

TEST_F(DeviceEnrolment, unknown_device_id_answers_like_wrong_code)
{
    HarnessDevice ghost { "tab-9999", service().devices()[0].enrolment_code, "North School" };
    auto key = drm::PrivateKey::generate_p256();
    TlsClient anonymous(service());
    auto reply = anonymous.post("/v1/devices/enrol", enrolment_body(ghost, *key, ghost.enrolment_code, *key));
    EXPECT_EQ(reply.status, 403u);
    EXPECT_EQ(reply.problem(), "enrolment-invalid");
}

TEST_F(DeviceAuthentication, routes_need_device_certificate)
{
    TlsClient anonymous(service());
    for (auto target : { "/v1/catalog", "/v1/loans", "/v1/me" }) {
        auto reply = anonymous.get(target);
        EXPECT_EQ(reply.status, 401u) << target;
        EXPECT_EQ(reply.problem(), "device-required") << target;
    }
    auto login = anonymous.post("/v1/auth/login", { { "login_id", "hanako" }, { "password", harness_password } });
    EXPECT_EQ(login.problem(), "device-required");
    EXPECT_EQ(anonymous.get("/healthz").status, 200u);
    EXPECT_EQ(anonymous.get("/v1/time").status, 200u);
}

TEST_F(DeviceAuthentication, self_made_certificate_for_enrolled_id_is_refused)
{
    auto enrolled = enrol_device(service(), service().devices()[0]);
    auto key = drm::PrivateKey::generate_p256();
    drm::CertificateRequest request;
    request.common_name = enrolled.device_id;
    request.role = drm::CertificateRole::TlsClient;
    request.not_before = base::now_utc() - std::chrono::hours(1);
    request.not_after = base::now_utc() + std::chrono::hours(24);
    auto forged = drm::issue_certificate(request, key->public_key(), nullptr, *key);
    ASSERT_TRUE(forged);
    DeviceCredentials impostor { enrolled.device_id, std::make_shared<drm::PrivateKey>(std::move(*key)),
        forged->pem() };
    TlsClient client(service(), impostor);
    auto reply = sign_in(client, service().user("student"));
    EXPECT_EQ(reply.status, 403u);
    EXPECT_EQ(reply.problem(), "device-unknown");
}

TEST_F(DeviceAuthentication, old_certificate_stops_working_after_code_is_reissued)
{
    auto enrolled = enrol_device(service(), service().devices()[0]);
    TlsClient old(service(), enrolled);
    EXPECT_EQ(sign_in(old, service().user("student")).status, 200u);
    ASSERT_EQ(service().admin({ "device", "reissue-code", enrolled.device_id }), 0);
    old.disconnect();
    auto reply = sign_in(old, service().user("student"));
    EXPECT_EQ(reply.status, 403u);
    EXPECT_EQ(reply.problem(), "device-unknown");
}

TEST_F(DeviceRevocation, revoked_device_is_refused_at_next_request_on_same_connection)
{
    auto session = signed_in(0, "student");
    ASSERT_EQ(session.client->get("/v1/me", session.access).status, 200u);
    int connections = session.client->connections_opened();
    ASSERT_EQ(service().admin({ "device", "revoke", session.device.device_id }), 0);
    auto reply = session.client->get("/v1/me", session.access);
    EXPECT_EQ(session.client->connections_opened(), connections) << "the same keep-alive connection";
    EXPECT_EQ(reply.status, 403u);
    EXPECT_EQ(reply.problem(), "device-revoked");
    EXPECT_EQ(
        session.client->post("/v1/auth/refresh", { { "refresh_token", session.refresh } }).problem(), "device-revoked");
}
