// Catalog, loans and reservations.

#include <charconv>

#include "api/api.h"
#include "api/views.h"
#include "lending/xml_text.h"

namespace hondana::api {

namespace {

int int_param(const Target& target, const char* name, int fallback)
{
    auto text = target.param(name);
    int value = fallback;
    if (!text || std::from_chars(text->data(), text->data() + text->size(), value).ec != std::errc())
        return fallback;
    return value;
}

// A plain generated cover (the catalog's images[] needs one per title).
std::string cover_svg(const lending::TitleRecord& title)
{
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"300\" height=\"450\" viewBox=\"0 0 300 450\">"
           "<rect width=\"300\" height=\"450\" fill=\"#2f4858\"/><rect x=\"15\" y=\"15\" width=\"270\" height=\"420\" "
           "fill=\"none\" stroke=\"#f6ae2d\" stroke-width=\"3\"/><text x=\"150\" y=\"200\" font-size=\"22\" "
           "fill=\"#ffffff\" "
           "text-anchor=\"middle\" font-family=\"sans-serif\">"
        + lending::xml_escape(title.title)
        + "</text><text x=\"150\" y=\"250\" font-size=\"16\" fill=\"#f6ae2d\" text-anchor=\"middle\" "
          "font-family=\"sans-serif\">"
        + lending::xml_escape(title.author) + "</text></svg>";
}

template<typename T, typename View>
void answer(const std::shared_ptr<Exchange>& exchange, const lending::Result<T>& result, unsigned status, View view)
{
    if (!result)
        return exchange->problem(result.error());
    exchange->json(status, view(*result));
}

}

void add_circulation_routes(Router& router, lending::LendingService& service)
{
    router.add({ "GET", "/v1/catalog", Access::User }, [&service](const std::shared_ptr<Exchange>& exchange) {
        lending::CatalogQuery query;
        query.q = exchange->target().param("q").value_or("");
        query.page = int_param(exchange->target(), "page", 1);
        query.per_page = int_param(exchange->target(), "per_page", 20);
        if (query.q.size() > 200)
            return exchange->problem(
                lending::Error { lending::ErrorKind::MalformedRequest, "q is too long", { { "field", "q" } } });
        answer(exchange, service.catalog().feed(exchange->caller(), query), 200,
            [](const nlohmann::json& feed) { return feed; });
    });
    router.add(
        { "GET", "/v1/titles/{id}/cover", Access::Device }, [&service](const std::shared_ptr<Exchange>& exchange) {
            auto title = service.catalog().title_for_device(exchange->device(), exchange->param("id"));
            if (!title)
                return exchange->problem(title.error());
            http::StringResponse response { boost::beast::http::status::ok, exchange->request().version() };
            add_common_headers(response, exchange->context().request_id);
            response.set(boost::beast::http::field::content_type, "image/svg+xml");
            response.set(boost::beast::http::field::cache_control, "public, max-age=86400");
            response.body() = cover_svg(*title);
            exchange->send({ std::move(response), nlohmann::json::object() });
        });
    router.add({ "GET", "/v1/loans", Access::User }, [&service](const std::shared_ptr<Exchange>& exchange) {
        answer(exchange, service.circulation().shelf(exchange->caller()), 200, shelf_json);
    });
    router.add(
        { "POST", "/v1/titles/{id}/borrow", Access::User }, [&service](const std::shared_ptr<Exchange>& exchange) {
            answer(exchange, service.circulation().borrow(exchange->caller(), exchange->param("id")), 201, loan_json);
        });
    router.add(
        { "POST", "/v1/titles/{id}/reserve", Access::User }, [&service](const std::shared_ptr<Exchange>& exchange) {
            answer(exchange, service.circulation().reserve(exchange->caller(), exchange->param("id")), 201,
                reservation_json);
        });
    router.add(
        { "DELETE", "/v1/reservations/{id}", Access::User }, [&service](const std::shared_ptr<Exchange>& exchange) {
            if (auto done = service.circulation().cancel_reservation(exchange->caller(), exchange->param("id")); !done)
                return exchange->problem(done.error());
            exchange->no_content();
        });
    router.add(
        { "POST", "/v1/loans/{id}/return", Access::User }, [&service](const std::shared_ptr<Exchange>& exchange) {
            answer(
                exchange, service.circulation().return_loan(exchange->caller(), exchange->param("id")), 200, loan_json);
        });
    router.add({ "POST", "/v1/loans/{id}/renew", Access::User }, [&service](const std::shared_ptr<Exchange>& exchange) {
        answer(exchange, service.circulation().renew(exchange->caller(), exchange->param("id")), 200, loan_json);
    });
}

}
