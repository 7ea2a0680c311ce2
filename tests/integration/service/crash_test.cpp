#include "integration_fixture.h"

#include <atomic>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

using namespace hondana;
using namespace hondana::test;

namespace {

class CrashSafety : public ServiceTest { };

}

// Loans and audit entries the service acknowledged survive a SIGKILL at an
// arbitrary moment of a write burst, with the default durability (SQLite WAL,
// synchronous=NORMAL: a commit is in the WAL file before it is acknowledged).
TEST_F(CrashSafety, kill_9_during_writes_loses_no_acknowledged_loan_or_audit_entry)
{
    std::vector<Session> sessions;
    sessions.push_back(signed_in(0, "student"));
    sessions.push_back(signed_in(1, "teacher"));
    std::mutex mutex;
    std::set<std::string> acknowledged; // loan ids the service answered 201 for
    std::set<std::string> returned;     // loan ids it answered "returned" for
    std::atomic<bool> stop { false };
    std::vector<std::thread> writers;
    for (auto& session : sessions)
        writers.emplace_back([&, &s = session] {
            const auto& title = service().titles()[1].id; // two copies: both writers can hold one
            while (!stop) {
                auto loan = s.client->post("/v1/titles/" + title + "/borrow", nullptr, s.access);
                if (loan.status != 201)
                    break;
                auto id = loan.json()["id"].get<std::string>();
                {
                    std::lock_guard lock(mutex);
                    acknowledged.insert(id);
                }
                auto back = s.client->post("/v1/loans/" + id + "/return", nullptr, s.access);
                if (back.status != 200)
                    break;
                std::lock_guard lock(mutex);
                returned.insert(id);
            }
        });
    // Let the burst run until some loans are acknowledged, then kill without warning.
    for (int i = 0; i < 3000; ++i) {
        {
            std::lock_guard lock(mutex);
            if (acknowledged.size() >= 10)
                break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    service().kill_hard();
    stop = true;
    for (auto& writer : writers)
        writer.join();
    ASSERT_GE(acknowledged.size(), 10u);

    ASSERT_TRUE(service().restart()) << service().error();
    std::string output;
    EXPECT_EQ(service().admin({ "audit", "verify" }, &output), 0) << output;
    ASSERT_EQ(service().admin({ "audit", "export" }, &output), 0);
    std::set<std::string> borrowed_in_log, returned_in_log;
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);) {
        auto entry = nlohmann::json::parse(line, nullptr, false);
        if (entry.is_discarded() || !entry.is_object())
            continue;
        if (entry["action"] == "loan.borrow")
            borrowed_in_log.insert(entry["target"].get<std::string>());
        if (entry["action"] == "loan.return")
            returned_in_log.insert(entry["target"].get<std::string>());
    }
    for (const auto& id : acknowledged)
        EXPECT_TRUE(borrowed_in_log.count(id)) << "acknowledged loan " << id << " lost";
    for (const auto& id : returned)
        EXPECT_TRUE(returned_in_log.count(id)) << "acknowledged return of " << id << " lost";
    // and the service still works on the recovered data
    auto client = device_client(2);
    EXPECT_EQ(sign_in(*client, service().user("student")).status, 200u);
}
