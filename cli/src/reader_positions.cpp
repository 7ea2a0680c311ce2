// Reading positions and bookmarks (reader/positions.h), and their exchange
// with the service: last writer wins by trusted time (docs/protocol.md).

#include "hondana/reader/positions.h"
#include "hondana/reader/reader.h"

namespace hondana::reader {

Positions::Positions(std::shared_ptr<store::UserStore> store)
    : m_store(std::move(store))
{
}

base::Timestamp Positions::now() const { return base::now_utc() + std::chrono::seconds(m_offset_seconds.load()); }

Result<void> Positions::save(std::string_view title_id, std::string_view locator, Share share)
{
    if (title_id.empty() || locator.empty())
        return fail(ErrorKind::Usage, "a position needs a title and a locator");
    return m_store->save_position({ std::string(title_id), std::string(locator), now(), share == Share::WithService })
        .map_error(from_store);
}

Result<std::optional<store::ReadingPosition>> Positions::position(std::string_view title_id)
{
    return m_store->position(title_id).map_error(from_store);
}

Result<int64_t> Positions::add_bookmark(std::string_view title_id, std::string_view locator, std::string_view label)
{
    return m_store
        ->add_bookmark({ 0, std::string(title_id), std::string(locator), std::string(label), now() })
        .map_error(from_store);
}

Result<std::vector<store::Bookmark>> Positions::bookmarks(std::string_view title_id)
{
    return m_store->bookmarks(title_id).map_error(from_store);
}

Result<void> Positions::remove_bookmark(int64_t id) { return m_store->remove_bookmark(id).map_error(from_store); }

Result<std::shared_ptr<Positions>> Reader::positions()
{
    TRY(require_store());
    if (!m_positions)
        m_positions = std::make_shared<Positions>(m_store);
    auto now = trusted_now();
    m_positions->set_clock_offset(-now.wall_offset);
    return m_positions;
}

Result<PositionSyncReport> Reader::sync_positions()
{
    auto positions = TRY(this->positions());
    TRY(ensure_access_token());
    PositionSyncReport report;
    for (const auto& pending : TRY(m_store->pending_positions().map_error(from_store))) {
        auto sent = m_client->put_position(pending.title_id, pending.locator, pending.updated_at);
        if (!sent) {
            // A title the service no longer has keeps its position here only.
            if (sent.error().kind == sync::ErrorKind::NotFound) {
                TRY(m_store->mark_position_sent(pending).map_error(from_store));
                continue;
            }
            return tl::make_unexpected(service_failure(sent.error()));
        }
        if (sent->accepted) {
            TRY(m_store->mark_position_sent(pending).map_error(from_store));
            ++report.sent;
        }
    }
    auto remote = m_client->positions();
    if (!remote)
        return tl::make_unexpected(service_failure(remote.error()));
    for (const auto& position : *remote) {
        store::ReadingPosition theirs { position.title_id, position.locator, position.updated_at, false };
        if (TRY(m_store->adopt_position_if_newer(theirs).map_error(from_store)))
            ++report.adopted;
    }
    (void)positions;
    return report;
}

}
