#pragma once

// The v1 API of docs/protocol.md: builds the router with every route. The
// routes are thin: parse, call the lending rules, answer.

#include <memory>

#include "api/router.h"
#include "lending/lending_service.h"
#include "lending/worker_pool.h"

namespace hondana::api {

// `password_pool` runs sign-ins (PBKDF2); it must outlive the router.
[[nodiscard]] std::shared_ptr<Router> make_router(lending::LendingService& service, lending::WorkerPool& password_pool);

// Each file of routes adds its own.
void add_public_routes(Router& router, lending::LendingService& service);
void add_auth_routes(Router& router, lending::LendingService& service, lending::WorkerPool& password_pool);
void add_circulation_routes(Router& router, lending::LendingService& service);
void add_licence_routes(Router& router, lending::LendingService& service);
void add_content_routes(Router& router, lending::LendingService& service);
void add_session_routes(Router& router, lending::LendingService& service);
void add_position_routes(Router& router, lending::LendingService& service);

// Upload limit of POST /v1/audit/events.
inline constexpr size_t audit_upload_limit = 1024 * 1024;

}
