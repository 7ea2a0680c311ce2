#pragma once

// The demo tenant (`hondana-lending --demo DIR`): one school, two classes of
// students, a teacher and an admin with TOTP, registered devices with
// enrolment codes, and sample titles. Everything a reader's managed policy
// needs is written to DIR/demo.json and printed.

#include <filesystem>

#include <nlohmann/json.hpp>

#include "lending/error.h"
#include "lending/lending_service.h"

namespace hondana::app {

// Creates the demo data directory when `dir` has none; otherwise reads its
// demo.json. Returns the summary (accounts, devices, codes, TOTP secrets).
[[nodiscard]] lending::Result<nlohmann::json> prepare_demo(
    const std::filesystem::path& dir, const lending::Clock& clock);

// The summary for people, with the pins and the managed-policy values.
void print_demo(const nlohmann::json& summary, const lending::LendingService& service, const std::string& service_url,
    std::ostream& out);

}
