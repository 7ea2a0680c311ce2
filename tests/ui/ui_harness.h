#pragma once

// Runs the reader under xvfb-run with a script and reads back what it
// reported: its state (JSON) and screenshots (decoded PNG).

#include <sys/types.h>

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/demo_setup.h"

namespace hondana::test {

struct Screenshot {
    int width { 0 };
    int height { 0 };
    std::vector<uint8_t> rgb;
    [[nodiscard]] std::array<int, 3> pixel(int x, int y) const;
    // Share of pixels in [x0,x1)×[y0,y1) within `tolerance` of `colour`.
    [[nodiscard]] double share(int x0, int y0, int x1, int y1, std::array<int, 3> colour, int tolerance = 12) const;
};

class UiRun {
public:
    // A fresh working folder (home, outputs) for one test.
    explicit UiRun(const std::string& name);
    // Runs `hondana ARGS --script <script>`; returns its exit status.
    int run(const std::string& script, const std::vector<std::string>& args);
    [[nodiscard]] std::filesystem::path path(const std::string& name) const { return m_dir / name; }
    [[nodiscard]] nlohmann::json state(const std::string& name) const;
    [[nodiscard]] Screenshot screenshot(const std::string& name) const;
    [[nodiscard]] const std::filesystem::path& home() const { return m_home; }
    [[nodiscard]] const std::string& output() const { return m_output; }

private:
    std::filesystem::path m_dir;
    std::filesystem::path m_home;
    std::string m_output;
};

// `hondana-lending --demo` on a loopback port in a fresh folder `dir`,
// started and waited for (up to 60 s); SIGTERM when destroyed.
class DemoLending {
public:
    explicit DemoLending(std::filesystem::path dir);
    ~DemoLending();
    DemoLending(const DemoLending&) = delete;
    DemoLending& operator=(const DemoLending&) = delete;

    // Its address, device codes and accounts; empty when it did not start (see log()).
    [[nodiscard]] const std::optional<client::DemoService>& demo() const { return m_demo; }
    [[nodiscard]] const std::filesystem::path& dir() const { return m_dir; }
    [[nodiscard]] std::filesystem::path log() const { return m_dir / "service.log"; }

private:
    std::filesystem::path m_dir;
    pid_t m_pid { -1 };
    std::optional<client::DemoService> m_demo;
};

// Where the generated sample titles are (made once per test run).
const std::filesystem::path& ui_samples();
// Whether xvfb-run is available (tests skip, naming it, when it is not).
bool have_xvfb();

// A control's rectangle from a state: [x0, y0, x1, y1].
std::array<float, 4> control(const nlohmann::json& state, const std::string& id);

}
