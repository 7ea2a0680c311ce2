#include "lending/audit.h"

#include <charconv>
#include <functional>

#include "hondana/drm/crypto.h"

namespace hondana::lending {

namespace {

void add_field(drm::Sha256& hasher, const std::optional<std::string>& value)
{
    if (!value) {
        const uint8_t absent = 0;
        hasher.update({ &absent, 1 });
        return;
    }
    uint32_t size = static_cast<uint32_t>(value->size());
    const uint8_t header[5] = { 1, static_cast<uint8_t>(size >> 24), static_cast<uint8_t>(size >> 16),
        static_cast<uint8_t>(size >> 8), static_cast<uint8_t>(size) };
    hasher.update(header);
    hasher.update(drm::as_bytes(*value));
}

constexpr std::string_view select_entries = "SELECT seq, time, tenant, actor, device, action, target, outcome, "
                                            "before_value, after_value, detail, prev_hash, hash FROM audit_log ";

StoredAuditEntry read_entry(const storage::Statement& row)
{
    StoredAuditEntry stored;
    stored.seq = row.integer(0);
    stored.time = row.text(1);
    stored.entry.tenant = row.optional_text(2);
    stored.entry.actor = row.text(3);
    stored.entry.device = row.optional_text(4);
    stored.entry.action = row.text(5);
    stored.entry.target = row.optional_text(6);
    stored.entry.outcome = row.text(7);
    stored.entry.before = row.optional_text(8);
    stored.entry.after = row.optional_text(9);
    stored.entry.detail = row.optional_text(10);
    stored.prev_hash = row.text(11);
    stored.hash = row.text(12);
    return stored;
}

}

std::string audit_entry_hash(const StoredAuditEntry& stored)
{
    drm::Sha256 hasher;
    hasher.update(drm::as_bytes("hondana-audit-v1"));
    const auto& e = stored.entry;
    for (const auto& field : { std::optional<std::string>(std::to_string(stored.seq)),
             std::optional<std::string>(stored.time), e.tenant, std::optional<std::string>(e.actor), e.device,
             std::optional<std::string>(e.action), e.target, std::optional<std::string>(e.outcome), e.before, e.after,
             e.detail, std::optional<std::string>(stored.prev_hash) })
        add_field(hasher, field);
    auto digest = hasher.finish();
    return drm::hex_encode(digest);
}

Result<AuditHead> append_audit(storage::Database& db, base::Timestamp time, const AuditEntry& entry)
{
    StoredAuditEntry stored;
    stored.entry = entry;
    stored.time = base::format_rfc3339(time);
    stored.seq = 1;
    stored.prev_hash = std::string(audit_genesis_hash);
    {
        auto last = TRY_DB(db.prepare("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"));
        if (TRY_DB(last.step())) {
            stored.seq = last.integer(0) + 1;
            stored.prev_hash = last.text(1);
        }
    }
    stored.hash = audit_entry_hash(stored);
    auto insert = TRY_DB(db.prepare("INSERT INTO audit_log (seq, time, tenant, actor, device, action, target, outcome, "
                                    "before_value, after_value, detail, prev_hash, hash) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"));
    insert.bind(1, stored.seq).bind(2, stored.time).bind(3, entry.tenant).bind(4, entry.actor).bind(5, entry.device);
    insert.bind(6, entry.action).bind(7, entry.target).bind(8, entry.outcome).bind(9, entry.before);
    insert.bind(10, entry.after).bind(11, entry.detail).bind(12, stored.prev_hash).bind(13, stored.hash);
    TRY_DB(insert.run());
    return AuditHead { stored.seq, stored.hash };
}

Result<void> for_each_audit_entry(
    storage::Database& db, const std::function<Result<void>(const StoredAuditEntry&)>& visit)
{
    auto rows = TRY_DB(db.prepare(std::string(select_entries) + "ORDER BY seq"));
    while (TRY_DB(rows.step()))
        TRY(visit(read_entry(rows)));
    return {};
}

Result<AuditVerification> verify_audit(storage::Database& db, const std::optional<AuditHead>& expected_head)
{
    AuditVerification report;
    std::string prev_hash(audit_genesis_hash);
    int64_t expected_seq = 1;
    bool anchor_seen = false;
    TRY(for_each_audit_entry(db, [&](const StoredAuditEntry& stored) -> Result<void> {
        ++report.entries;
        if (stored.seq != expected_seq)
            report.problems.push_back({ stored.seq,
                "expected entry " + std::to_string(expected_seq) + " here: entries were deleted or renumbered" });
        if (stored.prev_hash != prev_hash)
            report.problems.push_back(
                { stored.seq, "previous-hash link broken: an entry before it was edited, deleted, inserted or moved" });
        if (audit_entry_hash(stored) != stored.hash)
            report.problems.push_back({ stored.seq, "content does not match its hash: the entry was edited" });
        if (expected_head && stored.seq == expected_head->seq) {
            anchor_seen = true;
            if (stored.hash != expected_head->hash)
                report.problems.push_back({ stored.seq,
                    "differs from the recorded head: the entries from here on were removed and replaced" });
        }
        prev_hash = stored.hash;
        expected_seq = stored.seq + 1;
        report.head = { stored.seq, stored.hash };
        return {};
    }));
    if (expected_head && !anchor_seen && expected_head->seq > 0)
        report.problems.push_back({ expected_head->seq,
            "the recorded head entry is missing: the log was truncated after entry "
                + std::to_string(report.head.seq) });
    return report;
}

nlohmann::json audit_entry_to_json(const StoredAuditEntry& stored)
{
    auto optional = [](const std::optional<std::string>& value) {
        return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
    };
    const auto& e = stored.entry;
    return { { "seq", stored.seq }, { "time", stored.time }, { "tenant", optional(e.tenant) }, { "actor", e.actor },
        { "device", optional(e.device) }, { "action", e.action }, { "target", optional(e.target) },
        { "outcome", e.outcome }, { "before", optional(e.before) }, { "after", optional(e.after) },
        { "detail", optional(e.detail) }, { "prev_hash", stored.prev_hash }, { "hash", stored.hash } };
}

Result<AuditHead> export_audit(storage::Database& db, std::ostream& out)
{
    AuditHead head;
    TRY(for_each_audit_entry(db, [&](const StoredAuditEntry& stored) -> Result<void> {
        out << audit_entry_to_json(stored).dump() << '\n';
        head = { stored.seq, stored.hash };
        return {};
    }));
    if (!out)
        return fail(ErrorKind::Internal, "writing the audit export failed");
    return head;
}

std::string format_audit_head(const AuditHead& head)
{
    return std::to_string(head.seq) + ":" + head.hash;
}

Result<AuditHead> parse_audit_head(std::string_view text)
{
    auto colon = text.find(':');
    AuditHead head;
    if (colon == std::string_view::npos)
        return fail(ErrorKind::InvalidArgument, "a head is SEQ:HASH");
    auto [end, ec] = std::from_chars(text.data(), text.data() + colon, head.seq);
    head.hash = std::string(text.substr(colon + 1));
    if (ec != std::errc() || end != text.data() + colon || head.seq < 1 || head.hash.size() != 64)
        return fail(ErrorKind::InvalidArgument, "a head is SEQ:HASH (a positive number and 64 hex digits)");
    return head;
}

}
