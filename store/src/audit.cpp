#include "hondana/store/audit.h"

#include "hondana/drm/canonical_json.h"
#include "hondana/drm/crypto.h"

namespace hondana::store {

namespace {

nlohmann::json hashed_fields(const AuditEvent& event)
{
    nlohmann::json fields = { { "seq", event.seq }, { "prev_hash", event.prev_hash }, { "type", event.type },
        { "time", base::format_rfc3339(event.time) }, { "detail", event.detail } };
    if (event.user)
        fields["user"] = *event.user;
    if (event.title)
        fields["title"] = *event.title;
    return fields;
}

}

nlohmann::json audit_event_json(const AuditEvent& event)
{
    auto fields = hashed_fields(event);
    fields["hash"] = event.hash;
    return fields;
}

std::string audit_event_hash(const AuditEvent& event)
{
    // The fields are integers and strings only, so the canonical form exists.
    auto canonical = drm::canonical_json(hashed_fields(event)).value_or(std::string());
    auto digest = drm::sha256(drm::as_bytes(canonical));
    return drm::hex_encode(digest);
}

}
