#include "lending/device_audit.h"

#include "hondana/drm/canonical_json.h"
#include "hondana/drm/crypto.h"
#include "lending/audit.h"

namespace hondana::lending {

namespace {

Result<void> require(
    const nlohmann::json& event, const char* member, nlohmann::json::value_t type, bool optional = false)
{
    if (!event.contains(member)) {
        if (optional)
            return {};
        return fail(ErrorKind::MalformedRequest, std::string("event member ") + member + " is missing",
            { { "field", member } });
    }
    const auto& value = event[member];
    bool ok = type == nlohmann::json::value_t::number_integer ? value.is_number_integer() : value.type() == type;
    if (!ok)
        return fail(ErrorKind::MalformedRequest, std::string("event member ") + member + " has the wrong type",
            { { "field", member } });
    return {};
}

std::optional<std::string> optional_string(const nlohmann::json& event, const char* member)
{
    if (!event.contains(member))
        return std::nullopt;
    return event[member].get<std::string>();
}

}

Result<std::string> device_event_hash(const nlohmann::json& event)
{
    using t = nlohmann::json::value_t;
    if (!event.is_object())
        return fail(ErrorKind::MalformedRequest, "an event is an object", { { "field", "events" } });
    TRY(require(event, "seq", t::number_integer));
    TRY(require(event, "prev_hash", t::string));
    TRY(require(event, "type", t::string));
    TRY(require(event, "time", t::string));
    TRY(require(event, "detail", t::string));
    TRY(require(event, "user", t::string, true));
    TRY(require(event, "title", t::string, true));
    nlohmann::json hashed = { { "seq", event["seq"] }, { "prev_hash", event["prev_hash"] }, { "type", event["type"] },
        { "time", event["time"] }, { "detail", event["detail"] } };
    for (auto member : { "user", "title" })
        if (event.contains(member))
            hashed[member] = event[member];
    auto canonical = drm::canonical_json(hashed);
    if (!canonical)
        return fail(ErrorKind::MalformedRequest, "event cannot be canonicalised: " + canonical.error().message);
    auto digest = drm::sha256(drm::as_bytes(*canonical));
    return drm::hex_encode(digest);
}

DeviceAudit::DeviceAudit(Store& store, const Clock& clock)
    : m_store(store)
    , m_clock(clock)
{
}

Result<int64_t> DeviceAudit::accept(const DeviceIdentity& device, const nlohmann::json& events)
{
    if (!events.is_array())
        return fail(ErrorKind::MalformedRequest, "events must be an array", { { "field", "events" } });
    if (events.size() > max_uploaded_events)
        return fail(ErrorKind::MalformedRequest,
            "at most " + std::to_string(max_uploaded_events) + " events per upload", { { "field", "events" } });
    for (const auto& event : events) {
        auto hash = TRY(device_event_hash(event));
        TRY(require(event, "hash", nlohmann::json::value_t::string));
        if (hash != event["hash"].get<std::string>())
            return fail(ErrorKind::AuditChainBroken,
                "event " + std::to_string(event["seq"].get<int64_t>()) + " does not match its hash");
    }
    auto now = m_clock.now();
    return m_store.write([&](storage::Database& db) -> Result<int64_t> {
        auto last
            = TRY_DB(db.prepare("SELECT seq, hash FROM device_audit WHERE device_id = ?1 ORDER BY seq DESC LIMIT 1"));
        last.bind(1, device.id);
        int64_t last_seq = 0;
        std::string last_hash(audit_genesis_hash);
        if (TRY_DB(last.step())) {
            last_seq = last.integer(0);
            last_hash = last.text(1);
        }
        last.reset();
        for (const auto& event : events) {
            auto seq = event["seq"].get<int64_t>();
            auto hash = event["hash"].get<std::string>();
            if (seq <= last_seq) {
                auto known = TRY_DB(db.prepare("SELECT hash FROM device_audit WHERE device_id = ?1 AND seq = ?2"));
                known.bind(1, device.id).bind(2, seq);
                if (!TRY_DB(known.step()) || known.text(0) != hash)
                    return fail(ErrorKind::AuditChainBroken,
                        "event " + std::to_string(seq) + " differs from the one accepted before",
                        { { "accepted_through", last_seq } });
                continue;
            }
            if (seq != last_seq + 1 || event["prev_hash"].get<std::string>() != last_hash)
                return fail(ErrorKind::AuditChainBroken,
                    "event " + std::to_string(seq) + " does not continue the chain after " + std::to_string(last_seq),
                    { { "accepted_through", last_seq } });
            auto insert = TRY_DB(
                db.prepare("INSERT INTO device_audit (device_id, seq, prev_hash, hash, type, time, user, title, "
                           "detail, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
            insert.bind(1, device.id).bind(2, seq).bind(3, last_hash).bind(4, hash);
            insert.bind(5, event["type"].get<std::string>()).bind(6, event["time"].get<std::string>());
            insert.bind(7, optional_string(event, "user")).bind(8, optional_string(event, "title"));
            insert.bind(9, event["detail"].get<std::string>()).bind(10, base::format_rfc3339(now));
            TRY_DB(insert.run());
            last_seq = seq;
            last_hash = hash;
        }
        return last_seq;
    });
}

}
