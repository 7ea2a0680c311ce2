// The backup and restore drill (REQ DATA-2, DATA-3): a real service seeded
// through its API, backed up while it serves, its data directory destroyed,
// the backup restored and verified, the service serving the same users and
// licences again. docs/operations.md, "Restore runbook", is this drill.

#include "integration_fixture.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <set>
#include <thread>

#include "hondana/drm/licence.h"
#include "lending/sample_titles.h"

namespace fs = std::filesystem;
using namespace hondana;
using namespace hondana::test;

namespace {

class OperationsDrill : public ServiceTest {
protected:
    fs::path backups() const { return m_service->work_dir() / "backups"; }

    // The operator keeps the private backup key offline: a copy outside the data directory.
    fs::path offline_operator_key()
    {
        auto to = m_service->work_dir() / "operator-backup.key";
        if (!fs::exists(to))
            fs::copy_file(m_service->data_dir() / "pki" / "offline" / "operator-backup.key", to);
        return to;
    }

    int backup(std::string* output = nullptr, int keep = 3)
    {
        return m_service->admin({ "backup", "--to", backups().string(), "--keep", std::to_string(keep) }, output);
    }

    std::vector<fs::path> generations() const
    {
        std::vector<fs::path> found;
        for (const auto& entry : fs::directory_iterator(backups()))
            if (entry.path().filename().string().rfind("hondana-backup-", 0) == 0)
                found.push_back(entry.path());
        std::sort(found.begin(), found.end());
        return found;
    }
};

// hondana-admin with its own --data (the harness's admin() always names the harness's).
int admin_on(const fs::path& data, const std::string& args, std::string& output, const std::string& environment = {})
{
    std::string command = (environment.empty() ? "" : "env " + environment + " ") + std::string(HONDANA_ADMIN_BINARY)
        + " --data " + data.string() + " " + args + " 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    std::array<char, 4096> buffer {};
    while (auto n = std::fread(buffer.data(), 1, buffer.size(), pipe))
        output.append(buffer.data(), n);
    int status = ::pclose(pipe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string borrow(Session& session, const std::string& title_id)
{
    auto loan = session.client->post("/v1/titles/" + title_id + "/borrow", nullptr, session.access);
    EXPECT_EQ(loan.status, 201u) << loan.body;
    return loan.status == 201 ? loan.json()["licence_id"].get<std::string>() : std::string();
}

std::string file_text(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return { std::istreambuf_iterator<char>(in), {} };
}

mode_t mode_of(const fs::path& path)
{
    struct stat info { };
    ::lstat(path.c_str(), &info);
    return info.st_mode & 07777;
}

}

TEST_F(OperationsDrill, backup_while_serving_destroy_restore_verify_and_serve_again)
{
    auto reader = signed_in(0, "student");
    auto licence_id = borrow(reader, service().titles()[0].id);
    ASSERT_FALSE(licence_id.empty());
    auto key = offline_operator_key();

    // Sign-ins keep writing (sessions, tokens, audit) while the backup runs.
    std::atomic<bool> stop { false };
    std::atomic<int> served { 0 };
    std::thread load([&] {
        auto client = device_client(2);
        while (!stop) {
            if (sign_in(*client, service().user("student2")).status == 200)
                ++served;
        }
    });
    std::string output;
    int code = backup(&output);
    int during = served.load();
    stop = true;
    load.join();
    ASSERT_EQ(code, 0) << output;
    EXPECT_NE(output.find("audit head"), std::string::npos) << output;
    ASSERT_EQ(generations().size(), 1u);
    auto generation = generations().front();
    std::cout << "[ drill ] backup: " << output << "[ drill ] sign-ins served during the backup and after: " << during
              << "\n";

    // The disaster: the service dies and its data directory is gone.
    service().kill_hard();
    fs::remove_all(service().data_dir());

    ASSERT_EQ(service().admin({ "restore", "--from", generation.string(), "--operator-key", key.string() }, &output), 0)
        << output;
    EXPECT_NE(output.find("verified"), std::string::npos) << output;
    std::cout << "[ drill ] restore: " << output;
    ASSERT_EQ(service().admin({ "audit", "verify" }, &output), 0) << output;
    ASSERT_TRUE(service().restart()) << service().error();

    // The same users, devices and licences: the student signs in on the same
    // tablet (same device key and certificate) and reads the same licence.
    auto again = std::make_unique<TlsClient>(service(), reader.device);
    auto reply = sign_in(*again, service().user("student"));
    ASSERT_EQ(reply.status, 200u) << reply.body;
    auto access = reply.json()["access_token"].get<std::string>();
    auto licence = again->get("/v1/licences/" + licence_id, access);
    ASSERT_EQ(licence.status, 200u) << licence.body;
    auto parsed = drm::parse_licence(licence.body);
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(parsed->id, licence_id);
    const auto* publication = parsed->link("publication");
    ASSERT_NE(publication, nullptr);
    auto content = again->get(publication->href);
    ASSERT_EQ(content.status, 200u);
    EXPECT_EQ(drm::hex_encode(drm::sha256(drm::as_bytes(content.body))), publication->hash.value_or(""))
        << "the restored content is the backed-up package";
}

TEST_F(OperationsDrill, backup_is_owner_only_encrypted_and_lists_every_file)
{
    std::string output;
    ASSERT_EQ(backup(&output), 0) << output;
    auto generation = generations().front();
    EXPECT_EQ(mode_of(backups()), 0700u);
    auto manifest = nlohmann::json::parse(file_text(generation / "manifest.json"));
    std::set<std::string> listed;
    for (const auto& [path, digest] : manifest["files"].items())
        listed.insert(path);
    for (const auto& entry : fs::recursive_directory_iterator(generation)) {
        auto relative = fs::relative(entry.path(), generation).string();
        EXPECT_EQ(mode_of(entry.path()), entry.is_directory() ? 0700u : 0600u) << relative;
        if (entry.is_regular_file() && relative != "manifest.json" && relative != "manifest.hmac") {
            EXPECT_TRUE(listed.count(relative)) << relative << " is in the generation but not in its manifest";
        }
        if (!entry.is_regular_file())
            continue;
        auto bytes = file_text(entry.path());
        EXPECT_EQ(bytes.find(std::string(lending::sample_canary)), std::string::npos) << relative;
        EXPECT_EQ(bytes.find("BEGIN PRIVATE KEY"), std::string::npos) << relative << ": a private key in clear";
        EXPECT_EQ(bytes.find(service().user("student").login_id), std::string::npos)
            << relative << ": a login ID in clear";
    }
    EXPECT_EQ(manifest["content"].size(), service().titles().size());
    EXPECT_TRUE(manifest["audit_intact"].get<bool>());
    EXPECT_GT(manifest["tables"]["users"].get<int>(), 0);
}

TEST_F(OperationsDrill, keeps_newest_generations_and_pruning_spares_shared_content)
{
    std::string output;
    for (int i = 0; i < 4; ++i)
        ASSERT_EQ(backup(&output), 0) << output;
    auto kept = generations();
    ASSERT_EQ(kept.size(), 3u) << "--keep 3 keeps three generations";
    EXPECT_NE(output.find("removed old generation"), std::string::npos) << output;
    // The oldest kept generation shared its content files (hard links) with
    // the pruned one: it must still restore and verify.
    auto target = service().work_dir() / "restored";
    output.clear();
    EXPECT_EQ(
        admin_on(target,
            "restore --from " + kept.front().string() + " --operator-key " + offline_operator_key().string(), output),
        0)
        << output;
    EXPECT_EQ(backup(&output, 2), 1) << "fewer than 3 generations is refused";
    EXPECT_NE(output.find("DATA-2"), std::string::npos) << output;
}

TEST_F(OperationsDrill, restore_refuses_another_operator_key_a_tampered_file_and_a_used_directory)
{
    std::string output;
    ASSERT_EQ(backup(&output), 0) << output;
    auto generation = generations().front();
    auto target = service().work_dir() / "restored";

    // Another operator's key.
    auto other = service().work_dir() / "other";
    ASSERT_EQ(admin_on(other, "pki init", output), 0) << output;
    output.clear();
    EXPECT_EQ(admin_on(target,
                  "restore --from " + generation.string() + " --operator-key "
                      + (other / "pki" / "offline" / "operator-backup.key").string(),
                  output),
        1);
    EXPECT_NE(output.find("operator key"), std::string::npos) << output;
    EXPECT_TRUE(!fs::exists(target) || fs::is_empty(target)) << "nothing restored";

    // One byte of the snapshot changed.
    fs::permissions(generation / "lending.db", fs::perms::owner_read | fs::perms::owner_write);
    {
        std::fstream db(generation / "lending.db", std::ios::in | std::ios::out | std::ios::binary);
        db.seekp(5000);
        db.put('\x5a');
    }
    output.clear();
    EXPECT_EQ(
        admin_on(target, "restore --from " + generation.string() + " --operator-key " + offline_operator_key().string(),
            output),
        1);
    EXPECT_NE(output.find("lending.db"), std::string::npos) << output;
    EXPECT_TRUE(!fs::exists(target) || fs::is_empty(target)) << "nothing restored";

    // A data directory in use is never overwritten.
    output.clear();
    EXPECT_EQ(
        service().admin(
            { "restore", "--from", generation.string(), "--operator-key", offline_operator_key().string() }, &output),
        1);
    EXPECT_NE(output.find("not empty"), std::string::npos) << output;
}

TEST_F(OperationsDrill, restore_keys_the_database_with_the_systemd_credential_when_present)
{
    std::string output;
    ASSERT_EQ(backup(&output), 0) << output;
    auto credentials = service().work_dir() / "credentials";
    fs::create_directories(credentials);
    std::ofstream(credentials / "hondana-db-key") << std::string(64, 'a') << "\n";
    fs::permissions(credentials / "hondana-db-key", fs::perms::owner_read | fs::perms::owner_write);
    auto target = service().work_dir() / "restored";
    ASSERT_EQ(
        admin_on(target,
            "restore --from " + generations().front().string() + " --operator-key " + offline_operator_key().string(),
            output, "CREDENTIALS_DIRECTORY=" + credentials.string()),
        0)
        << output;
    EXPECT_FALSE(fs::exists(target / "keys" / "database.key")) << "no key file beside the data: systemd holds it";
    output.clear();
    EXPECT_EQ(admin_on(target, "audit verify", output, "CREDENTIALS_DIRECTORY=" + credentials.string()), 0) << output;
    output.clear();
    EXPECT_NE(admin_on(target, "audit verify", output), 0) << "without the credential the database does not open";
}
