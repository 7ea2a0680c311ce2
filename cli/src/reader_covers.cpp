// Covers of the user's titles: fetched from the service once, then kept in
// the user's encrypted store so the bookshelf shows them offline too.

#include "hondana/reader/reader.h"

namespace hondana::reader {

Result<std::optional<store::Cover>> Reader::cover(std::string_view title_id)
{
    TRY(require_store());
    if (auto kept = TRY(m_store->cover(title_id).map_error(from_store)))
        return kept;
    if (network_report().state != platform::NetworkTrustState::Trusted)
        return std::optional<store::Cover> {};
    TRY(ensure_access_token());
    auto fetched = m_client->cover(title_id);
    if (!fetched)
        return tl::make_unexpected(service_failure(fetched.error()));
    store::Cover cover { std::string(title_id), fetched->media_type, std::move(fetched->bytes), trusted_now().now };
    TRY(m_store->save_cover(cover).map_error(from_store));
    return std::optional<store::Cover>(std::move(cover));
}

}
