// Class sessions (issue 6) from the reader core: each call checks the
// network, refreshes the access token when needed and maps the service's
// refusals like every other online call (a revoked device wipes itself).

#include "hondana/reader/reader.h"

namespace hondana::reader {

namespace {

template<typename T>
Result<T> mapped(sync::Result<T> result, const std::function<Error(const sync::Error&)>& failure)
{
    if (!result)
        return tl::make_unexpected(failure(result.error()));
    return std::move(*result);
}

}

Result<sync::ClassSession> Reader::create_session(const sync::NewSession& request)
{
    TRY(ensure_access_token());
    return mapped(m_client->create_session(request), [this](const sync::Error& e) { return service_failure(e); });
}

Result<std::vector<sync::ClassSession>> Reader::class_sessions()
{
    TRY(ensure_access_token());
    return mapped(m_client->sessions(), [this](const sync::Error& e) { return service_failure(e); });
}

Result<sync::SessionDetail> Reader::class_session(std::string_view session_id)
{
    TRY(ensure_access_token());
    return mapped(m_client->session(session_id), [this](const sync::Error& e) { return service_failure(e); });
}

Result<sync::ClassSession> Reader::start_session(std::string_view session_id)
{
    TRY(ensure_access_token());
    return mapped(m_client->start_session(session_id), [this](const sync::Error& e) { return service_failure(e); });
}

Result<sync::ClassSession> Reader::guide_session(std::string_view session_id, int page)
{
    TRY(ensure_access_token());
    return mapped(m_client->guide_session(session_id, page), [this](const sync::Error& e) { return service_failure(e); });
}

Result<sync::SessionEnd> Reader::end_session(std::string_view session_id)
{
    TRY(ensure_access_token());
    return mapped(m_client->end_session(session_id), [this](const sync::Error& e) { return service_failure(e); });
}

Result<void> Reader::report_session_state(std::string_view session_id, std::string_view state, std::optional<int> page)
{
    TRY(ensure_access_token());
    auto reported = m_client->report_session_state(session_id, state, page);
    if (!reported)
        return tl::make_unexpected(service_failure(reported.error()));
    return {};
}

Result<sync::PrefetchResult> Reader::prefetch_title(std::string_view title_id, std::string_view content_href)
{
    TRY(ensure_access_token());
    if (auto content = TRY(m_store->content(title_id).map_error(from_store)))
        return sync::PrefetchResult { content->length, 0, true };
    return mapped(m_client->prefetch(content_href, m_store->content_path(title_id)),
        [this](const sync::Error& e) { return service_failure(e); });
}

Result<sync::TlsConfig> Reader::event_stream_tls()
{
    auto* service = TRY(client(true));
    return service->http().config();
}

Result<sync::StreamAccess> Reader::event_stream_access()
{
    TRY(ensure_access_token());
    return mapped(m_client->event_stream_access(), [this](const sync::Error& e) { return service_failure(e); });
}

}
