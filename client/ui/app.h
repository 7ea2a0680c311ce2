#pragma once

// The reader application: the SDL2 window with its OpenGL 3 context, Dear
// ImGui, the views, and the state they draw. The main thread only draws and
// handles input; books open and render on workers (ReaderSession), network
// and store work runs on the online worker, and both report back through the
// MainQueue.

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/app_state.h"
#include "core/commands.h"
#include "core/message_catalog.h"
#include "core/class_session.h"
#include "core/online_session.h"
#include "core/reader_session.h"
#include "ui/fonts.h"
#include "ui/page_textures.h"
#include "ui/script_runner.h"
#include "ui/widgets.h"

struct SDL_Window;
union SDL_Event;

namespace hondana::client {

class View;

struct AppOptions {
    std::optional<std::filesystem::path> script;
    std::optional<std::filesystem::path> policy;
    std::optional<std::filesystem::path> home;
    std::optional<std::filesystem::path> open;
    std::optional<std::filesystem::path> passphrase_file; // LCP basic-profile passphrase for --open
    std::vector<std::filesystem::path> local_books;       // files or folders shown on the bookshelf
    std::optional<std::string> language;
    int width { 1280 };
    int height { 800 };
    bool report_startup { false };
    std::chrono::steady_clock::time_point started { std::chrono::steady_clock::now() };
};

class App {
public:
    // Runs until the window closes or the script ends; returns the exit status
    // (0, 1 when the reader cannot start, 2 when a script step failed).
    static int run(const AppOptions& options);
    ~App();

private:
    explicit App(const AppOptions& options);
    [[nodiscard]] std::string start();
    int loop();
    void frame();
    void handle_event(const SDL_Event& event);
    void apply(Command command);
    void apply_reader(Command& command);
    void turn_page(int delta);
    void go_to_page(int page);
    void after_page_change(int previous);
    void set_language(const std::string& language);
    void update_font_size();
    void apply_theme_style();
    void load_local_books();
    // Class sessions: the stream follows sign-in; a session opens the book and follows the page (app_classroom.cpp).
    void update_classroom();
    [[nodiscard]] View& current_view();
    [[nodiscard]] nlohmann::json queried_state() const;

    AppOptions m_options;
    AppState m_state;
    MainQueue m_queue;
    Commands m_commands;
    MessageCatalog m_catalog;
    std::shared_ptr<render::Engine> m_engine;
    std::unique_ptr<ReaderSession> m_reader;
    std::unique_ptr<OnlineSession> m_online;
    std::unique_ptr<ClassSessions> m_classroom;
    std::shared_ptr<PositionStore> m_local_positions; // while nobody is signed in (memory only)
    std::unique_ptr<ui::FontManager> m_fonts;
    std::unique_ptr<ui::Widgets> m_widgets;
    ui::PageTextures* m_textures { nullptr };
    std::vector<std::unique_ptr<View>> m_views;
    std::unique_ptr<ui::PageTextures> m_texture_store;
    std::unique_ptr<ui::ScriptRunner> m_script;
    std::optional<std::filesystem::path> m_pending_screenshot;
    SDL_Window* m_window { nullptr };
    void* m_gl_context { nullptr };
    bool m_running { true };
    int m_exit_status { 0 };
    bool m_first_frame_reported { false };
    bool m_signin_reported { false };
    std::optional<float> m_touch_start_x;
};

}
