// hondana-admin tenant erase (REQ DATA-4, AUTH-7): canary data seeded through
// the real service, erased with its backups and logs, proven gone byte for
// byte; the signed report verifies and detects an edit.

#include "integration_fixture.h"

#include <fstream>

namespace fs = std::filesystem;
using namespace hondana;
using namespace hondana::test;

namespace {

class OperationsErase : public ServiceTest { };

constexpr const char* canary = "erase-canary-7f3a9c";

std::string file_text(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return { std::istreambuf_iterator<char>(in), {} };
}

// Every regular file under `root` (or `root` itself) whose bytes contain `needle`.
std::vector<fs::path> files_holding(const fs::path& root, const std::string& needle)
{
    std::vector<fs::path> found;
    std::error_code ec;
    if (fs::is_regular_file(root, ec) && file_text(root).find(needle) != std::string::npos)
        found.push_back(root);
    if (!fs::is_directory(root, ec))
        return found;
    for (const auto& entry : fs::recursive_directory_iterator(root, ec))
        if (entry.is_regular_file() && file_text(entry.path()).find(needle) != std::string::npos)
            found.push_back(entry.path());
    return found;
}

size_t regular_files(const fs::path& root)
{
    size_t count = 0;
    std::error_code ec;
    if (fs::is_directory(root, ec))
        for (const auto& entry : fs::recursive_directory_iterator(root, ec))
            count += entry.is_regular_file() ? 1 : 0;
    return count;
}

}

TEST_F(OperationsErase, erases_keys_data_backups_and_logs_and_signs_a_report)
{
    std::string output;
    ASSERT_EQ(service().admin({ "user", "add", canary, "--name", canary, "--role", "student", "--school",
                                  "North School", "--reading-level", "3" },
                  &output),
        0)
        << output;
    auto admin = signed_in(0, "admin");
    // The canary in clear in the service's log: a request for it.
    EXPECT_EQ(admin.client->get(std::string("/v1/titles/") + canary + "/cover", admin.access).status, 404u);
    auto backups = service().work_dir() / "backups";
    ASSERT_EQ(service().admin({ "backup", "--to", backups.string() }, &output), 0) << output;
    ASSERT_EQ(service().admin({ "backup", "--to", backups.string() }, &output), 0) << output;
    auto root = service().work_dir() / "root.crt"; // the operator keeps it (the readers' policy has it too)
    fs::copy_file(service().root_certificate(), root);
    ASSERT_EQ(service().stop(), 0);
    ASSERT_FALSE(files_holding(service().log_file(), canary).empty()) << "the test must see the canary first";
    ASSERT_GT(regular_files(backups), 0u);

    auto report_path = service().work_dir() / "erasure-report.json";
    ASSERT_EQ(service().admin({ "tenant", "erase", "--report", report_path.string(), "--backups", backups.string(),
                                  "--logs", service().log_file().string() },
                  &output),
        0)
        << output;

    for (const auto& place : { service().data_dir(), backups, service().log_file() }) {
        EXPECT_TRUE(files_holding(place, canary).empty()) << place;
        EXPECT_TRUE(files_holding(place, service().user("admin").login_id).empty()) << place;
        EXPECT_EQ(regular_files(place), 0u) << place << ": every file is gone";
    }
    EXPECT_FALSE(fs::exists(service().log_file()));
    EXPECT_FALSE(service().restart()) << "no keys, no database: nothing can serve, no administrator can sign in";
    EXPECT_NE(service().admin({ "user", "list" }, &output), 0) << output;

    auto report = nlohmann::json::parse(file_text(report_path));
    EXPECT_EQ(report["tenant"]["slug"], "city");
    EXPECT_NE(
        report["special_accounts"]["administrators"].dump().find(service().user("admin").login_id), std::string::npos);
    EXPECT_EQ(report["backups"][0]["generations"].size(), 2u);
    EXPECT_NE(report["keys"].dump().find("database.key"), std::string::npos);
    EXPECT_NE(report["keys"].dump().find("licence-signing.key"), std::string::npos);
    EXPECT_GT(report["database"]["tables"]["users"].get<int>(), 0);

    ASSERT_EQ(service().admin({ "verify-report", report_path.string(), "--root", root.string() }, &output), 0)
        << output;
    report["content"]["files"] = 0; // an edit after signing
    std::ofstream(report_path, std::ios::trunc) << report.dump(2);
    EXPECT_EQ(service().admin({ "verify-report", report_path.string(), "--root", root.string() }, &output), 1);
    EXPECT_NE(output.find("altered"), std::string::npos) << output;
}

TEST_F(OperationsErase, refuses_a_report_inside_what_it_erases_or_a_bad_key_file_and_changes_nothing)
{
    std::string output;
    auto inside = service().data_dir() / "report.json";
    EXPECT_EQ(service().admin({ "tenant", "erase", "--report", inside.string() }, &output), 1);
    EXPECT_NE(output.find("would be erased"), std::string::npos) << output;
    auto outside = service().work_dir() / "report.json";
    EXPECT_EQ(
        service().admin(
            { "tenant", "erase", "--report", outside.string(), "--key-file", service().work_dir().string() }, &output),
        1);
    EXPECT_NE(output.find("not a key file"), std::string::npos) << output;
    auto session = signed_in(0, "admin");
    EXPECT_FALSE(session.access.empty()) << "the administrator still signs in: nothing was erased";
}
