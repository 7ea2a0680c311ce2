#include "lending/positions.h"

#include <algorithm>

#include "lending/catalog.h"

namespace hondana::lending {

namespace {

Result<std::optional<PositionRecord>> stored_position(storage::Database& db, int64_t user_id, std::string_view title_id)
{
    auto row = TRY_DB(db.prepare("SELECT title_id, locator, updated_at, device_id FROM reading_positions "
                                 "WHERE user_id = ?1 AND title_id = ?2"));
    row.bind(1, user_id).bind(2, title_id);
    if (!TRY_DB(row.step()))
        return std::optional<PositionRecord> {};
    auto updated_at = base::parse_rfc3339(row.text(2));
    if (!updated_at)
        return fail(ErrorKind::Internal, "a stored reading position has a bad time");
    return PositionRecord { row.text(0), row.text(1), *updated_at, row.text(3) };
}

}

ReadingPositions::ReadingPositions(Store& store, const Clock& clock)
    : m_store(store)
    , m_clock(clock)
{
}

Result<PositionUpdate> ReadingPositions::put(
    const Caller& caller, std::string_view title_id, std::string_view locator, base::Timestamp client_time)
{
    if (locator.empty() || locator.size() > max_locator_bytes)
        return fail(ErrorKind::MalformedRequest,
            "locator must be 1 to " + std::to_string(max_locator_bytes) + " bytes", { { "field", "locator" } });
    auto now = m_clock.now();
    // A clock ahead of the service's cannot write a time the service has not reached.
    PositionRecord sent { std::string(title_id), std::string(locator), std::min(client_time, now), caller.device.id };
    return m_store.write([&](storage::Database& db) -> Result<PositionUpdate> {
        TRY(load_title(db, caller.device.tenant_id, title_id));
        auto existing = TRY(stored_position(db, caller.user.id, title_id));
        if (existing && existing->updated_at > sent.updated_at)
            return PositionUpdate { *existing, false };
        auto write = TRY_DB(db.prepare("INSERT OR REPLACE INTO reading_positions (tenant_id, user_id, title_id, "
                                       "locator, updated_at, device_id, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
        write.bind(1, caller.device.tenant_id).bind(2, caller.user.id).bind(3, sent.title_id).bind(4, sent.locator);
        write.bind(5, base::format_rfc3339(sent.updated_at)).bind(6, sent.device_id);
        write.bind(7, base::format_rfc3339(now));
        TRY_DB(write.run());
        return PositionUpdate { sent, true };
    });
}

Result<std::vector<PositionRecord>> ReadingPositions::list(const Caller& caller)
{
    return m_store.read([&](storage::Database& db) -> Result<std::vector<PositionRecord>> {
        auto rows = TRY_DB(db.prepare("SELECT title_id, locator, updated_at, device_id FROM reading_positions "
                                      "WHERE user_id = ?1 AND tenant_id = ?2 ORDER BY updated_at DESC, title_id"));
        rows.bind(1, caller.user.id).bind(2, caller.device.tenant_id);
        std::vector<PositionRecord> positions;
        while (TRY_DB(rows.step())) {
            auto updated_at = base::parse_rfc3339(rows.text(2));
            if (!updated_at)
                return fail(ErrorKind::Internal, "a stored reading position has a bad time");
            positions.push_back({ rows.text(0), rows.text(1), *updated_at, rows.text(3) });
        }
        return positions;
    });
}

}
