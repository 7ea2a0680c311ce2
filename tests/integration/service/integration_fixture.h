#pragma once

// Shared setup of the service integration tests: a fresh harness per test,
// and helpers to enrol a device and sign a user in on it.

#include <memory>

#include <gtest/gtest.h>

#include "service_harness.h"
#include "tls_client.h"

namespace hondana::test {

struct Session {
    std::unique_ptr<TlsClient> client;
    DeviceCredentials device;
    std::string access;
    std::string refresh;
    nlohmann::json user;
};

class ServiceTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        m_service = std::make_unique<ServiceHarness>(options());
        ASSERT_TRUE(m_service->ok()) << m_service->error();
    }
    virtual HarnessOptions options() { return {}; }

    ServiceHarness& service() { return *m_service; }

    // Enrols devices()[index] and returns a client presenting its certificate.
    std::unique_ptr<TlsClient> device_client(size_t index, DeviceCredentials* credentials = nullptr)
    {
        auto device = enrol_device(*m_service, m_service->devices().at(index));
        if (credentials)
            *credentials = device;
        return std::make_unique<TlsClient>(*m_service, device);
    }

    // Enrols a device and signs `user_key` in on it (admins with a fresh TOTP code).
    Session signed_in(size_t device_index, const std::string& user_key)
    {
        Session session;
        session.client = device_client(device_index, &session.device);
        const auto& user = m_service->user(user_key);
        std::optional<std::string> totp;
        if (user.role == "admin" && user.totp_secret)
            totp = totp_now(*user.totp_secret);
        auto reply = sign_in(*session.client, user, totp);
        EXPECT_EQ(reply.status, 200u) << reply.body;
        auto json = reply.json();
        if (reply.status == 200) {
            session.access = json["access_token"].get<std::string>();
            session.refresh = json["refresh_token"].get<std::string>();
            session.user = json["user"];
        }
        return session;
    }

    std::unique_ptr<ServiceHarness> m_service;
};

}
