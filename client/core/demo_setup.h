#pragma once

// The demo and the online UI tests start `hondana-lending --demo` on
// loopback; this reads what it reports (its ready file and demo.json) and
// writes the reader's managed policy and the scripted walk-through.

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hondana/base/result.h"

namespace hondana::client {

enum class DemoError { Unreadable, Malformed };
template<typename T>
using DemoResult = base::Result<T, DemoError>;

struct DemoDevice {
    std::string device_id;
    std::string enrolment_code;
};

struct DemoAccount {
    std::string login_id;
    std::string password;
    std::string role;
};

struct DemoTitle {
    std::string id;
    std::string title;
    std::string format;
};

struct DemoService {
    std::string service_url;
    std::vector<std::string> pins;
    std::string root_certificate;
    std::vector<DemoDevice> devices;
    std::vector<DemoAccount> accounts;
    std::vector<DemoTitle> titles;
};

// Reads the service's ready file (--ready-file) and the demo's demo.json.
[[nodiscard]] DemoResult<DemoService> read_demo(const std::filesystem::path& ready_file, const std::filesystem::path& demo_json);

// A managed policy for device `device` (an index into `devices`).
[[nodiscard]] nlohmann::json demo_policy(const DemoService& demo, size_t device, const std::string& language);

// The scripted walk-through for a headless demo: enrol, sign in as `account`,
// borrow and download `title`, open it, turn pages; a screenshot at each
// step into `screenshots` (status, signin, catalog, bookshelf, reader-*).
[[nodiscard]] std::string demo_script(const DemoAccount& account, const DemoTitle& title, const std::filesystem::path& screenshots);

}
