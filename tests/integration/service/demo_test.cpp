#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace fs = std::filesystem;

namespace {

// hondana-lending --demo DIR, started and stopped by the test.
class DemoServer {
public:
    explicit DemoServer(const fs::path& dir)
        : m_dir(dir)
    {
        fs::remove(ready());
        m_pid = ::fork();
        if (m_pid == 0) {
            auto out = (dir.parent_path() / "demo.out").string();
            FILE* log = std::freopen(out.c_str(), "a", stdout);
            (void)log;
            ::execl(HONDANA_LENDING_BINARY, HONDANA_LENDING_BINARY, "--demo", dir.c_str(), "--listen", "127.0.0.1:0",
                "--ready-file", ready().c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
    }
    ~DemoServer()
    {
        ::kill(m_pid, SIGTERM);
        int status = 0;
        ::waitpid(m_pid, &status, 0);
    }
    [[nodiscard]] fs::path ready() const { return m_dir.parent_path() / "demo-ready.json"; }
    // The ready file once the service listens (bounded wait: the demo hashes passwords at full cost).
    nlohmann::json wait_ready() const
    {
        for (int i = 0; i < 1200; ++i) {
            std::ifstream in(ready());
            auto json = nlohmann::json::parse(in, nullptr, false);
            if (!json.is_discarded() && json.contains("port"))
                return json;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return {};
    }

private:
    fs::path m_dir;
    pid_t m_pid { -1 };
};

class Demo : public ::testing::Test {
protected:
    void SetUp() override
    {
        std::string pattern = (fs::temp_directory_path() / "hondana-demo-XXXXXX").string();
        m_work = ::mkdtemp(pattern.data());
    }
    void TearDown() override { fs::remove_all(m_work); }
    fs::path m_work;
};

}

TEST_F(Demo, creates_the_demo_tenant_prints_policy_values_and_serves_it_again)
{
    auto dir = m_work / "demo";
    nlohmann::json first_summary;
    {
        DemoServer server(dir);
        auto ready = server.wait_ready();
        ASSERT_TRUE(ready.contains("port")) << "the demo did not come up";
        EXPECT_EQ(ready["pins"].size(), 2u);
        std::ifstream in(dir / "demo.json");
        first_summary = nlohmann::json::parse(in);
        EXPECT_EQ(first_summary["devices"].size(), 6u);
        EXPECT_EQ(first_summary["titles"].size(), 3u);
        int students = 0, with_totp = 0;
        for (const auto& account : first_summary["accounts"]) {
            students += account["role"] == "student";
            with_totp += account.contains("totp_secret");
        }
        EXPECT_EQ(students, 8);
        EXPECT_EQ(with_totp, 2) << "the teacher and the admin";
        for (const auto& sample : fs::directory_iterator(dir / "samples")) {
            std::ifstream file(sample.path(), std::ios::binary);
            std::string bytes((std::istreambuf_iterator<char>(file)), {});
            EXPECT_NE(bytes.find("Hondana canary: the quick brown fox reads in Kyoto."), std::string::npos)
                << sample.path();
        }
        for (const auto& package : fs::directory_iterator(dir / "content")) {
            std::ifstream file(package.path(), std::ios::binary);
            std::string bytes((std::istreambuf_iterator<char>(file)), {});
            EXPECT_EQ(bytes.find("Hondana canary"), std::string::npos)
                << "protected package in clear: " << package.path();
        }
        std::ifstream printed(m_work / "demo.out");
        std::string text((std::istreambuf_iterator<char>(printed)), {});
        for (auto needle :
            { "service_url       https://127.0.0.1:", "tls_spki_pins", "tenant_root_cert", "tab-001", "s51-01" })
            EXPECT_NE(text.find(needle), std::string::npos) << needle << " not printed:\n" << text;
    }
    DemoServer again(dir);
    ASSERT_TRUE(again.wait_ready().contains("port")) << "the existing demo directory is served again";
    std::ifstream in(dir / "demo.json");
    EXPECT_EQ(nlohmann::json::parse(in)["devices"], first_summary["devices"]);
}
