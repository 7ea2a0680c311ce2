#include "lending_fixture.h"

#include "hondana/drm/canonical_json.h"
#include "lending/audit.h"
#include "lending/device_audit.h"

using namespace hondana;
using namespace hondana::lending;
using hondana::test::LendingFixture;

namespace {

class ReaderAuditUpload : public LendingFixture { };

nlohmann::json chain(int first_seq, int count, std::string prev)
{
    nlohmann::json events = nlohmann::json::array();
    for (int seq = first_seq; seq < first_seq + count; ++seq) {
        nlohmann::json event = { { "seq", seq }, { "prev_hash", prev }, { "type", "title.opened" },
            { "time", "2027-01-15T08:00:00Z" }, { "user", "hanako" }, { "detail", "page 1" } };
        event["hash"] = *device_event_hash(event);
        prev = event["hash"].get<std::string>();
        events.push_back(event);
    }
    return events;
}

}

TEST(ReaderAuditHash, is_sha256_of_the_canonical_event_without_hash)
{
    nlohmann::json event = { { "seq", 1 }, { "prev_hash", std::string(audit_genesis_hash) },
        { "type", "sign_in.success" }, { "time", "2027-01-15T08:00:00Z" }, { "detail", "" }, { "hash", "ignored" } };
    auto canonical
        = drm::canonical_json(nlohmann::json { { "seq", 1 }, { "prev_hash", std::string(audit_genesis_hash) },
            { "type", "sign_in.success" }, { "time", "2027-01-15T08:00:00Z" }, { "detail", "" } });
    auto digest = drm::sha256(drm::as_bytes(*canonical));
    EXPECT_EQ(*device_event_hash(event), drm::hex_encode(digest));
}

TEST_F(ReaderAuditUpload, accepts_a_continuing_chain_and_idempotent_retries)
{
    auto device = enrol("tab-1");
    auto first = chain(1, 3, std::string(audit_genesis_hash));
    EXPECT_EQ(*m_service->device_audit().accept(device.identity, first), 3);
    EXPECT_EQ(*m_service->device_audit().accept(device.identity, first), 3) << "a retry of the same events is fine";
    auto more = chain(4, 2, first.back()["hash"].get<std::string>());
    EXPECT_EQ(*m_service->device_audit().accept(device.identity, more), 5);
}

TEST_F(ReaderAuditUpload, refuses_gaps_forks_and_altered_events)
{
    auto device = enrol("tab-1");
    auto first = chain(1, 3, std::string(audit_genesis_hash));
    ASSERT_TRUE(m_service->device_audit().accept(device.identity, first));
    auto gap = chain(5, 1, first.back()["hash"].get<std::string>());
    EXPECT_EQ(m_service->device_audit().accept(device.identity, gap).error().kind, ErrorKind::AuditChainBroken);
    auto fork = chain(4, 1, std::string(64, 'f'));
    EXPECT_EQ(m_service->device_audit().accept(device.identity, fork).error().kind, ErrorKind::AuditChainBroken);
    auto altered = chain(4, 1, first.back()["hash"].get<std::string>());
    altered[0]["detail"] = "page 99";
    EXPECT_EQ(m_service->device_audit().accept(device.identity, altered).error().kind, ErrorKind::AuditChainBroken);
    auto rewritten = chain(1, 1, std::string(audit_genesis_hash));
    rewritten[0]["detail"] = "other";
    rewritten[0]["hash"] = *device_event_hash(rewritten[0]);
    EXPECT_EQ(m_service->device_audit().accept(device.identity, rewritten).error().kind, ErrorKind::AuditChainBroken);
    auto malformed = nlohmann::json::array({ { { "seq", "one" } } });
    EXPECT_EQ(m_service->device_audit().accept(device.identity, malformed).error().kind, ErrorKind::MalformedRequest);
}
