#pragma once

// Runs a `--script` one step at a time, between frames, by putting input
// into SDL's event queue (and warping the pointer), so ImGui sees exactly
// what it sees when a person clicks, types or swipes.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/app_state.h"
#include "core/script.h"
#include "ui/widgets.h"

struct SDL_Window;

namespace hondana::client::ui {

enum class ScriptStatus { Running, Done, Failed };

// What the App must do for the runner this frame.
struct ScriptRequests {
    std::optional<std::filesystem::path> screenshot;
    bool quit { false };
};

class ScriptRunner {
public:
    ScriptRunner(std::vector<ScriptStep> steps, SDL_Window* window);
    // Advances by at most one step. `state` is the queried state (to_json plus controls).
    ScriptStatus advance(const nlohmann::json& state, const Widgets& widgets, ScriptRequests& requests);
    [[nodiscard]] const std::string& failure() const { return m_failure; }

private:
    ScriptStatus fail(const ScriptStep& step, const std::string& why);
    bool click_at(float x, float y);
    void start_step();

    std::vector<ScriptStep> m_steps;
    SDL_Window* m_window;
    size_t m_next { 0 };
    int m_phase { 0 };
    int m_frames { 0 };
    std::chrono::steady_clock::time_point m_started;
    std::string m_failure;
};

}
