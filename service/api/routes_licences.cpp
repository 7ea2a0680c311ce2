// Licences and License Status Documents (LCP LSD 1.0 interactions).

#include "api/api.h"
#include "hondana/drm/licence.h"

namespace hondana::api {

namespace {

using JsonResult = lending::Result<nlohmann::json>;

void answer_status(const std::shared_ptr<Exchange>& exchange, const JsonResult& result)
{
    if (!result)
        return exchange->problem(result.error());
    exchange->json(200, *result, lending::status_media_type);
}

lending::AuditContext audit_of(const lending::Caller& caller)
{
    return { caller.device.tenant_slug, caller.actor(), caller.device.id };
}

bool require_admin(const std::shared_ptr<Exchange>& exchange)
{
    if (exchange->caller().user.role == lending::Role::Admin)
        return true;
    exchange->problem("forbidden", "only administrators may revoke or cancel licences");
    return false;
}

}

void add_licence_routes(Router& router, lending::LendingService& service)
{
    router.add({ "GET", "/v1/licences/{id}", Access::User }, [&service](const std::shared_ptr<Exchange>& exchange) {
        auto licence = service.licensing().licence(exchange->caller(), exchange->param("id"));
        if (!licence)
            return exchange->problem(licence.error());
        http::StringResponse response { boost::beast::http::status::ok, exchange->request().version() };
        add_common_headers(response, exchange->context().request_id);
        response.set(boost::beast::http::field::content_type, http::to_beast(drm::licence_media_type));
        response.body() = std::move(*licence);
        exchange->send({ std::move(response), nlohmann::json::object() });
    });
    router.add(
        { "GET", "/v1/licences/{id}/status", Access::User }, [&service](const std::shared_ptr<Exchange>& exchange) {
            answer_status(exchange, service.licensing().status(exchange->caller(), exchange->param("id")));
        });
    router.add(
        { "POST", "/v1/licences/{id}/register", Access::User }, [&service](const std::shared_ptr<Exchange>& exchange) {
            const auto& target = exchange->target();
            answer_status(exchange,
                service.licensing().register_device(exchange->caller(), exchange->param("id"),
                    target.param("id").value_or(""), target.param("name").value_or("").substr(0, 200)));
        });
    router.add(
        { "PUT", "/v1/licences/{id}/return", Access::User }, [&service](const std::shared_ptr<Exchange>& exchange) {
            answer_status(exchange,
                service.licensing().return_licence(
                    exchange->caller(), exchange->param("id"), exchange->target().param("id").value_or("")));
        });
    router.add(
        { "PUT", "/v1/licences/{id}/renew", Access::User }, [&service](const std::shared_ptr<Exchange>& exchange) {
            std::optional<base::Timestamp> end;
            if (auto text = exchange->target().param("end")) {
                end = base::parse_rfc3339(*text);
                if (!end)
                    return exchange->problem(lending::Error { lending::ErrorKind::MalformedRequest,
                        "end must be an RFC 3339 date-time", { { "field", "end" } } });
            }
            answer_status(exchange,
                service.licensing().renew(
                    exchange->caller(), exchange->param("id"), exchange->target().param("id").value_or(""), end));
        });
    router.add(
        { "PUT", "/v1/licences/{id}/revoke", Access::User }, [&service](const std::shared_ptr<Exchange>& exchange) {
            if (require_admin(exchange))
                answer_status(exchange,
                    service.licensing().revoke(
                        audit_of(exchange->caller()), exchange->caller().device.tenant_id, exchange->param("id")));
        });
    router.add(
        { "PUT", "/v1/licences/{id}/cancel", Access::User }, [&service](const std::shared_ptr<Exchange>& exchange) {
            if (require_admin(exchange))
                answer_status(exchange,
                    service.licensing().cancel(
                        audit_of(exchange->caller()), exchange->caller().device.tenant_id, exchange->param("id")));
        });
}

}
