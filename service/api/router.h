#pragma once

// The route table and what every route shares: matching method and path
// (`{name}` segments), the body limit, the access level (public, device,
// signed-in user), and one Exchange per request through which the route
// answers exactly once, now or later from another thread.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/problem.h"
#include "api/query.h"
#include "http/message.h"
#include "lending/lending_service.h"

namespace hondana::api {

enum class Access {
    Public,  // no device certificate needed (health, time, enrolment)
    Device,  // an enrolled, unrevoked device (mTLS)
    User,    // a device and a valid access token of that device, of a user not due to change their password
    Account, // as User, and answered while the user must change an admin-issued password (their own account only)
};

// One request being answered.
class Exchange {
public:
    Exchange(http::Request request, http::RequestContext context, Target target,
        std::map<std::string, std::string> params, http::Responder responder);

    [[nodiscard]] const http::Request& request() const { return m_request; }
    [[nodiscard]] const http::RequestContext& context() const { return m_context; }
    [[nodiscard]] const Target& target() const { return m_target; }
    [[nodiscard]] const std::string& param(const std::string& name) const { return m_params.at(name); }
    [[nodiscard]] const lending::DeviceIdentity& device() const { return *m_device; }
    [[nodiscard]] const lending::Caller& caller() const { return *m_caller; }
    void set_device(lending::DeviceIdentity device) { m_device = std::move(device); }
    void set_caller(lending::Caller caller) { m_caller = std::move(caller); }

    // The body as a JSON object; MalformedRequest otherwise.
    [[nodiscard]] lending::Result<nlohmann::json> json_body() const;

    void json(unsigned status, const nlohmann::json& body, std::string_view content_type = "application/json");
    void problem(const lending::Error& error);
    void problem(std::string_view type, std::string detail, const nlohmann::json& extra = nlohmann::json::object());
    void no_content();
    void send(http::Response response);

private:
    http::Request m_request;
    http::RequestContext m_context;
    Target m_target;
    std::map<std::string, std::string> m_params;
    http::Responder m_responder;
    std::optional<lending::DeviceIdentity> m_device;
    std::optional<lending::Caller> m_caller;
    bool m_answered { false };
};

using RouteHandler = std::function<void(const std::shared_ptr<Exchange>&)>;

struct RouteSpec {
    std::string method;
    std::string pattern; // "/v1/loans/{id}/return"
    Access access { Access::User };
    size_t body_limit { 64 * 1024 };
};

class Router final : public http::Handler {
public:
    explicit Router(lending::LendingService& service);

    void add(RouteSpec spec, RouteHandler handler);
    [[nodiscard]] std::vector<RouteSpec> routes() const;

    [[nodiscard]] size_t body_limit(const http::RequestHeader& header) const override;
    void handle(http::Request request, http::RequestContext context, http::Responder respond) override;
    [[nodiscard]] http::Response protocol_error(
        unsigned status, std::string_view problem, const http::RequestContext& context) override;

private:
    struct Route {
        RouteSpec spec;
        std::vector<std::string> segments;
        RouteHandler handler;
    };
    struct Match {
        const Route* route { nullptr };
        std::map<std::string, std::string> params;
        bool path_matched { false };
    };
    [[nodiscard]] Match match(std::string_view method, std::string_view path) const;
    [[nodiscard]] lending::Result<void> authenticate(Exchange& exchange, Access access);

    lending::LendingService& m_service;
    std::vector<Route> m_routes;
};

// Helpers for routes reading JSON members: MalformedRequest naming the field.
[[nodiscard]] lending::Result<std::string> required_string(
    const nlohmann::json& body, const char* field, size_t max_bytes = 4096);
[[nodiscard]] lending::Result<std::optional<std::string>> optional_string(
    const nlohmann::json& body, const char* field, size_t max_bytes = 4096);

}
