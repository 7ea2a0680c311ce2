#include "api/api.h"

namespace hondana::api {

std::shared_ptr<Router> make_router(lending::LendingService& service, lending::WorkerPool& password_pool)
{
    auto router = std::make_shared<Router>(service);
    add_public_routes(*router, service);
    add_auth_routes(*router, service, password_pool);
    add_circulation_routes(*router, service);
    add_licence_routes(*router, service);
    add_content_routes(*router, service);
    add_session_routes(*router, service);
    add_position_routes(*router, service);
    return router;
}

}
