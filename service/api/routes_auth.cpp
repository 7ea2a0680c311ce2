// Sign-in (stage 2), tokens, the user object, and the reader's audit upload.

#include <functional>

#include "api/api.h"
#include "api/views.h"
#include "lending/password.h"

namespace hondana::api {

namespace {

// PBKDF2 (sign-in, password change) runs on the bounded pool, never on a
// network thread; a full pool answers rate-limited at once.
void on_password_pool(lending::WorkerPool& pool, const std::shared_ptr<Exchange>& exchange, std::function<void()> work)
{
    bool queued = pool.try_submit([exchange, work = std::move(work)] {
        try {
            work();
        } catch (const std::exception& failure) {
            exchange->problem("internal", std::string("unexpected exception: ") + failure.what());
        }
    });
    if (!queued)
        exchange->problem("rate-limited", "too many sign-ins at once; try again in a moment");
}

void login(lending::LendingService& service, lending::WorkerPool& pool, const std::shared_ptr<Exchange>& exchange)
{
    auto body = exchange->json_body();
    if (!body)
        return exchange->problem(body.error());
    auto read = [&]() -> lending::Result<lending::LoginRequest> {
        lending::LoginRequest request;
        request.login_id = TRY(required_string(*body, "login_id", 256));
        request.password = TRY(required_string(*body, "password", 1024));
        request.totp = TRY(optional_string(*body, "totp", 16));
        return request;
    };
    auto request = read();
    if (!request)
        return exchange->problem(request.error());
    on_password_pool(pool, exchange, [&service, exchange, request = std::move(*request)] {
        auto signed_in = service.accounts().login(exchange->device(), request);
        if (!signed_in)
            return exchange->problem(signed_in.error());
        exchange->json(200, sign_in_json(*signed_in));
    });
}

// POST /v1/me/password: PBKDF2 twice (verify, hash), on the bounded pool too.
void change_password(
    lending::LendingService& service, lending::WorkerPool& pool, const std::shared_ptr<Exchange>& exchange)
{
    auto body = exchange->json_body();
    if (!body)
        return exchange->problem(body.error());
    auto read = [&]() -> lending::Result<lending::PasswordChange> {
        lending::PasswordChange change;
        change.current_password = TRY(required_string(*body, "current_password", lending::max_password_bytes));
        change.new_password = TRY(required_string(*body, "new_password", lending::max_password_bytes));
        return change;
    };
    auto change = read();
    if (!change)
        return exchange->problem(change.error());
    on_password_pool(pool, exchange, [&service, exchange, change = std::move(*change)] {
        auto changed = service.accounts().change_password(exchange->caller(), change);
        if (!changed)
            return exchange->problem(changed.error());
        auto answer = sign_in_json(changed->sign_in);
        answer["signed_out_sessions"] = changed->signed_out;
        exchange->json(200, answer);
    });
}

void refresh(lending::LendingService& service, const std::shared_ptr<Exchange>& exchange)
{
    auto body = exchange->json_body();
    if (!body)
        return exchange->problem(body.error());
    auto token = required_string(*body, "refresh_token", 256);
    if (!token)
        return exchange->problem(token.error());
    auto signed_in = service.tokens().refresh(exchange->device(), *token);
    if (!signed_in)
        return exchange->problem(signed_in.error());
    exchange->json(200, sign_in_json(*signed_in));
}

void upload_audit(lending::LendingService& service, const std::shared_ptr<Exchange>& exchange)
{
    auto body = exchange->json_body();
    if (!body)
        return exchange->problem(body.error());
    if (!body->contains("events"))
        return exchange->problem(
            lending::Error { lending::ErrorKind::MalformedRequest, "events is required", { { "field", "events" } } });
    auto accepted = service.device_audit().accept(exchange->device(), (*body)["events"]);
    if (!accepted)
        return exchange->problem(accepted.error());
    exchange->json(200, { { "accepted_through", *accepted } });
}

}

void add_auth_routes(Router& router, lending::LendingService& service, lending::WorkerPool& password_pool)
{
    router.add({ "POST", "/v1/auth/login", Access::Device, 8 * 1024 },
        [&service, &password_pool](
            const std::shared_ptr<Exchange>& exchange) { login(service, password_pool, exchange); });
    router.add({ "POST", "/v1/auth/refresh", Access::Device, 8 * 1024 },
        [&service](const std::shared_ptr<Exchange>& exchange) { refresh(service, exchange); });
    router.add({ "POST", "/v1/auth/logout", Access::Account }, [&service](const std::shared_ptr<Exchange>& exchange) {
        if (auto done = service.tokens().logout(exchange->caller()); !done)
            return exchange->problem(done.error());
        exchange->no_content();
    });
    router.add({ "POST", "/v1/me/password", Access::Account, 8 * 1024 },
        [&service, &password_pool](
            const std::shared_ptr<Exchange>& exchange) { change_password(service, password_pool, exchange); });
    router.add({ "GET", "/v1/me", Access::Account },
        [](const std::shared_ptr<Exchange>& exchange) { exchange->json(200, user_json(exchange->caller().user)); });
    router.add({ "POST", "/v1/audit/events", Access::Device, audit_upload_limit },
        [&service](const std::shared_ptr<Exchange>& exchange) { upload_audit(service, exchange); });
}

}
