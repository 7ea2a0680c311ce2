#include "lending_fixture.h"

#include <sstream>

#include "lending/audit.h"

using namespace hondana;
using namespace hondana::lending;
using hondana::test::LendingFixture;

namespace {

class AuditChain : public LendingFixture {
protected:
    Result<AuditVerification> verify(std::optional<AuditHead> head = std::nullopt)
    {
        return m_service->store().read([&](storage::Database& db) { return verify_audit(db, head); });
    }
    void tamper(const std::string& sql)
    {
        auto done = m_service->store().write([&](storage::Database& db) -> Result<void> {
            TRY_DB(db.exec("DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;"));
            TRY_DB(db.exec(sql));
            return {};
        });
        ASSERT_TRUE(done) << done.error().message;
    }
};

}

TEST_F(AuditChain, fresh_chain_verifies_and_links_every_entry)
{
    auto report = verify();
    ASSERT_TRUE(report);
    EXPECT_TRUE(report->intact());
    EXPECT_GE(report->entries, 5);
    EXPECT_EQ(report->head.seq, report->entries);
}

TEST_F(AuditChain, policy_change_records_before_and_after)
{
    ASSERT_TRUE(m_service->directory().set_policy(admin, "city", "lockout_threshold", "5"));
    std::ostringstream out;
    ASSERT_TRUE(m_service->store().read([&](storage::Database& db) { return export_audit(db, out); }));
    auto text = out.str();
    auto last = nlohmann::json::parse(text.substr(text.rfind('\n', text.size() - 2) + 1));
    EXPECT_EQ(last["action"], "admin.policy.set");
    EXPECT_EQ(last["target"], "lockout_threshold");
    EXPECT_EQ(last["before"], "10");
    EXPECT_EQ(last["after"], "5");
    EXPECT_EQ(last["actor"], admin);
}

namespace {

struct TamperCase {
    const char* name;
    const char* sql;
};

class AuditTampering
    : public AuditChain
    , public ::testing::WithParamInterface<TamperCase> { };

}

TEST_P(AuditTampering, is_detected)
{
    tamper(GetParam().sql);
    auto report = verify();
    ASSERT_TRUE(report);
    EXPECT_FALSE(report->intact()) << GetParam().name;
}

INSTANTIATE_TEST_SUITE_P(AuditChain, AuditTampering,
    ::testing::Values(TamperCase { "edited", "UPDATE audit_log SET detail = 'nothing happened' WHERE seq = 2" },
        TamperCase { "deleted", "DELETE FROM audit_log WHERE seq = 2" },
        TamperCase { "inserted",
            "UPDATE audit_log SET seq = seq + 1000 WHERE seq >= 3; UPDATE audit_log SET seq = seq - 999 WHERE seq >= "
            "1000; "
            "INSERT INTO audit_log (seq, time, actor, action, outcome, prev_hash, hash) "
            "SELECT 3, time, actor, action, outcome, hash, hash FROM audit_log WHERE seq = 2" },
        TamperCase { "reordered",
            "UPDATE audit_log SET seq = -1 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 3; "
            "UPDATE audit_log SET seq = 3 WHERE seq = -1" }),
    [](const ::testing::TestParamInfo<TamperCase>& tamper_case) { return std::string(tamper_case.param.name); });

TEST_F(AuditChain, cut_off_tail_shows_against_a_recorded_head)
{
    auto before = verify();
    ASSERT_TRUE(before);
    tamper("DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)");
    EXPECT_TRUE(verify()->intact());
    auto against_head = verify(before->head);
    ASSERT_TRUE(against_head);
    EXPECT_FALSE(against_head->intact());
}

TEST(AuditHeadText, round_trips_and_refuses_garbage)
{
    AuditHead head { 42, std::string(64, 'a') };
    auto parsed = parse_audit_head(format_audit_head(head));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->seq, 42);
    EXPECT_FALSE(parse_audit_head("42"));
    EXPECT_FALSE(parse_audit_head("x:" + std::string(64, 'a')));
    EXPECT_FALSE(parse_audit_head("0:" + std::string(64, 'a')));
}
