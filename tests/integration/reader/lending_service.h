#pragma once

// The real lending service for reader integration tests: `hondana-lending
// --demo` on 127.0.0.1 with a fresh test PKI and the demo tenant (devices
// with enrolment codes, students, sample titles that contain the canary
// sentence), and `hondana-admin` for operator actions (revocations). Stopped
// by its process ID when the object goes away.
// FIXME: switch to tests/support/service_harness when the service side lands it.

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "child_process.h"

namespace hondana::test {

class LendingService {
public:
    explicit LendingService(const std::filesystem::path& dir)
        : m_dir(dir)
    {
        std::filesystem::create_directories(dir);
        auto ready = dir / "ready.json";
        // setpriv --pdeathsig: the service dies with the test, even when the test crashes.
        std::string command = "exec setpriv --pdeathsig KILL -- '" + std::string(HONDANA_LENDING) + "' --demo '" + (dir / "data").string()
            + "' --listen 127.0.0.1:0 --ready-file '" + ready.string() + "' >'" + (dir / "service.log").string()
            + "' 2>&1";
        m_process = std::make_unique<ChildProcess>(std::vector<std::string> { "/bin/sh", "-c", command });
        for (int i = 0; i < 1200 && !std::filesystem::exists(ready); ++i) {
            if (m_process->exited())
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        if (!std::filesystem::exists(ready))
            return;
        m_ready = read_json(ready);
        m_demo = read_json(dir / "data" / "demo.json");
    }
    LendingService(const LendingService&) = delete;
    LendingService& operator=(const LendingService&) = delete;

    [[nodiscard]] bool running() const { return !m_ready.is_null() && !m_demo.is_null(); }
    [[nodiscard]] std::string log() const
    {
        std::ifstream file(m_dir / "service.log");
        return std::string(std::istreambuf_iterator<char>(file), {});
    }
    [[nodiscard]] uint16_t port() const { return m_ready["port"].get<uint16_t>(); }
    [[nodiscard]] std::string url() const { return "https://127.0.0.1:" + std::to_string(port()) + "/"; }
    [[nodiscard]] std::vector<std::string> pins() const { return m_ready["pins"].get<std::vector<std::string>>(); }
    [[nodiscard]] std::filesystem::path root_certificate() const
    {
        auto path = std::filesystem::path(m_ready["root_certificate"].get<std::string>());
        return path.is_absolute() ? path : std::filesystem::absolute(path);
    }
    [[nodiscard]] const nlohmann::json& demo() const { return m_demo; }
    [[nodiscard]] std::filesystem::path data_dir() const { return m_dir / "data"; }

    // The managed policy for demo device `index` (0-based), with `overrides` merged in.
    [[nodiscard]] nlohmann::json policy(size_t index, const nlohmann::json& overrides = nlohmann::json::object()) const
    {
        const auto& device = m_demo["devices"].at(index);
        nlohmann::json policy = { { "service_url", url() }, { "tls_spki_pins", pins() },
            { "tenant_root_cert", root_certificate().string() }, { "device_id", device["device_id"] },
            { "enrolment_code", device["enrolment_code"] } };
        for (const auto& [key, value] : overrides.items())
            policy[key] = value;
        return policy;
    }
    [[nodiscard]] std::string device_id(size_t index) const { return m_demo["devices"].at(index)["device_id"]; }

    // A student's login ID and password (0-based among students).
    [[nodiscard]] std::pair<std::string, std::string> student(size_t index) const
    {
        size_t seen = 0;
        for (const auto& account : m_demo["accounts"]) {
            if (account["role"] == "student" && seen++ == index)
                return { account["login_id"], account["password"] };
        }
        return {};
    }
    // The ID of the first sample title of `format` ("pdf" or "epub").
    [[nodiscard]] std::string title(const std::string& format, size_t nth = 0) const
    {
        size_t seen = 0;
        for (const auto& title : m_demo["titles"]) {
            if (title["format"] == format && seen++ == nth)
                return title["id"];
        }
        return {};
    }
    [[nodiscard]] std::vector<std::string> titles() const
    {
        std::vector<std::string> ids;
        for (const auto& title : m_demo["titles"])
            ids.push_back(title["id"]);
        return ids;
    }

    // Runs hondana-admin against the service's data (confirmations answered yes); returns its exit code.
    int admin(const std::vector<std::string>& args, std::string* output = nullptr) const
    {
        std::vector<std::string> argv { HONDANA_ADMIN, "--data", data_dir().string(), "--yes" };
        argv.insert(argv.end(), args.begin(), args.end());
        ChildProcess child(argv);
        int code = child.wait();
        if (output)
            *output = child.output();
        return code;
    }

private:
    static nlohmann::json read_json(const std::filesystem::path& path)
    {
        std::ifstream file(path);
        auto json = nlohmann::json::parse(file, nullptr, false);
        return json.is_discarded() ? nlohmann::json() : json;
    }

    std::filesystem::path m_dir;
    std::unique_ptr<ChildProcess> m_process;
    nlohmann::json m_ready;
    nlohmann::json m_demo;
};

}
