#include "api/router.h"

#include <exception>

namespace hondana::api {

namespace {

std::vector<std::string> split_path(std::string_view path)
{
    std::vector<std::string> segments;
    size_t start = 1;
    while (start <= path.size()) {
        auto end = path.find('/', start);
        if (end == std::string_view::npos)
            end = path.size();
        segments.emplace_back(path.substr(start, end - start));
        start = end + 1;
    }
    return segments;
}

std::optional<std::string_view> bearer_token(const http::Request& request)
{
    auto header = http::to_std(request[boost::beast::http::field::authorization]);
    constexpr std::string_view scheme = "Bearer ";
    if (header.size() <= scheme.size()
        || !boost::beast::iequals(http::to_beast(header.substr(0, scheme.size())), http::to_beast(scheme)))
        return std::nullopt;
    return std::string_view(header.data() + scheme.size(), header.size() - scheme.size());
}

}

Exchange::Exchange(http::Request request, http::RequestContext context, Target target,
    std::map<std::string, std::string> params, http::Responder responder)
    : m_request(std::move(request))
    , m_context(std::move(context))
    , m_target(std::move(target))
    , m_params(std::move(params))
    , m_responder(std::move(responder))
{
}

lending::Result<nlohmann::json> Exchange::json_body() const
{
    auto body = nlohmann::json::parse(m_request.body(), nullptr, false);
    if (body.is_discarded())
        return lending::fail(lending::ErrorKind::MalformedRequest, "the body is not JSON", { { "field", "" } });
    if (!body.is_object())
        return lending::fail(
            lending::ErrorKind::MalformedRequest, "the body must be a JSON object", { { "field", "" } });
    return body;
}

void Exchange::send(http::Response response)
{
    if (m_answered)
        return;
    m_answered = true;
    if (m_device)
        response.log["device"] = m_device->id;
    if (m_caller)
        response.log["user"] = m_caller->user.login_id;
    m_responder(std::move(response));
}

void Exchange::json(unsigned status, const nlohmann::json& body, std::string_view content_type)
{
    send(make_json(status, body, m_context, m_request.version(), content_type));
}

void Exchange::problem(const lending::Error& error)
{
    send(make_problem(error, m_context, m_request.version()));
}

void Exchange::problem(std::string_view type, std::string detail, const nlohmann::json& extra)
{
    send(make_problem(problem_named(type), std::move(detail), extra, m_context, m_request.version()));
}

void Exchange::no_content()
{
    http::StringResponse response { boost::beast::http::status::no_content, m_request.version() };
    add_common_headers(response, m_context.request_id);
    send({ std::move(response), nlohmann::json::object() });
}

Router::Router(lending::LendingService& service)
    : m_service(service)
{
}

void Router::add(RouteSpec spec, RouteHandler handler)
{
    auto segments = split_path(spec.pattern);
    m_routes.push_back({ std::move(spec), std::move(segments), std::move(handler) });
}

std::vector<RouteSpec> Router::routes() const
{
    std::vector<RouteSpec> specs;
    for (const auto& route : m_routes)
        specs.push_back(route.spec);
    return specs;
}

Router::Match Router::match(std::string_view method, std::string_view path) const
{
    Match result;
    auto segments = split_path(path);
    for (const auto& route : m_routes) {
        if (route.segments.size() != segments.size())
            continue;
        std::map<std::string, std::string> params;
        bool ok = true;
        for (size_t i = 0; i < segments.size() && ok; ++i) {
            const auto& want = route.segments[i];
            if (want.size() > 2 && want.front() == '{' && want.back() == '}')
                ok = !segments[i].empty() && (params[want.substr(1, want.size() - 2)] = segments[i], true);
            else
                ok = want == segments[i];
        }
        if (!ok)
            continue;
        result.path_matched = true;
        if (route.spec.method == method) {
            result.route = &route;
            result.params = std::move(params);
            return result;
        }
    }
    return result;
}

size_t Router::body_limit(const http::RequestHeader& header) const
{
    auto target = parse_target(http::to_std(header.target()));
    if (!target)
        return 0;
    auto found = match(http::to_std(header.method_string()), target->path);
    return found.route ? found.route->spec.body_limit : 64 * 1024;
}

lending::Result<void> Router::authenticate(Exchange& exchange, Access access)
{
    if (access == Access::Public)
        return {};
    const auto& context = exchange.context();
    if (context.client_certificate_rejected || context.client_certificate.empty())
        return lending::fail(
            lending::ErrorKind::DeviceUnknown, "the client certificate was not issued by this service");
    exchange.set_device(TRY(m_service.devices().authenticate(context.client_certificate)));
    if (access == Access::Device)
        return {};
    auto token = bearer_token(exchange.request());
    if (!token)
        return lending::fail(lending::ErrorKind::TokenInvalid, "an Authorization: Bearer access token is required");
    exchange.set_caller(TRY(m_service.tokens().authenticate(exchange.device(), *token)));
    if (access == Access::User && exchange.caller().user.must_change_password)
        return lending::fail(lending::ErrorKind::PasswordChangeRequired,
            "the password was issued by an administrator: change it first (POST /v1/me/password)");
    return {};
}

void Router::handle(http::Request request, http::RequestContext context, http::Responder respond)
{
    auto target = parse_target(http::to_std(request.target()));
    if (!target) {
        respond(make_problem(problem_named("malformed-request"), "the request target is malformed", {}, context));
        return;
    }
    auto found = match(http::to_std(request.method_string()), target->path);
    auto exchange = std::make_shared<Exchange>(
        std::move(request), std::move(context), std::move(*target), std::move(found.params), std::move(respond));
    if (!found.route) {
        if (found.path_matched)
            exchange->problem("method-not-allowed", "this path does not take that method");
        else
            exchange->problem("not-found", "no such route");
        return;
    }
    const auto& context_now = exchange->context();
    if (found.route->spec.access != Access::Public && context_now.client_certificate.empty()
        && !context_now.client_certificate_rejected) {
        exchange->problem("device-required", "this route needs the device certificate issued at enrolment");
        return;
    }
    try {
        if (auto ok = authenticate(*exchange, found.route->spec.access); !ok) {
            exchange->problem(ok.error());
            return;
        }
        found.route->handler(exchange);
    } catch (const std::exception& failure) {
        exchange->problem("internal", std::string("unexpected exception: ") + failure.what());
    }
}

http::Response Router::protocol_error(unsigned status, std::string_view problem, const http::RequestContext& context)
{
    auto type = problem_named(problem);
    std::string detail = status == 413 ? "the request body is over this route's limit"
        : status == 431                ? "the request headers are too large"
                                       : "the request could not be parsed as HTTP/1.1";
    return make_problem(type, detail, {}, context);
}

lending::Result<std::string> required_string(const nlohmann::json& body, const char* field, size_t max_bytes)
{
    if (!body.contains(field))
        return lending::fail(
            lending::ErrorKind::MalformedRequest, std::string(field) + " is required", { { "field", field } });
    if (!body[field].is_string())
        return lending::fail(
            lending::ErrorKind::MalformedRequest, std::string(field) + " must be a string", { { "field", field } });
    auto value = body[field].get<std::string>();
    if (value.size() > max_bytes)
        return lending::fail(
            lending::ErrorKind::MalformedRequest, std::string(field) + " is too long", { { "field", field } });
    return value;
}

lending::Result<std::optional<std::string>> optional_string(
    const nlohmann::json& body, const char* field, size_t max_bytes)
{
    if (!body.contains(field) || body[field].is_null())
        return std::optional<std::string> {};
    return required_string(body, field, max_bytes).map([](std::string value) {
        return std::optional<std::string>(std::move(value));
    });
}

}
