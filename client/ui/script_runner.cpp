#include "ui/script_runner.h"

#include <SDL.h>
#include <imgui.h>

#include <cmath>
#include <cstring>

#include <filesystem>
#include <fstream>
#include <map>

namespace hondana::client::ui {

namespace {

constexpr double control_timeout_seconds = 20;

std::optional<SDL_Scancode> scancode_for(const std::string& name)
{
    static const std::map<std::string, SDL_Scancode> keys {
        { "Right", SDL_SCANCODE_RIGHT },
        { "Left", SDL_SCANCODE_LEFT },
        { "Up", SDL_SCANCODE_UP },
        { "Down", SDL_SCANCODE_DOWN },
        { "PageDown", SDL_SCANCODE_PAGEDOWN },
        { "PageUp", SDL_SCANCODE_PAGEUP },
        { "Home", SDL_SCANCODE_HOME },
        { "End", SDL_SCANCODE_END },
        { "Escape", SDL_SCANCODE_ESCAPE },
        { "Enter", SDL_SCANCODE_RETURN },
        { "Space", SDL_SCANCODE_SPACE },
        { "plus", SDL_SCANCODE_EQUALS },
        { "minus", SDL_SCANCODE_MINUS },
        { "Tab", SDL_SCANCODE_TAB },
    };
    auto found = keys.find(name);
    if (found == keys.end())
        return std::nullopt;
    return found->second;
}

void push_key(SDL_Scancode code, bool down)
{
    SDL_Event event {};
    event.type = down ? SDL_KEYDOWN : SDL_KEYUP;
    event.key.state = down ? SDL_PRESSED : SDL_RELEASED;
    event.key.keysym.scancode = code;
    event.key.keysym.sym = SDL_GetKeyFromScancode(code);
    SDL_PushEvent(&event);
}

void push_button(bool down, int x, int y)
{
    SDL_Event event {};
    event.type = down ? SDL_MOUSEBUTTONDOWN : SDL_MOUSEBUTTONUP;
    event.button.button = SDL_BUTTON_LEFT;
    event.button.state = down ? SDL_PRESSED : SDL_RELEASED;
    event.button.clicks = 1;
    event.button.x = x;
    event.button.y = y;
    SDL_PushEvent(&event);
}

void push_text(const std::string& text)
{
    // SDL_TEXTINPUT carries at most 31 bytes; split on character boundaries.
    size_t at = 0;
    while (at < text.size()) {
        size_t length = std::min<size_t>(text.size() - at, 28);
        while (at + length < text.size() && (static_cast<unsigned char>(text[at + length]) & 0xC0) == 0x80)
            --length;
        SDL_Event event {};
        event.type = SDL_TEXTINPUT;
        std::memcpy(event.text.text, text.data() + at, length);
        SDL_PushEvent(&event);
        at += length;
    }
}

void push_finger(Uint32 type, float x, float y, float dx)
{
    SDL_Event event {};
    event.type = type;
    event.tfinger.touchId = 1;
    event.tfinger.fingerId = 1;
    event.tfinger.x = x;
    event.tfinger.y = y;
    event.tfinger.dx = dx;
    event.tfinger.pressure = 1;
    SDL_PushEvent(&event);
}

}

ScriptRunner::ScriptRunner(std::vector<ScriptStep> steps, SDL_Window* window)
    : m_steps(std::move(steps))
    , m_window(window)
{
    start_step();
}

void ScriptRunner::start_step()
{
    m_phase = 0;
    m_frames = 0;
    m_started = std::chrono::steady_clock::now();
}

ScriptStatus ScriptRunner::fail(const ScriptStep& step, const std::string& why)
{
    m_failure = "script line " + std::to_string(step.line) + ": " + why;
    return ScriptStatus::Failed;
}

bool ScriptRunner::click_at(float x, float y)
{
    // phase 0: move the pointer; 1: press once ImGui sees the pointer there
    // (the X server delivers the warp a frame or two later); 2: release; 3: done.
    int ix = static_cast<int>(x), iy = static_cast<int>(y);
    if (m_phase == 0) {
        SDL_WarpMouseInWindow(m_window, ix, iy);
    } else if (m_phase == 1) {
        ImVec2 seen = ImGui::GetIO().MousePos;
        bool arrived = std::abs(seen.x - x) < 2 && std::abs(seen.y - y) < 2;
        if (!arrived && ++m_frames < 120) {
            if (m_frames % 20 == 0)
                SDL_WarpMouseInWindow(m_window, ix, iy);
            return false;
        }
        push_button(true, ix, iy);
    } else if (m_phase == 2) {
        push_button(false, ix, iy);
    }
    ++m_phase;
    return m_phase > 3;
}

ScriptStatus ScriptRunner::advance(const nlohmann::json& state, const Widgets& widgets, ScriptRequests& requests)
{
    if (m_next >= m_steps.size())
        return ScriptStatus::Done;
    const ScriptStep& step = m_steps[m_next];
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_started).count();
    bool finished = false;
    switch (step.kind) {
    case StepKind::Click:
    case StepKind::Type: {
        auto rect = widgets.control(step.target);
        if (!rect) {
            if (elapsed > control_timeout_seconds)
                return fail(step, "no control " + step.target + " on screen " + state.value("screen", ""));
            return ScriptStatus::Running;
        }
        if (m_phase == 4) {
            push_text(step.text);
            ++m_phase;
        } else if (m_phase == 5) {
            finished = true;
        } else {
            finished = click_at(rect->center_x(), rect->center_y()) && step.kind == StepKind::Click;
        }
        break;
    }
    case StepKind::ClickAt: {
        int width = 0, height = 0;
        SDL_GetWindowSize(m_window, &width, &height);
        finished = click_at(step.x * static_cast<float>(width), step.y * static_cast<float>(height));
        break;
    }
    case StepKind::Key: {
        auto code = scancode_for(step.target);
        if (!code)
            return fail(step, "unknown key " + step.target);
        push_key(*code, m_phase == 0);
        finished = ++m_phase > 2;
        break;
    }
    case StepKind::Swipe: {
        float from = step.target == "left" ? 0.8f : 0.2f, to = step.target == "left" ? 0.2f : 0.8f;
        if (m_phase == 0)
            push_finger(SDL_FINGERDOWN, from, 0.5f, 0);
        else if (m_phase == 1)
            push_finger(SDL_FINGERMOTION, to, 0.5f, to - from);
        else if (m_phase == 2)
            push_finger(SDL_FINGERUP, to, 0.5f, 0);
        finished = ++m_phase > 3;
        break;
    }
    case StepKind::Wait:
        if (conditions_hold(state, step.conditions))
            finished = true;
        else if (elapsed > step.timeout_seconds)
            return fail(step, "timed out waiting: " + describe_mismatch(state, step.conditions));
        break;
    case StepKind::WaitFile: {
        std::error_code error;
        if (std::filesystem::exists(step.target, error))
            finished = true;
        else if (elapsed > step.timeout_seconds)
            return fail(step, "timed out waiting for " + step.target + " to exist");
        break;
    }
    case StepKind::Expect:
        if (!conditions_hold(state, step.conditions))
            return fail(step, describe_mismatch(state, step.conditions));
        finished = true;
        break;
    case StepKind::Screenshot:
        if (m_phase++ == 0)
            requests.screenshot = step.target;
        else
            finished = true;
        break;
    case StepKind::State: {
        std::ofstream out(step.target, std::ios::trunc);
        out << state.dump(2) << "\n";
        if (!out)
            return fail(step, "cannot write " + step.target);
        finished = true;
        break;
    }
    case StepKind::Frames:
        finished = ++m_frames >= step.count;
        break;
    case StepKind::Quit:
        requests.quit = true;
        finished = true;
        break;
    }
    if (finished) {
        ++m_next;
        start_step();
    }
    return m_next >= m_steps.size() ? ScriptStatus::Done : ScriptStatus::Running;
}

}
