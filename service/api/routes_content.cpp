// Protected packages: GET /v1/content/{title_id} with ETag, If-None-Match,
// Range and If-Range. The bytes are useless without a licence, so only an
// enrolled device of the title's tenant is asked for.

#include "api/api.h"
#include "api/byte_range.h"

namespace hondana::api {

namespace {

namespace bhttp = boost::beast::http;

void add_content_headers(bhttp::fields& fields, std::string_view request_id, std::string_view etag)
{
    fields.set("X-Hondana-Time", base::format_rfc3339(base::now_utc()));
    fields.set("X-Request-Id", http::to_beast(request_id));
    fields.set(bhttp::field::etag, http::to_beast(etag));
    fields.set(bhttp::field::accept_ranges, "bytes");
    fields.set(bhttp::field::cache_control, "private, max-age=0, must-revalidate");
}

void serve(lending::LendingService& service, const std::shared_ptr<Exchange>& exchange)
{
    auto title = service.catalog().title_for_device(exchange->device(), exchange->param("id"));
    if (!title)
        return exchange->problem(title.error());
    const auto& request = exchange->request();
    auto etag = "\"" + title->content_sha256 + "\"";
    if (auto header = request[bhttp::field::if_none_match];
        !header.empty() && etag_matches(http::to_std(header), etag)) {
        http::StringResponse response { bhttp::status::not_modified, request.version() };
        add_content_headers(response.base(), exchange->context().request_id, etag);
        return exchange->send({ std::move(response), nlohmann::json::object() });
    }
    uint64_t size = title->content_length;
    RangeRequest range = WholeFile {};
    if (auto header = request[bhttp::field::range]; !header.empty()) {
        auto if_range = request[bhttp::field::if_range];
        if (if_range.empty() || http::to_std(if_range) == etag) // not-secret: an ETag is a public content hash
            range = parse_range(http::to_std(header), size);
    }
    if (std::holds_alternative<Unsatisfiable>(range)) {
        auto response = make_problem(problem_named("range-not-satisfiable"), "the range starts past the end", {},
            exchange->context(), request.version());
        std::get<http::StringResponse>(response.message)
            .set(bhttp::field::content_range, "bytes */" + std::to_string(size));
        return exchange->send(std::move(response));
    }
    ByteRange slice = std::holds_alternative<ByteRange>(range) ? std::get<ByteRange>(range)
                                                               : ByteRange { 0, size == 0 ? 0 : size - 1 };
    uint64_t length = size == 0 ? 0 : slice.length();
    bool partial = std::holds_alternative<ByteRange>(range);
    http::FileResponse response { partial ? bhttp::status::partial_content : bhttp::status::ok, request.version() };
    add_content_headers(response.base(), exchange->context().request_id, etag);
    response.set(bhttp::field::content_type, title->media_type());
    if (partial)
        response.set(bhttp::field::content_range,
            "bytes " + std::to_string(slice.first) + "-" + std::to_string(slice.last) + "/" + std::to_string(size));
    boost::beast::error_code ec;
    response.body().open(service.catalog().content_dir() / title->content_file, slice.first, length, ec);
    if (ec)
        return exchange->problem("internal", "cannot open the package of title " + title->id + ": " + ec.message());
    exchange->send({ std::move(response), nlohmann::json { { "bytes", length } } });
}

}

void add_content_routes(Router& router, lending::LendingService& service)
{
    router.add({ "GET", "/v1/content/{id}", Access::Device },
        [&service](const std::shared_ptr<Exchange>& exchange) { serve(service, exchange); });
}

}
