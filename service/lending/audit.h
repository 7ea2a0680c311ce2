#pragma once

// The audit log (REQ LOG-1, OPS-2): append-only, hash-chained. Each entry's
// hash covers its fields and the previous entry's hash, entries are numbered
// 1, 2, 3, … without gaps, and triggers refuse UPDATE and DELETE. Verifying
// recomputes the chain, so an edited, deleted, inserted or reordered entry
// shows; a deleted tail shows against a head (seq + hash) recorded earlier
// (`audit export` prints it and the service logs it).

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hondana/base/time.h"
#include "lending/error.h"
#include "storage/database.h"

namespace hondana::lending {

struct AuditEntry {
    std::optional<std::string> tenant {}; // tenant slug
    std::string actor {};                 // "user:<login>", "admin-cli:<unix user>", "device:<id>", "service"
    std::optional<std::string> device {};
    std::string action {}; // "auth.login", "loan.borrow", "admin.user.lock", …
    std::optional<std::string> target {};
    std::string outcome { "ok" };         // "ok", "denied", "locked", …
    std::optional<std::string> before {}; // JSON text of the value before the change
    std::optional<std::string> after {};  // JSON text of the value after the change
    std::optional<std::string> detail {};
};

// Who acts, from where: the part of an entry every step of one request shares.
struct AuditContext {
    std::string tenant;
    std::string actor;
    std::optional<std::string> device {};
    [[nodiscard]] AuditEntry entry(std::string action, std::optional<std::string> target) const
    {
        AuditEntry e;
        e.tenant = tenant;
        e.actor = actor;
        e.device = device;
        e.action = std::move(action);
        e.target = std::move(target);
        return e;
    }
};

struct StoredAuditEntry {
    int64_t seq { 0 };
    std::string time;
    AuditEntry entry;
    std::string prev_hash;
    std::string hash;
};

struct AuditHead {
    int64_t seq { 0 };
    std::string hash;
};

// The hash of the entry before the first.
inline constexpr std::string_view audit_genesis_hash
    = "0000000000000000000000000000000000000000000000000000000000000000";

// Appends inside the caller's write transaction; returns the new head.
[[nodiscard]] Result<AuditHead> append_audit(storage::Database& db, base::Timestamp time, const AuditEntry& entry);

// The hash an entry must have (hex SHA-256 over its fields and prev_hash).
[[nodiscard]] std::string audit_entry_hash(const StoredAuditEntry& entry);

struct AuditProblem {
    int64_t seq;
    std::string what;
};

struct AuditVerification {
    int64_t entries { 0 };
    AuditHead head;
    std::vector<AuditProblem> problems; // empty: the chain holds
    [[nodiscard]] bool intact() const { return problems.empty(); }
};

// Recomputes the whole chain. With `expected_head`, also checks that the
// entry recorded then is still there with the same hash (a deleted tail).
[[nodiscard]] Result<AuditVerification> verify_audit(
    storage::Database& db, const std::optional<AuditHead>& expected_head = std::nullopt);

[[nodiscard]] nlohmann::json audit_entry_to_json(const StoredAuditEntry& entry);

// Writes every entry as JSON Lines (REQ LOG-4); returns the head.
[[nodiscard]] Result<AuditHead> export_audit(storage::Database& db, std::ostream& out);

// Reads every entry in seq order through `visit`.
[[nodiscard]] Result<void> for_each_audit_entry(
    storage::Database& db, const std::function<Result<void>(const StoredAuditEntry&)>& visit);

// "SEQ:HASH" ↔ AuditHead.
[[nodiscard]] std::string format_audit_head(const AuditHead& head);
[[nodiscard]] Result<AuditHead> parse_audit_head(std::string_view text);

}
