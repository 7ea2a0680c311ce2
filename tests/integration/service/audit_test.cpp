#include "integration_fixture.h"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <set>

#include "lending/audit.h"
#include "storage/database.h"
#include "storage/key_file.h"

using namespace hondana;
using namespace hondana::test;
namespace fs = std::filesystem;

namespace {

// Tampering is done on a copy of the data directory, as an intruder with the
// database key would: drop the append-only triggers, then change rows.
class AuditTamper : public ServiceTest {
protected:
    void SetUp() override
    {
        ServiceTest::SetUp();
        // Some activity beyond the seeding: sign-ins (good and bad) and a loan.
        auto session = signed_in(0, "student");
        (void)session.client->post("/v1/auth/login", { { "login_id", "hanako" }, { "password", "Wrong-Password-9!" } });
        (void)session.client->post("/v1/titles/" + service().titles()[1].id + "/borrow", nullptr, session.access);
        std::string out;
        ASSERT_EQ(
            service().admin({ "audit", "export", "--output", (service().work_dir() / "export.jsonl").string() }, &out),
            0);
        auto at = out.find("audit head ");
        ASSERT_NE(at, std::string::npos) << out;
        m_head = out.substr(at + 11, out.find(' ', at + 11) - at - 11);
        ASSERT_EQ(service().stop(), 0);
    }

    fs::path copy(const std::string& name)
    {
        auto target = service().work_dir() / name;
        fs::copy(service().data_dir(), target, fs::copy_options::recursive);
        return target;
    }

    static storage::Database open(const fs::path& data)
    {
        auto key = storage::read_key_file(data / "keys" / "database.key");
        auto db = storage::Database::open(data / "lending.db", key->view());
        EXPECT_TRUE(db) << db.error().message;
        EXPECT_TRUE(db->exec("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;"));
        return std::move(*db);
    }

    static int verify(const fs::path& data, std::string& output, const std::string& head = {})
    {
        std::string command = std::string(HONDANA_ADMIN_BINARY) + " --data " + data.string() + " audit verify";
        if (!head.empty())
            command += " --head " + head;
        FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
        std::array<char, 4096> buffer {};
        while (auto n = std::fread(buffer.data(), 1, buffer.size(), pipe))
            output.append(buffer.data(), n);
        int status = ::pclose(pipe);
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

    std::string m_head;
};

}

TEST_F(AuditTamper, untouched_log_verifies_against_the_recorded_head)
{
    std::string output;
    EXPECT_EQ(verify(service().data_dir(), output, m_head), 0) << output;
    EXPECT_NE(output.find("intact"), std::string::npos);
}

TEST_F(AuditTamper, sign_ins_loans_and_admin_commands_are_recorded)
{
    std::ifstream in(service().work_dir() / "export.jsonl");
    std::set<std::string> actions;
    std::set<std::string> outcomes;
    for (std::string line; std::getline(in, line);) {
        auto entry = nlohmann::json::parse(line);
        actions.insert(entry["action"].get<std::string>());
        if (entry["action"] == "auth.login")
            outcomes.insert(entry["outcome"].get<std::string>());
        EXPECT_TRUE(base::parse_rfc3339(entry["time"].get<std::string>()));
    }
    for (auto action : { "admin.tenant.add", "admin.policy.set", "admin.user.add", "admin.device.add",
             "admin.title.add", "device.enrol", "auth.login", "loan.borrow" })
        EXPECT_TRUE(actions.count(action)) << action;
    EXPECT_TRUE(outcomes.count("ok"));
    EXPECT_TRUE(outcomes.count("denied"));
}

TEST_F(AuditTamper, edited_entry_is_detected)
{
    auto data = copy("edited");
    ASSERT_TRUE(open(data).exec("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3"));
    std::string output;
    EXPECT_EQ(verify(data, output), 1) << output;
    EXPECT_NE(output.find("entry 3: content does not match its hash"), std::string::npos) << output;
}

TEST_F(AuditTamper, deleted_entry_is_detected)
{
    auto data = copy("deleted");
    ASSERT_TRUE(open(data).exec("DELETE FROM audit_log WHERE seq = 3"));
    std::string output;
    EXPECT_EQ(verify(data, output), 1) << output;
    EXPECT_NE(output.find("entry 4"), std::string::npos) << output;
}

TEST_F(AuditTamper, inserted_entry_is_detected)
{
    auto data = copy("inserted");
    {
        auto db = open(data);
        ASSERT_TRUE(db.exec("UPDATE audit_log SET seq = seq + 100000 WHERE seq >= 3"));
        ASSERT_TRUE(db.exec("UPDATE audit_log SET seq = seq - 99999 WHERE seq >= 100000"));
        // A well-formed entry with a correct hash of its own, linked to entry 2.
        lending::StoredAuditEntry forged;
        forged.seq = 3;
        forged.time = "2026-01-01T00:00:00Z";
        forged.entry.actor = "admin-cli:intruder";
        forged.entry.action = "admin.user.unlock";
        forged.prev_hash = *db.query_text("SELECT hash FROM audit_log WHERE seq = 2");
        forged.hash = lending::audit_entry_hash(forged);
        auto insert = db.prepare("INSERT INTO audit_log (seq, time, actor, action, outcome, prev_hash, hash) "
                                 "VALUES (3, ?1, ?2, ?3, 'ok', ?4, ?5)");
        ASSERT_TRUE(insert);
        insert->bind(1, forged.time).bind(2, forged.entry.actor).bind(3, forged.entry.action).bind(4, forged.prev_hash);
        insert->bind(5, forged.hash);
        ASSERT_TRUE(insert->run());
    }
    std::string output;
    EXPECT_EQ(verify(data, output), 1) << output;
    EXPECT_NE(output.find("entry 4: previous-hash link broken"), std::string::npos) << output;
}

TEST_F(AuditTamper, reordered_entries_are_detected)
{
    auto data = copy("reordered");
    {
        auto db = open(data);
        ASSERT_TRUE(db.exec("UPDATE audit_log SET seq = -1 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = 4; "
                            "UPDATE audit_log SET seq = 4 WHERE seq = -1;"));
    }
    std::string output;
    EXPECT_EQ(verify(data, output), 1) << output;
    EXPECT_NE(output.find("entry 3"), std::string::npos) << output;
}

TEST_F(AuditTamper, cut_off_tail_is_detected_against_the_recorded_head)
{
    auto data = copy("truncated");
    ASSERT_TRUE(open(data).exec("DELETE FROM audit_log WHERE seq >= (SELECT MAX(seq) - 1 FROM audit_log)"));
    std::string with_head, without_head;
    EXPECT_EQ(verify(data, with_head, m_head), 1) << with_head;
    EXPECT_NE(with_head.find("the log was truncated"), std::string::npos) << with_head;
    EXPECT_EQ(verify(data, without_head), 0)
        << "what remains is a consistent chain: only the head shows the cut " << without_head;
}
