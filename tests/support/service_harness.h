#pragma once

// A real hondana-lending for integration tests, on 127.0.0.1 with a fresh
// data directory. CMake target: hondana_test_service_harness (defined in
// tests/integration/service/CMakeLists.txt; link it and include
// "service_harness.h").
//
//   hondana::test::ServiceHarness service;          // seeds and starts, or records why not
//   ASSERT_TRUE(service.ok()) << service.error();
//   service.url();                 // "https://127.0.0.1:<port>"
//   service.pins();                // SPKI SHA-256 pins (base64): current, backup
//   service.root_certificate();    // tenant root (PEM file): TLS chain and licence signatures
//   service.devices()[0].id / .enrolment_code   // registered, not yet enrolled
//   service.user("student").login_id / .password / .totp_secret
//   service.titles()[0].id
//
// What it seeds, through the real hondana-admin (so the CLI is exercised too):
// `hondana-admin pki init`, tenant `city` with PBKDF2 at 1,000 iterations (fast
// tests; the default is 600,000), school "North School" with classes 5-1 and
// 5-2, school "South School", users (all with password "Kyoto-Reads-2026!"):
//   student  (hanako, 5-1, reading level 5)     student2 (taro, 5-1, level 2)
//   teacher  (sensei, 5-1 and 5-2, has a TOTP secret; the tenant does not require it)
//   admin    (boss, tenant-wide, TOTP required)  south    (jiro, South School)
// devices tab-0001…tab-0004 (North School) and tab-south-1 (South School),
// and titles: a one-copy PDF (titles()[0]) and a two-copy EPUB
// (titles()[1]), each containing the canary sentence
// "Hondana canary: the quick brown fox reads in Kyoto.".
//
// The destructor stops the service (SIGTERM, then SIGKILL after 15 s) and
// deletes the directory. kill_hard() sends SIGKILL; restart() starts it again
// on the same data (a new port); admin() runs any hondana-admin command.
// The server's log (JSON lines) is in log_file().

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace hondana::test {

struct HarnessOptions {
    int pbkdf2_iterations { 1000 };
    int header_timeout_seconds { 10 };
    int body_timeout_seconds { 30 };
    int idle_timeout_seconds { 60 };
    int hash_threads { 1 };
    int max_connections { 20000 };
    std::string durability { "normal" }; // the service's default
};

struct HarnessDevice {
    std::string id;
    std::string enrolment_code;
    std::string school;
};

struct HarnessUser {
    std::string login_id;
    std::string password;
    std::string role;
    std::string school;
    std::optional<std::string> totp_secret; // base32, SHA-256, 6 digits, 30 s
};

struct HarnessTitle {
    std::string id;
    std::string title;
    std::string format; // "pdf" or "epub"
};

inline constexpr const char* harness_password = "Kyoto-Reads-2026!";

class ServiceHarness {
public:
    explicit ServiceHarness(HarnessOptions options = {});
    ~ServiceHarness();
    ServiceHarness(const ServiceHarness&) = delete;
    ServiceHarness& operator=(const ServiceHarness&) = delete;

    [[nodiscard]] bool ok() const { return m_error.empty(); }
    [[nodiscard]] const std::string& error() const { return m_error; }

    [[nodiscard]] uint16_t port() const { return m_port; }
    [[nodiscard]] std::string url() const { return "https://127.0.0.1:" + std::to_string(m_port); }
    [[nodiscard]] const std::vector<std::string>& pins() const { return m_pins; }
    [[nodiscard]] std::filesystem::path root_certificate() const { return m_data / "pki" / "root.crt"; }
    [[nodiscard]] const std::filesystem::path& data_dir() const { return m_data; }
    [[nodiscard]] const std::filesystem::path& work_dir() const { return m_work; }
    [[nodiscard]] std::filesystem::path log_file() const { return m_work / "lending.log"; }
    [[nodiscard]] const std::vector<HarnessDevice>& devices() const { return m_devices; }
    [[nodiscard]] const std::vector<HarnessUser>& users() const { return m_users; }
    // By role key: "student", "student2", "teacher", "admin", "south".
    [[nodiscard]] const HarnessUser& user(const std::string& role) const;
    [[nodiscard]] const std::vector<HarnessTitle>& titles() const { return m_titles; }
    [[nodiscard]] pid_t pid() const { return m_pid; }

    // Runs `hondana-admin --data DIR ARGS… --yes`; returns its exit code, its
    // standard output in `output` (and standard error appended when asked).
    int admin(const std::vector<std::string>& args, std::string* output = nullptr, const std::string& stdin_text = {});

    // SIGKILL, no drain. The data stays.
    void kill_hard();
    // SIGTERM and wait for the exit; returns the exit status (-1 on a signal or timeout).
    int stop();
    // Waits (up to 15 s, then SIGKILL) for an exit someone else asked for; the exit status or -1.
    int wait_exit();
    // Starts the service again on the same data; false (and error()) when it does not come up.
    bool restart();
    [[nodiscard]] bool running() const { return m_pid > 0; }

private:
    bool seed();
    bool seed_users();
    bool seed_devices();
    bool seed_titles();
    // Runs one hondana-admin command of the seeding; false (and error()) when it fails.
    bool step(const std::vector<std::string>& args, std::string* output = nullptr, const std::string& input = {});
    bool launch();
    bool fail(std::string message);

    HarnessOptions m_options;
    std::filesystem::path m_work;
    std::filesystem::path m_data;
    pid_t m_pid { -1 };
    uint16_t m_port { 0 };
    std::vector<std::string> m_pins;
    std::vector<HarnessDevice> m_devices;
    std::vector<HarnessUser> m_users;
    std::vector<std::string> m_roles;
    std::vector<HarnessTitle> m_titles;
    std::string m_error;
};

}
