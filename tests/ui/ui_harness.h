#pragma once

// Runs the reader under xvfb-run with a script and reads back what it
// reported: its state (JSON) and screenshots (decoded PNG).

#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

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

// Where the generated sample titles are (made once per test run).
const std::filesystem::path& ui_samples();
// Whether xvfb-run is available (tests skip, naming it, when it is not).
bool have_xvfb();

// A control's rectangle from a state: [x0, y0, x1, y1].
std::array<float, 4> control(const nlohmann::json& state, const std::string& id);

}
