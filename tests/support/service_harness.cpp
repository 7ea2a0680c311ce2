#include "service_harness.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "lending/sample_titles.h"

namespace hondana::test {

namespace fs = std::filesystem;

namespace {

// Runs a program with arguments, stdin from `input`, stdout (and stderr) into `output`.
int run_program(const std::vector<std::string>& argv, const std::string& input, std::string& output)
{
    int in_pipe[2], out_pipe[2];
    if (::pipe(in_pipe) != 0 || ::pipe(out_pipe) != 0)
        return -1;
    pid_t child = ::fork();
    if (child == 0) {
        ::dup2(in_pipe[0], 0);
        ::dup2(out_pipe[1], 1);
        ::dup2(out_pipe[1], 2);
        ::close(in_pipe[1]);
        ::close(out_pipe[0]);
        std::vector<char*> args;
        for (const auto& arg : argv)
            args.push_back(const_cast<char*>(arg.c_str()));
        args.push_back(nullptr);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    ::close(in_pipe[0]);
    ::close(out_pipe[1]);
    if (!input.empty())
        (void)!::write(in_pipe[1], input.data(), input.size());
    ::close(in_pipe[1]);
    char buffer[4096];
    ssize_t n;
    while ((n = ::read(out_pipe[0], buffer, sizeof buffer)) > 0)
        output.append(buffer, static_cast<size_t>(n));
    ::close(out_pipe[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string value_after(const std::string& text, const std::string& marker)
{
    auto at = text.find(marker);
    if (at == std::string::npos)
        return {};
    at += marker.size();
    auto end = text.find_first_of(" \n", at);
    return text.substr(at, end - at);
}

}

ServiceHarness::ServiceHarness(HarnessOptions options)
    : m_options(std::move(options))
{
    std::string pattern = (fs::temp_directory_path() / "hondana-harness-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) {
        fail("cannot make a temporary directory");
        return;
    }
    m_work = pattern;
    m_data = m_work / "data";
    if (seed())
        launch();
}

ServiceHarness::~ServiceHarness()
{
    if (m_pid > 0)
        stop();
    std::error_code ignored;
    if (!m_work.empty())
        fs::remove_all(m_work, ignored);
}

bool ServiceHarness::fail(std::string message)
{
    if (m_error.empty())
        m_error = std::move(message);
    return false;
}

const HarnessUser& ServiceHarness::user(const std::string& role) const
{
    for (size_t i = 0; i < m_roles.size(); ++i)
        if (m_roles[i] == role)
            return m_users[i];
    throw std::out_of_range("no harness user " + role);
}

int ServiceHarness::admin(const std::vector<std::string>& args, std::string* output, const std::string& stdin_text)
{
    std::vector<std::string> argv = { HONDANA_ADMIN_BINARY, "--data", m_data.string() };
    argv.insert(argv.end(), args.begin(), args.end());
    argv.emplace_back("--yes");
    std::string captured;
    int code = run_program(argv, stdin_text, captured);
    if (output)
        *output = captured;
    return code;
}

bool ServiceHarness::step(const std::vector<std::string>& args, std::string* output, const std::string& input)
{
    std::string captured;
    int code = admin(args, &captured, input);
    if (output)
        *output = captured;
    if (code == 0)
        return true;
    std::string line;
    for (const auto& arg : args)
        line += arg + " ";
    return fail("hondana-admin " + line + "failed (" + std::to_string(code) + "): " + captured);
}

bool ServiceHarness::seed()
{
    return step({ "pki", "init", "--organization", "Harness City" })
        && step({ "tenant", "add", "city", "--name", "Harness City" })
        && step({ "tenant", "policy", "set", "pbkdf2_iterations", std::to_string(m_options.pbkdf2_iterations) })
        && step({ "school", "add", "North School" }) && step({ "school", "add", "South School" })
        && step({ "class", "add", "5-1", "--school", "North School" })
        && step({ "class", "add", "5-2", "--school", "North School" }) && seed_users() && seed_devices()
        && seed_titles();
}

bool ServiceHarness::seed_users()
{
    struct Seed {
        const char* role_key;
        const char* login;
        const char* role;
        std::vector<std::string> extra;
    };
    const std::vector<Seed> seeds = {
        { "student", "hanako", "student", { "--school", "North School", "--class", "5-1", "--reading-level", "5" } },
        { "student2", "taro", "student", { "--school", "North School", "--class", "5-1", "--reading-level", "2" } },
        { "teacher", "sensei", "teacher", { "--school", "North School", "--class", "5-1", "--class", "5-2" } },
        { "admin", "boss", "admin", {} },
        { "south", "jiro", "student", { "--school", "South School" } },
    };
    for (const auto& seed_user : seeds) {
        std::vector<std::string> args = { "user", "add", seed_user.login, "--name",
            std::string("Harness ") + seed_user.login, "--role", seed_user.role, "--password-stdin" };
        args.insert(args.end(), seed_user.extra.begin(), seed_user.extra.end());
        std::string out;
        if (!step(args, &out, std::string(harness_password) + "\n"))
            return false;
        HarnessUser user { seed_user.login, harness_password, seed_user.role,
            seed_user.extra.size() > 1 ? seed_user.extra[1] : "", std::nullopt };
        if (auto secret = value_after(out, "TOTP secret (SHA-256, 6 digits, 30 s): "); !secret.empty())
            user.totp_secret = secret;
        m_users.push_back(user);
        m_roles.emplace_back(seed_user.role_key);
    }
    return true;
}

bool ServiceHarness::seed_devices()
{
    std::string csv, south;
    if (!step({ "device", "add", "--count", "4", "--school", "North School" }, &csv)
        || !step({ "device", "add", "tab-south-1", "--school", "South School" }, &south))
        return false;
    for (const auto* text : { &csv, &south }) {
        std::istringstream lines(*text);
        std::string line;
        while (std::getline(lines, line)) {
            auto first = line.find(','), second = line.rfind(',');
            if (first == std::string::npos || line.rfind("device_id", 0) == 0)
                continue;
            m_devices.push_back(
                { line.substr(0, first), line.substr(first + 1, second - first - 1), line.substr(second + 1) });
        }
    }
    return true;
}

bool ServiceHarness::seed_titles()
{
    auto pdf = m_work / "sample.pdf";
    auto epub = m_work / "sample.epub";
    std::vector<lending::SampleChapter> english(1), japanese(1);
    english[0].heading = "Chapter 1";
    english[0].paragraphs.emplace_back("A harness title.");
    japanese[0].heading = "第一章";
    japanese[0].paragraphs.emplace_back("本棚のテスト。");
    if (!lending::write_sample_pdf(pdf, "Harness PDF", english)
        || !lending::write_sample_epub(epub, "Harness EPUB", "urn:hondana:harness:epub", "ja", japanese))
        return fail("cannot write the sample titles");
    struct SampleTitle {
        std::string file;
        std::string title;
        std::string copies;
        std::string format;
    };
    const std::vector<SampleTitle> samples
        = { { pdf.string(), "Harness PDF", "1", "pdf" }, { epub.string(), "Harness EPUB", "2", "epub" } };
    for (const auto& sample : samples) {
        std::string out;
        if (!step({ "title", "add", sample.file, "--title", sample.title, "--copies", sample.copies, "--reading-level",
                      "3" },
                &out))
            return false;
        m_titles.push_back({ value_after(out, "title "), sample.title, sample.format });
    }
    return true;
}

bool ServiceHarness::launch()
{
    auto ready = m_work / "ready.json";
    fs::remove(ready);
    std::vector<std::string> argv = { HONDANA_LENDING_BINARY, "--data", m_data.string(), "--listen", "127.0.0.1:0",
        "--ready-file", ready.string(), "--threads", "2", "--hash-threads", std::to_string(m_options.hash_threads),
        "--header-timeout", std::to_string(m_options.header_timeout_seconds), "--body-timeout",
        std::to_string(m_options.body_timeout_seconds), "--idle-timeout",
        std::to_string(m_options.idle_timeout_seconds), "--durability", m_options.durability, "--max-connections",
        std::to_string(m_options.max_connections) };
    pid_t child = ::fork();
    if (child == 0) {
        int log = ::open(log_file().c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        ::dup2(log, 1);
        ::dup2(log, 2);
        std::vector<char*> args;
        for (const auto& arg : argv)
            args.push_back(const_cast<char*>(arg.c_str()));
        args.push_back(nullptr);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    m_pid = child;
    for (int i = 0; i < 600; ++i) {
        int status = 0;
        if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
            m_pid = -1;
            return fail("hondana-lending exited before it was ready; see " + log_file().string());
        }
        std::ifstream in(ready);
        auto json = nlohmann::json::parse(in, nullptr, false);
        if (!json.is_discarded() && json.contains("port")) {
            m_port = json["port"].get<uint16_t>();
            m_pins = json["pins"].get<std::vector<std::string>>();
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return fail("hondana-lending did not become ready within 30 s; see " + log_file().string());
}

void ServiceHarness::kill_hard()
{
    if (m_pid <= 0)
        return;
    ::kill(m_pid, SIGKILL);
    int status = 0;
    ::waitpid(m_pid, &status, 0);
    m_pid = -1;
}

int ServiceHarness::stop()
{
    if (m_pid <= 0)
        return -1;
    ::kill(m_pid, SIGTERM);
    return wait_exit();
}

int ServiceHarness::wait_exit()
{
    if (m_pid <= 0)
        return -1;
    for (int i = 0; i < 300; ++i) {
        int status = 0;
        if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
            m_pid = -1;
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    kill_hard();
    return -1;
}

bool ServiceHarness::restart()
{
    if (m_pid > 0)
        stop();
    m_error.clear();
    return launch();
}

}
