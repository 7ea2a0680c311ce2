#pragma once

// Class sessions through the real rules (no HTTP): North School's class 5-1
// with teacher "sensei" and students s1, s2, s3; class 5-2 with teacher
// "kyoko" and students x1, x2; a school admin "principal"; and event
// subscribers that record what the hub delivers to them.

#include <mutex>

#include "lending_fixture.h"

namespace hondana::test {

// What one subscriber received, in order.
class Inbox {
public:
    lending::EventSink sink()
    {
        return [this](const std::shared_ptr<const lending::Event>& event) {
            std::lock_guard lock(m_mutex);
            m_events.push_back(event);
        };
    }
    [[nodiscard]] std::vector<std::shared_ptr<const lending::Event>> events() const
    {
        std::lock_guard lock(m_mutex);
        return m_events;
    }
    [[nodiscard]] std::vector<std::string> types() const
    {
        std::vector<std::string> out;
        for (const auto& event : events())
            out.push_back(event->type);
        return out;
    }
    // The data of the last event of `type` (null when none came).
    [[nodiscard]] nlohmann::json last(const std::string& type) const
    {
        auto all = events();
        for (auto it = all.rbegin(); it != all.rend(); ++it)
            if ((*it)->type == type)
                return nlohmann::json::parse((*it)->data);
        return nullptr;
    }

private:
    mutable std::mutex m_mutex;
    std::vector<std::shared_ptr<const lending::Event>> m_events;
};

class ClassSessionFixture : public LendingFixture {
protected:
    void SetUp() override
    {
        LendingFixture::SetUp();
        if (HasFatalFailure())
            return;
        sensei = person("sensei", lending::Role::Teacher, { "5-1" });
        kyoko = person("kyoko", lending::Role::Teacher, { "5-2" });
        for (auto name : { "s1", "s2", "s3" })
            students.push_back(person(name, lending::Role::Student, { "5-1" }));
        x1 = person("x1", lending::Role::Student, { "5-2" });
        x2 = person("x2", lending::Role::Student, { "5-2" });
    }

    // Adds a user of North School (city) and signs them in on a device of their own.
    lending::Caller person(const std::string& login, lending::Role role, std::vector<std::string> classes,
        const std::string& tenant = "city", const std::string& school = "North School")
    {
        lending::NewUser user;
        user.login_id = login;
        user.display_name = "User " + login;
        user.role = role;
        user.school = school;
        user.classes = std::move(classes);
        user.password = strong_password;
        auto created = m_service->accounts().add_user(admin, tenant, user);
        EXPECT_TRUE(created) << created.error().message;
        if (!created)
            return {};
        m_devices.push_back(std::make_unique<EnrolledDevice>(enrol("tab-" + login, school, tenant)));
        std::optional<std::string> totp;
        if (role == lending::Role::Admin)
            totp = current_totp(*created->totp_secret_base32);
        auto signed_in = login_on(*m_devices.back(), login, totp);
        EXPECT_TRUE(signed_in) << signed_in.error().message;
        return signed_in ? caller_of(*m_devices.back(), *signed_in) : lending::Caller {};
    }

    lending::Result<lending::SignIn> login_on(
        const EnrolledDevice& device, const std::string& login, std::optional<std::string> totp)
    {
        return this->login(device, login, strong_password, std::move(totp));
    }

    lending::SessionRequest request(const std::string& title_id, const std::string& class_name = "5-1",
        lending::SessionMode mode = lending::SessionMode::Free)
    {
        lending::SessionRequest request;
        request.class_name = class_name;
        request.title_id = title_id;
        request.mode = mode;
        return request;
    }

    // Subscribes `who` to the hub; the subscription lives as long as the fixture.
    Inbox& subscribe(const lending::Caller& who)
    {
        auto subscriber = sessions().subscriber(who);
        EXPECT_TRUE(subscriber) << subscriber.error().message;
        m_inboxes.push_back(std::make_unique<Inbox>());
        auto result = sessions().hub().subscribe(*subscriber, std::nullopt, m_inboxes.back()->sink());
        m_subscriptions.push_back(std::move(result.subscription));
        return *m_inboxes.back();
    }

    // The caller's active loan of a title, if any.
    std::optional<lending::LoanView> active_loan(const lending::Caller& who, const std::string& title_id)
    {
        auto shelf = m_service->circulation().shelf(who);
        EXPECT_TRUE(shelf) << shelf.error().message;
        if (shelf)
            for (const auto& loan : shelf->loans)
                if (loan.title_id == title_id && loan.status == "active")
                    return loan;
        return std::nullopt;
    }

    lending::ClassSessions& sessions() { return m_service->sessions(); }

    lending::Caller sensei;
    lending::Caller kyoko;
    std::vector<lending::Caller> students;
    lending::Caller x1;
    lending::Caller x2;

private:
    std::vector<std::unique_ptr<EnrolledDevice>> m_devices;
    std::vector<std::unique_ptr<Inbox>> m_inboxes;
    std::vector<std::unique_ptr<lending::Subscription>> m_subscriptions;
};

}
