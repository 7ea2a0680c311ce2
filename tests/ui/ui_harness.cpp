#include "ui_harness.h"

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#include <stb_image.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "hondana/samples/samples.h"

namespace hondana::test {

std::array<int, 3> Screenshot::pixel(int x, int y) const
{
    x = std::clamp(x, 0, width - 1);
    y = std::clamp(y, 0, height - 1);
    size_t at = (static_cast<size_t>(y) * static_cast<size_t>(width) + static_cast<size_t>(x)) * 3;
    return { rgb[at], rgb[at + 1], rgb[at + 2] };
}

double Screenshot::share(int x0, int y0, int x1, int y1, std::array<int, 3> colour, int tolerance) const
{
    size_t matching = 0, total = 0;
    for (int y = std::max(y0, 0); y < std::min(y1, height); ++y) {
        for (int x = std::max(x0, 0); x < std::min(x1, width); ++x) {
            auto p = pixel(x, y);
            ++total;
            if (std::abs(p[0] - colour[0]) <= tolerance && std::abs(p[1] - colour[1]) <= tolerance
                && std::abs(p[2] - colour[2]) <= tolerance)
                ++matching;
        }
    }
    return total ? static_cast<double>(matching) / static_cast<double>(total) : 0;
}

DemoLending::DemoLending(std::filesystem::path dir)
    : m_dir(std::move(dir))
{
    std::filesystem::remove_all(m_dir);
    std::filesystem::create_directories(m_dir);
    m_pid = fork();
    if (m_pid == 0) {
        auto log = (m_dir / "service.log").string();
        if (!freopen(log.c_str(), "w", stdout) || !freopen(log.c_str(), "a", stderr))
            _exit(126);
        execl(HONDANA_LENDING_EXE, HONDANA_LENDING_EXE, "--demo", (m_dir / "service").c_str(), "--listen",
            "127.0.0.1:0", "--ready-file", (m_dir / "ready.json").c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    for (int i = 0; i < 600 && m_pid > 0 && !std::filesystem::exists(m_dir / "ready.json"); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (auto demo = client::read_demo(m_dir / "ready.json", m_dir / "service" / "demo.json"))
        m_demo = std::move(*demo);
}

DemoLending::~DemoLending()
{
    if (m_pid > 0) {
        kill(m_pid, SIGTERM);
        waitpid(m_pid, nullptr, 0);
    }
}

UiRun::UiRun(const std::string& name)
{
    m_dir = std::filesystem::temp_directory_path() / ("hondana-ui-" + std::to_string(getpid())) / name;
    std::filesystem::remove_all(m_dir);
    m_home = m_dir / "home";
    std::filesystem::create_directories(m_home);
}

int UiRun::run(const std::string& script, const std::vector<std::string>& args)
{
    auto script_path = m_dir / "script.txt";
    std::ofstream(script_path, std::ios::trunc) << script;
    std::string command = "cd '" + m_dir.string() + "' && HOME='" + m_home.string()
        + "' xvfb-run -a -s '-screen 0 1280x800x24' '" + std::string(HONDANA_READER_EXE) + "' --home '"
        + m_home.string() + "' --script '" + script_path.string() + "'";
    for (const auto& arg : args)
        command += " '" + arg + "'";
    command += " 2>&1";
    m_output.clear();
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe)
        return -1;
    char buffer[4096];
    while (size_t count = fread(buffer, 1, sizeof buffer, pipe))
        m_output.append(buffer, count);
    int status = pclose(pipe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

nlohmann::json UiRun::state(const std::string& name) const
{
    std::ifstream in(m_dir / name);
    std::stringstream text;
    text << in.rdbuf();
    return nlohmann::json::parse(text.str(), nullptr, false);
}

Screenshot UiRun::screenshot(const std::string& name) const
{
    Screenshot shot;
    int channels = 0;
    auto path = (m_dir / name).string();
    unsigned char* data = stbi_load(path.c_str(), &shot.width, &shot.height, &channels, 3);
    if (!data) {
        ADD_FAILURE() << "cannot decode " << path;
        return shot;
    }
    shot.rgb.assign(data, data + static_cast<size_t>(shot.width) * static_cast<size_t>(shot.height) * 3);
    stbi_image_free(data);
    return shot;
}

const std::filesystem::path& ui_samples()
{
    static std::once_flag once;
    static std::filesystem::path folder;
    std::call_once(once, [] {
        folder = std::filesystem::temp_directory_path() / ("hondana-ui-" + std::to_string(getpid())) / "samples";
        auto made = samples::make_samples(samples::default_assets_dir(), folder);
        if (!made)
            ADD_FAILURE() << made.error().message;
    });
    return folder;
}

bool have_xvfb()
{
    return std::system("command -v xvfb-run > /dev/null 2>&1") == 0;
}

std::array<float, 4> control(const nlohmann::json& state, const std::string& id)
{
    if (!state.contains("controls") || !state["controls"].contains(id)) {
        ADD_FAILURE() << "no control " << id << " in the state";
        return {};
    }
    auto rect = state["controls"][id];
    return { rect[0].get<float>(), rect[1].get<float>(), rect[2].get<float>(), rect[3].get<float>() };
}

}
