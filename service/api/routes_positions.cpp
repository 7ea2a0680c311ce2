// Reading positions across a student's devices (lending/positions.h).

#include "api/api.h"

namespace hondana::api {

namespace {

nlohmann::json position_json(const lending::PositionRecord& position)
{
    return { { "title_id", position.title_id }, { "locator", position.locator },
        { "updated_at", base::format_rfc3339(position.updated_at) }, { "device_id", position.device_id } };
}

lending::Result<std::pair<std::string, base::Timestamp>> read_position(const nlohmann::json& body)
{
    auto locator = TRY(required_string(body, "locator", lending::max_locator_bytes));
    auto updated_text = TRY(required_string(body, "updated_at", 64));
    auto updated_at = base::parse_rfc3339(updated_text);
    if (!updated_at)
        return lending::fail(lending::ErrorKind::MalformedRequest, "updated_at must be an RFC 3339 UTC time",
            { { "field", "updated_at" } });
    return std::pair { std::move(locator), *updated_at };
}

}

void add_position_routes(Router& router, lending::LendingService& service)
{
    router.add({ "PUT", "/v1/positions/{title_id}", Access::User, 4096 },
        [&service](const std::shared_ptr<Exchange>& exchange) {
            auto body = exchange->json_body();
            if (!body)
                return exchange->problem(body.error());
            auto position = read_position(*body);
            if (!position)
                return exchange->problem(position.error());
            auto update = service.positions().put(
                exchange->caller(), exchange->param("title_id"), position->first, position->second);
            if (!update)
                return exchange->problem(update.error());
            auto answer = position_json(update->stored);
            answer["accepted"] = update->accepted;
            exchange->json(200, answer);
        });
    router.add({ "GET", "/v1/positions", Access::User }, [&service](const std::shared_ptr<Exchange>& exchange) {
        auto positions = service.positions().list(exchange->caller());
        if (!positions)
            return exchange->problem(positions.error());
        auto list = nlohmann::json::array();
        for (const auto& position : *positions)
            list.push_back(position_json(position));
        exchange->json(200, { { "positions", list } });
    });
}

}
