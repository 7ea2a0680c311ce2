#include "school.h"

#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

namespace hondana::bench {

namespace {

std::string numbered(const char* prefix, size_t n, int width)
{
    char text[32];
    std::snprintf(text, sizeof text, "%s%0*zu", prefix, width, n);
    return text;
}

bool add_classes_and_people(test::ServiceHarness& service, const SeedOptions& options, School& school)
{
    std::string out;
    std::string csv = "login_id,display_name,role,school,class,reading_level,password\n";
    for (size_t c = 1; c <= options.classes; ++c) {
        auto name = numbered("c", c, 3);
        if (service.admin({ "class", "add", name, "--school", "North School" }, &out) != 0) {
            std::cerr << "class add " << name << ": " << out;
            return false;
        }
        school.classes.push_back(name);
        csv += numbered("t", c, 3) + ",Teacher " + name + ",teacher,North School," + name + ",,"
            + test::harness_password + "\n";
        for (size_t s = 1; s <= options.per_class; ++s)
            csv += name + numbered("-s", s, 2) + ",Student " + name + "-" + std::to_string(s) + ",student,North School,"
                + name + ",5," + test::harness_password + "\n";
    }
    auto file = service.work_dir() / "school.csv";
    std::ofstream(file) << csv;
    if (service.admin({ "user", "import", file.string() }, &out) != 0) {
        std::cerr << "user import: " << out;
        return false;
    }
    return true;
}

bool add_devices(test::ServiceHarness& service, size_t count, std::vector<test::HarnessDevice>& devices)
{
    std::string out;
    if (service.admin(
            { "device", "add", "--count", std::to_string(count), "--prefix", "bell-", "--school", "North School" },
            &out)
        != 0) {
        std::cerr << "device add: " << out;
        return false;
    }
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
        auto first = line.find(','), last = line.rfind(',');
        if (line.rfind("bell-", 0) == 0)
            devices.push_back({ line.substr(0, first), line.substr(first + 1, last - first - 1), "North School" });
    }
    return devices.size() == count;
}

// Enrols the member's tablet and signs them in on it (retrying a sign-in the
// service asked to retry: its hashing queue is bounded).
bool join(const test::ServiceHarness& service, const test::HarnessDevice& device, Member& member, std::string& error)
{
    try {
        member.device = test::enrol_device(service, device);
    } catch (const std::exception& failure) {
        error = failure.what();
        return false;
    }
    test::TlsClient client(service, member.device);
    for (int attempt = 0; attempt < 50; ++attempt) {
        auto reply = test::sign_in(client, { member.login_id, test::harness_password, "", "", std::nullopt });
        if (reply.status == 200) {
            member.access_token = reply.json()["access_token"].get<std::string>();
            return true;
        }
        if (reply.problem() != "rate-limited") {
            error = member.login_id + ": " + std::to_string(reply.status) + " " + reply.body;
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    error = member.login_id + ": sign-in kept being rate-limited";
    return false;
}

}

bool seed_school(test::ServiceHarness& service, const SeedOptions& options, School& school)
{
    school.per_class = options.per_class;
    if (!add_classes_and_people(service, options, school))
        return false;
    for (size_t c = 0; c < options.classes; ++c) {
        school.teachers.push_back({ numbered("t", c + 1, 3), {}, {}, c });
        for (size_t s = 1; s <= options.per_class; ++s)
            school.students.push_back({ school.classes[c] + numbered("-s", s, 2), {}, {}, c });
    }
    std::vector<Member*> everyone;
    for (auto& member : school.teachers)
        everyone.push_back(&member);
    for (auto& member : school.students)
        everyone.push_back(&member);
    std::vector<test::HarnessDevice> devices;
    if (!add_devices(service, everyone.size(), devices))
        return false;
    std::atomic<size_t> next { 0 };
    std::atomic<bool> failed { false };
    std::string first_error;
    std::mutex error_mutex;
    std::vector<std::thread> threads;
    for (size_t t = 0; t < options.threads; ++t)
        threads.emplace_back([&] {
            for (size_t i = next++; i < everyone.size() && !failed; i = next++) {
                std::string error;
                if (join(service, devices[i], *everyone[i], error))
                    continue;
                failed = true;
                std::lock_guard lock(error_mutex);
                first_error = error;
            }
        });
    for (auto& thread : threads)
        thread.join();
    if (failed)
        std::cerr << "seeding failed: " << first_error << "\n";
    return !failed;
}

}
