// Routes without a device certificate: health, time, enrolment.

#include "api/api.h"
#include "hondana/drm/crypto.h"

namespace hondana::api {

namespace {

void enrol(lending::LendingService& service, const std::shared_ptr<Exchange>& exchange)
{
    auto body = exchange->json_body();
    if (!body)
        return exchange->problem(body.error());
    auto read = [&]() -> lending::Result<lending::EnrolmentRequest> {
        lending::EnrolmentRequest request;
        request.device_id = TRY(required_string(*body, "device_id", 64));
        request.enrolment_code = TRY(required_string(*body, "enrolment_code", 64));
        auto key = drm::base64_decode(TRY(required_string(*body, "public_key", 1024)));
        if (!key)
            return lending::fail(
                lending::ErrorKind::MalformedRequest, "public_key is not base64", { { "field", "public_key" } });
        auto proof = drm::base64_decode(TRY(required_string(*body, "proof", 512)));
        if (!proof)
            return lending::fail(lending::ErrorKind::MalformedRequest, "proof is not base64", { { "field", "proof" } });
        request.public_key = std::move(*key);
        request.proof = std::move(*proof);
        return request;
    };
    auto request = read();
    if (!request)
        return exchange->problem(request.error());
    auto enrolled = service.devices().enrol(*request);
    if (!enrolled)
        return exchange->problem(enrolled.error());
    exchange->json(200,
        { { "device_certificate", enrolled->device_certificate_pem },
            { "ca_certificates", enrolled->ca_certificates_pem }, { "tenant", enrolled->tenant },
            { "school", enrolled->school } });
}

}

void add_public_routes(Router& router, lending::LendingService& service)
{
    router.add({ "GET", "/healthz", Access::Public }, [](const std::shared_ptr<Exchange>& exchange) {
        exchange->json(200, { { "status", "ok" } });
    });
    router.add({ "GET", "/readyz", Access::Public }, [&service](const std::shared_ptr<Exchange>& exchange) {
        if (exchange->context().draining)
            return exchange->json(503, { { "status", "draining" } });
        if (!service.store().healthy())
            return exchange->json(503, { { "status", "database unavailable" } });
        exchange->json(200, { { "status", "ready" } });
    });
    router.add({ "GET", "/v1/time", Access::Public }, [&service](const std::shared_ptr<Exchange>& exchange) {
        exchange->json(200, { { "now", base::format_rfc3339(service.clock().now()) } });
    });
    router.add({ "POST", "/v1/devices/enrol", Access::Public, 16 * 1024 },
        [&service](const std::shared_ptr<Exchange>& exchange) { enrol(service, exchange); });
}

}
