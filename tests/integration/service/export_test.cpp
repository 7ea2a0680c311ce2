// hondana-admin export (REQ DATA-5, LOG-4): the files another service or an
// auditor reads, parsed back as they would parse them.

#include "integration_fixture.h"

#include <sys/stat.h>

#include <fstream>
#include <map>
#include <sstream>

namespace fs = std::filesystem;
using namespace hondana;
using namespace hondana::test;

namespace {

class OperationsExport : public ServiceTest { };

using Row = std::vector<std::string>;

// RFC 4180: quoted cells may hold commas, CR, LF and doubled quotes; rows end in CRLF.
std::vector<Row> parse_csv(const std::string& text)
{
    std::vector<Row> rows;
    Row row;
    std::string cell;
    bool quoted = false;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                cell += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                cell += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            row.push_back(std::move(cell));
            cell.clear();
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            row.push_back(std::move(cell));
            cell.clear();
            rows.push_back(std::move(row));
            row.clear();
            ++i;
        } else {
            cell += c;
        }
    }
    EXPECT_FALSE(quoted) << "an unterminated quote";
    EXPECT_TRUE(cell.empty() && row.empty()) << "the last row must end in CRLF";
    return rows;
}

std::string file_text(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return { std::istreambuf_iterator<char>(in), {} };
}

// The rows of a CSV as header name → cell maps.
std::vector<std::map<std::string, std::string>> records(const std::string& text)
{
    auto rows = parse_csv(text);
    std::vector<std::map<std::string, std::string>> out;
    if (rows.empty())
        return out;
    for (size_t r = 1; r < rows.size(); ++r) {
        EXPECT_EQ(rows[r].size(), rows[0].size()) << "row " << r;
        std::map<std::string, std::string> record;
        for (size_t c = 0; c < rows[0].size() && c < rows[r].size(); ++c)
            record[rows[0][c]] = rows[r][c];
        out.push_back(std::move(record));
    }
    return out;
}

const std::map<std::string, std::string>* find(
    const std::vector<std::map<std::string, std::string>>& all, const std::string& column, const std::string& value)
{
    for (const auto& record : all)
        if (record.count(column) && record.at(column) == value)
            return &record;
    return nullptr;
}

const char* tricky_name = "Sato, \"Hana\"\nline two";
const char* formula_name = "=HYPERLINK(\"http://evil.example\",\"click\")";

}

TEST_F(OperationsExport, all_files_parse_back_with_the_seeded_data)
{
    std::string output;
    ASSERT_EQ(service().admin({ "user", "add", "trick", "--name", tricky_name, "--role", "student", "--school",
                                  "North School", "--class", "5-1", "--reading-level", "3" },
                  &output),
        0)
        << output;
    ASSERT_EQ(service().admin({ "user", "add", "formula", "--name", formula_name, "--role", "student", "--school",
                                  "North School", "--reading-level", "3" },
                  &output),
        0)
        << output;
    auto reader = signed_in(0, "student");
    auto loan = reader.client->post("/v1/titles/" + service().titles()[0].id + "/borrow", nullptr, reader.access);
    ASSERT_EQ(loan.status, 201u) << loan.body;
    auto waiting = signed_in(1, "teacher");
    auto reserve = waiting.client->post("/v1/titles/" + service().titles()[0].id + "/reserve", nullptr, waiting.access);
    ASSERT_EQ(reserve.status, 201u) << reserve.body;

    auto to = service().work_dir() / "export";
    ASSERT_EQ(service().admin({ "export", "all", "--to", to.string(), "--bom" }, &output), 0) << output;

    auto users_text = file_text(to / "users.csv");
    ASSERT_EQ(users_text.rfind("\xEF\xBB\xBF", 0), 0u) << "--bom starts the file with a UTF-8 BOM";
    auto users = records(users_text.substr(3));
    const auto* hanako = find(users, "login_id", service().user("student").login_id);
    ASSERT_NE(hanako, nullptr);
    EXPECT_EQ(hanako->at("school"), "North School");
    EXPECT_EQ(hanako->at("classes"), "5-1");
    const auto* trick = find(users, "login_id", "trick");
    ASSERT_NE(trick, nullptr);
    EXPECT_EQ(trick->at("display_name"), tricky_name) << "comma, quotes and a line break survive quoting";
    const auto* formula = find(users, "login_id", "formula");
    ASSERT_NE(formula, nullptr);
    EXPECT_EQ(formula->at("display_name"), std::string("'") + formula_name) << "a formula is shown as text";
    for (const auto& record : users)
        for (const auto& [column, cell] : record)
            EXPECT_TRUE(cell.empty() || std::string("=+-@\t\r").find(cell.front()) == std::string::npos)
                << column << " starts like a formula: " << cell;
    EXPECT_EQ(users_text.find("pbkdf2"), std::string::npos) << "no password hash is exported";
    EXPECT_EQ(users.size(), service().users().size() + 2);

    auto loans = records(file_text(to / "loans.csv").substr(3));
    const auto* borrowed = find(loans, "licence_id", loan.json()["licence_id"].get<std::string>());
    ASSERT_NE(borrowed, nullptr);
    EXPECT_EQ(borrowed->at("login_id"), service().user("student").login_id);
    EXPECT_EQ(borrowed->at("status"), "active");
    auto reservations = records(file_text(to / "reservations.csv").substr(3));
    ASSERT_EQ(reservations.size(), 1u);
    EXPECT_EQ(reservations[0].at("login_id"), service().user("teacher").login_id);
    auto devices = records(file_text(to / "devices.csv").substr(3));
    EXPECT_EQ(devices.size(), service().devices().size());
    ASSERT_NE(find(devices, "device_id", reader.device.device_id), nullptr);
    EXPECT_EQ(find(devices, "device_id", reader.device.device_id)->at("status"), "enrolled");
    auto classes = records(file_text(to / "classes.csv").substr(3));
    const auto* five_one = find(classes, "class", "5-1");
    ASSERT_NE(five_one, nullptr);
    EXPECT_EQ(five_one->at("students"), "3") << "hanako, taro and trick";

    struct stat info { };
    ASSERT_EQ(::stat((to / "users.csv").c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u) << "exports hold personal data";
}

TEST_F(OperationsExport, catalog_is_an_opds_2_feed_pointing_at_the_packages)
{
    auto path = service().work_dir() / "catalog.json";
    std::string output;
    ASSERT_EQ(service().admin({ "export", "catalog", "--output", path.string() }, &output), 0) << output;
    auto feed = nlohmann::json::parse(file_text(path));
    EXPECT_EQ(feed["metadata"]["numberOfItems"].get<size_t>(), service().titles().size());
    ASSERT_EQ(feed["publications"].size(), service().titles().size());
    for (const auto& publication : feed["publications"]) {
        EXPECT_EQ(publication["metadata"]["@type"], "http://schema.org/Book");
        EXPECT_TRUE(publication["metadata"]["title"].is_string());
        const auto& link = publication["links"].at(0);
        EXPECT_EQ(link["rel"], "http://opds-spec.org/acquisition");
        auto href = link["href"].get<std::string>();
        ASSERT_EQ(href.rfind("content/", 0), 0u) << href;
        EXPECT_TRUE(fs::exists(service().data_dir() / href)) << href << " is a package of the data directory";
    }
}

TEST_F(OperationsExport, audit_is_json_lines_in_chain_order_and_the_export_is_audited)
{
    auto path = service().work_dir() / "audit.jsonl";
    std::string output;
    ASSERT_EQ(service().admin({ "export", "audit", "--output", path.string() }, &output), 0) << output;
    std::istringstream lines(file_text(path));
    std::string line;
    int64_t expected = 1;
    std::string previous_hash(64, '0');
    while (std::getline(lines, line)) {
        auto entry = nlohmann::json::parse(line, nullptr, false);
        ASSERT_FALSE(entry.is_discarded()) << line;
        EXPECT_EQ(entry["seq"].get<int64_t>(), expected++);
        EXPECT_EQ(entry["prev_hash"].get<std::string>(), previous_hash);
        previous_hash = entry["hash"].get<std::string>();
    }
    EXPECT_GT(expected, 10) << "the seeding is audited";
    ASSERT_EQ(service().admin({ "export", "audit", "--output", path.string() }, &output), 0) << output;
    EXPECT_NE(file_text(path).find("\"admin.export\""), std::string::npos) << "the first export is in the log";
    EXPECT_NE(service().admin({ "export", "nonsense" }, &output), 0) << output;
}
