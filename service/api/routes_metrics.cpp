#include "api/routes_metrics.h"

#include <chrono>

#include "api/problem.h"
#include "api/query.h"

namespace hondana::api {

namespace {

std::vector<std::string> segments_of(std::string_view path)
{
    std::vector<std::string> segments;
    size_t start = 0;
    while (start <= path.size()) {
        auto end = path.find('/', start);
        if (end == std::string_view::npos)
            end = path.size();
        if (end > start)
            segments.emplace_back(path.substr(start, end - start));
        start = end + 1;
    }
    return segments;
}

bool matches(const std::vector<std::string>& pattern, const std::vector<std::string>& path)
{
    if (pattern.size() != path.size())
        return false;
    for (size_t i = 0; i < pattern.size(); ++i)
        if (!(pattern[i].size() > 1 && pattern[i].front() == '{') && pattern[i] != path[i])
            return false;
    return true;
}

}

bool is_loopback(std::string_view remote)
{
    auto colon = remote.rfind(':');
    auto address = colon == std::string_view::npos ? remote : remote.substr(0, colon);
    return address.rfind("127.", 0) == 0 || address == "::1" || address.rfind("::ffff:127.", 0) == 0;
}

MetricsHandler::MetricsHandler(std::shared_ptr<Router> router, lending::LendingService& service)
    : m_router(std::move(router))
    , m_service(service)
{
    for (auto& spec : m_router->routes()) {
        auto segments = segments_of(spec.pattern);
        m_patterns.emplace_back(std::move(spec), std::move(segments));
    }
}

size_t MetricsHandler::body_limit(const http::RequestHeader& header) const
{
    return m_router->body_limit(header);
}

http::Response MetricsHandler::protocol_error(
    unsigned status, std::string_view problem, const http::RequestContext& context)
{
    auto response = m_router->protocol_error(status, problem, context);
    m_metrics->record({ "other", "", response.status(), 0, std::string(problem) });
    return response;
}

std::string MetricsHandler::route_of(std::string_view method, std::string_view path) const
{
    auto segments = segments_of(path);
    for (const auto& [spec, pattern] : m_patterns)
        if (spec.method == method && matches(pattern, segments))
            return spec.pattern;
    return "other";
}

void MetricsHandler::handle(http::Request request, http::RequestContext context, http::Responder respond)
{
    auto target = parse_target(http::to_std(request.target()));
    if (target && target->path == metrics_path && request.method() == boost::beast::http::verb::get
        && is_loopback(context.remote_address))
        return answer_metrics(request, context, respond);
    auto started = std::chrono::steady_clock::now();
    std::string method(http::to_std(request.method_string()));
    auto route = target ? route_of(method, target->path) : std::string("other");
    auto metrics = m_metrics;
    http::Responder counted = [metrics, started, route, method, respond = std::move(respond)](http::Response response) {
        auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        std::string problem;
        if (response.log.contains("problem") && response.log["problem"].is_string())
            problem = response.log["problem"].get<std::string>();
        metrics->record({ route, method, response.status(), seconds, problem });
        respond(std::move(response));
    };
    m_router->handle(std::move(request), std::move(context), std::move(counted));
}

void MetricsHandler::answer_metrics(
    const http::Request& request, const http::RequestContext& context, http::Responder& respond)
{
    auto text = m_metrics->render(m_service, m_service.event_hub().stream_count(), m_service.clock().now());
    if (!text) {
        respond(make_problem(text.error(), context, request.version()));
        return;
    }
    http::StringResponse response { boost::beast::http::status::ok, request.version() };
    add_common_headers(response, context.request_id);
    response.set(boost::beast::http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    response.body() = std::move(*text);
    response.prepare_payload();
    respond({ std::move(response), nlohmann::json { { "metrics", true } } });
}

}
