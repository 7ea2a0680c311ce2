#pragma once

// A lending service on a fresh temporary data directory with a manual clock,
// a tenant with a cheap password hash (1,000 iterations; the tests of the
// default cost set it themselves), a school with two classes, and helpers to
// enrol devices and sign in, all through the real rules.

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "hondana/drm/keys.h"
#include "lending/lending_service.h"
#include "lending/sample_titles.h"
#include "lending/totp.h"

namespace hondana::test {

class TempDir {
public:
    TempDir()
    {
        std::string pattern = (std::filesystem::temp_directory_path() / "hondana-service-XXXXXX").string();
        m_path = ::mkdtemp(pattern.data());
    }
    ~TempDir()
    {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

inline constexpr const char* strong_password = "Kyoto-Reads-2026!";

struct EnrolledDevice {
    lending::DeviceIdentity identity;
    drm::PrivateKey key;
    std::string certificate_pem;
};

class LendingFixture : public ::testing::Test {
protected:
    void SetUp() override
    {
        lending::DataDir dir { m_temp.path() / "data" };
        ASSERT_TRUE(lending::init_data_dir(dir));
        auto pki = lending::init_pki(dir.pki(), {}, m_clock.now());
        ASSERT_TRUE(pki) << pki.error().message;
        auto service = lending::LendingService::open(dir, m_clock);
        ASSERT_TRUE(service) << service.error().message;
        m_service = std::move(*service);
        add_tenant("city", "Test City");
        ASSERT_TRUE(m_service->directory().add_school(admin, "city", "North School"));
        ASSERT_TRUE(m_service->directory().add_class(admin, "city", "North School", "5-1"));
        ASSERT_TRUE(m_service->directory().add_class(admin, "city", "North School", "5-2"));
        ASSERT_TRUE(m_service->directory().add_school(admin, "city", "South School"));
    }

    void add_tenant(const std::string& slug, const std::string& name)
    {
        ASSERT_TRUE(m_service->directory().add_tenant(admin, slug, name));
        ASSERT_TRUE(m_service->directory().set_policy(admin, slug, "pbkdf2_iterations", "1000"));
    }

    lending::CreatedUser add_user(const std::string& login, lending::Role role,
        const std::string& school = "North School", std::optional<int> level = std::nullopt,
        const std::string& tenant = "city")
    {
        lending::NewUser user;
        user.login_id = login;
        user.display_name = "User " + login;
        user.role = role;
        if (!school.empty())
            user.school = school;
        if (role == lending::Role::Student && school == "North School" && tenant == "city")
            user.classes = { "5-1" };
        user.reading_level = level;
        user.password = strong_password;
        auto created = m_service->accounts().add_user(admin, tenant, user);
        EXPECT_TRUE(created) << created.error().message;
        return created ? std::move(*created) : lending::CreatedUser {};
    }

    EnrolledDevice enrol(
        const std::string& id, const std::string& school = "North School", const std::string& tenant = "city")
    {
        auto added = m_service->devices().add(admin, tenant, school, { id }, "test tablet");
        EXPECT_TRUE(added) << added.error().message;
        auto key = drm::PrivateKey::generate_p256();
        EXPECT_TRUE(key);
        const auto& code = added->front().enrolment_code;
        auto proof = drm::sign_ecdsa_sha256(*key, drm::as_bytes(lending::enrolment_proof_message(id, code)));
        EXPECT_TRUE(proof);
        auto enrolment = m_service->devices().enrol({ id, code, key->public_key().spki_der(), *proof });
        EXPECT_TRUE(enrolment) << enrolment.error().message;
        auto certificate = drm::Certificate::from_pem(enrolment->device_certificate_pem);
        EXPECT_TRUE(certificate);
        auto identity = m_service->devices().authenticate(certificate->der());
        EXPECT_TRUE(identity) << identity.error().message;
        return { *identity, std::move(*key), enrolment->device_certificate_pem };
    }

    lending::Result<lending::SignIn> login(const EnrolledDevice& device, const std::string& login,
        const std::string& password = strong_password, std::optional<std::string> totp = std::nullopt)
    {
        return m_service->accounts().login(device.identity, { login, password, std::move(totp) });
    }

    lending::Caller caller_of(const EnrolledDevice& device, const lending::SignIn& sign_in)
    {
        auto caller = m_service->tokens().authenticate(device.identity, sign_in.tokens.access_token);
        EXPECT_TRUE(caller) << caller.error().message;
        return *caller;
    }

    std::string current_totp(const std::string& secret_base32)
    {
        auto secret = lending::base32_decode(secret_base32);
        return *lending::totp_code(*secret, lending::totp_step(m_clock.now()));
    }

    lending::TitleRecord add_sample_title(const std::string& title, int64_t copies,
        lending::Holding holding = lending::Holding::Copies, std::optional<int> level = std::nullopt,
        const std::string& tenant = "city")
    {
        auto source = m_temp.path() / (title + ".pdf");
        EXPECT_TRUE(lending::write_sample_pdf(source, title, { { "Chapter 1", { "Once upon a time." } } }));
        lending::NewTitle spec;
        spec.source = source;
        spec.title = title;
        spec.author = "Test Author";
        spec.holding = holding;
        spec.copies = copies;
        spec.reading_level = level;
        auto added = m_service->catalog().add_title(admin, tenant, spec);
        EXPECT_TRUE(added) << added.error().message;
        return added ? *added : lending::TitleRecord {};
    }

    static constexpr const char* admin = "admin-cli:test";
    TempDir m_temp;
    lending::ManualClock m_clock { base::Timestamp(std::chrono::seconds(1'800'000'000)) };
    std::unique_ptr<lending::LendingService> m_service;
};

}
