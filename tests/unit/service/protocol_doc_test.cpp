#include "lending_fixture.h"

#include <fstream>
#include <regex>

#include "api/api.h"
#include "api/problem.h"

using namespace hondana;
using hondana::test::LendingFixture;

namespace {

class ProtocolDoc : public LendingFixture {
protected:
    static std::string protocol_text()
    {
        std::ifstream in(std::filesystem::path(HONDANA_SOURCE_DIR) / "docs" / "protocol.md");
        return std::string(std::istreambuf_iterator<char>(in), {});
    }
    // `{title_id}` and `{id}` are the same placeholder.
    static std::string normalise(const std::string& text)
    {
        return std::regex_replace(text, std::regex("\\{[a-z_]+\\}"), "{}");
    }
};

}

TEST_F(ProtocolDoc, every_route_has_an_entry)
{
    lending::WorkerPool pool(1, 1);
    auto router = api::make_router(*m_service, pool);
    auto doc = normalise(protocol_text());
    ASSERT_FALSE(doc.empty());
    for (const auto& route : router->routes()) {
        auto entry = "`" + route.method + " " + normalise(route.pattern);
        EXPECT_NE(doc.find(entry), std::string::npos)
            << route.method << " " << route.pattern << " is not in docs/protocol.md";
    }
}

TEST_F(ProtocolDoc, every_problem_type_has_an_entry_with_its_status)
{
    auto doc = protocol_text();
    for (const auto& type : api::all_problem_types()) {
        auto row = "| `" + std::string(type.name) + "` | " + std::to_string(type.status) + " |";
        EXPECT_NE(doc.find(row), std::string::npos)
            << type.name << " (" << type.status << ") has no row in docs/protocol.md";
    }
}
