#include "ui/app.h"

#include <SDL.h>
#include <backends/imgui_impl_opengl3.h>
#include <backends/imgui_impl_sdl.h>
#include <imgui.h>

#include <GL/gl.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <thread>

#include "hondana/render/theme.h"
#include "ui/screenshot.h"
#include "views/bookshelf_view.h"
#include "views/catalog_view.h"
#include "views/password_view.h"
#include "views/reader_view.h"
#include "views/settings_view.h"
#include "views/signin_view.h"
#include "views/status_view.h"
#include "views/teacher_console_view.h"

namespace hondana::client {

namespace {

constexpr float base_font_pixels = 20.0f;

// The display's scale against 96 DPI (HONDANA_UI_SCALE overrides), within 1..3.
float display_scale(SDL_Window* window)
{
    if (const char* forced = std::getenv("HONDANA_UI_SCALE"))
        return std::clamp(static_cast<float>(std::atof(forced)), 0.5f, 4.0f);
    float dpi = 96;
    if (SDL_GetDisplayDPI(SDL_GetWindowDisplayIndex(window), &dpi, nullptr, nullptr) != 0 || dpi <= 0)
        return 1.0f;
    return std::clamp(dpi / 96.0f, 1.0f, 3.0f);
}

}

int App::run(const AppOptions& options)
{
    App app(options);
    if (auto failure = app.start(); !failure.empty()) {
        std::cerr << "hondana: " << failure << "\n";
        return 1;
    }
    return app.loop();
}

App::App(const AppOptions& options)
    : m_options(options)
{
}

App::~App()
{
    m_views.clear();
    m_reader.reset();
    m_classroom.reset();
    m_online.reset();
    if (m_window) {
        m_texture_store.reset();
        ImGui_ImplOpenGL3_Shutdown();
        ImGui_ImplSDL2_Shutdown();
        ImGui::DestroyContext();
        SDL_GL_DeleteContext(m_gl_context);
        SDL_DestroyWindow(m_window);
        SDL_Quit();
    }
}

std::string App::start()
{
    auto catalog = MessageCatalog::load(default_assets_dir() / "i18n");
    if (!catalog)
        return catalog.error().message;
    m_catalog = std::move(*catalog);
    auto engine = render::Engine::create();
    if (!engine)
        return engine.error().message;
    m_engine = std::move(*engine);
    m_reader = std::make_unique<ReaderSession>(m_engine, m_queue);

    SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0)
        return std::string("SDL cannot start: ") + SDL_GetError();
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    m_window = SDL_CreateWindow(m_catalog.text("app.title").c_str(), SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
        m_options.width, m_options.height, SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    if (!m_window)
        return std::string("cannot open a window: ") + SDL_GetError();
    m_gl_context = SDL_GL_CreateContext(m_window);
    if (!m_gl_context)
        return std::string("no OpenGL 3.3 context: ") + SDL_GetError();
    SDL_GL_MakeCurrent(m_window, m_gl_context);
    SDL_GL_SetSwapInterval(m_options.script ? 0 : 1);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr; // nothing written to disk
    ImGui_ImplSDL2_InitForOpenGL(m_window, m_gl_context);
    ImGui_ImplOpenGL3_Init("#version 330");
    m_fonts = std::make_unique<ui::FontManager>(ui::find_cjk_font());
    m_widgets = std::make_unique<ui::Widgets>(m_catalog, *m_fonts);
    m_texture_store = std::make_unique<ui::PageTextures>();
    m_textures = m_texture_store.get();
    for (auto language : supported_languages) {
        for (const auto& key : m_catalog.keys(language)) {
            auto previous = m_catalog.language();
            m_catalog.set_language(language);
            m_fonts->note_text(m_catalog.text(key));
            m_catalog.set_language(previous);
        }
    }
    m_state.dpi_scale = display_scale(m_window);
    update_font_size();

    m_views.push_back(std::make_unique<StatusView>(*m_widgets, m_commands));
    m_views.push_back(std::make_unique<SignInView>(*m_widgets, m_commands));
    m_views.push_back(std::make_unique<BookshelfView>(*m_widgets, m_commands, *m_textures));
    m_views.push_back(std::make_unique<CatalogView>(*m_widgets, m_commands));
    m_views.push_back(std::make_unique<ReaderView>(*m_widgets, m_commands, *m_textures));
    m_views.push_back(std::make_unique<SettingsView>(*m_widgets, m_commands));
    m_views.push_back(std::make_unique<TeacherConsoleView>(*m_widgets, m_commands));
    m_views.push_back(std::make_unique<PasswordView>(*m_widgets, m_commands)); // in Screen order

    set_language(m_options.language.value_or("ja"));
    apply_theme_style();
    load_local_books();
    m_local_positions = memory_position_store();
    m_reader->set_position_store(m_local_positions);
    m_online = std::make_unique<OnlineSession>(OnlineOptions { m_options.policy, m_options.home, m_engine }, m_queue);
    m_online->start();
    m_classroom = std::make_unique<ClassSessions>(m_queue, [online = m_online.get()](auto job) { online->post_reader_job(std::move(job)); });
    if (m_options.open) {
        BookSource source { "local:" + m_options.open->filename().string(), *m_options.open, std::nullopt, nullptr };
        if (m_options.passphrase_file) {
            std::ifstream in(*m_options.passphrase_file);
            std::string passphrase;
            std::getline(in, passphrase);
            source.passphrase = passphrase;
        }
        m_reader->open(std::move(source), m_state);
        m_state.screen = Screen::Reader;
    }
    if (m_options.script) {
        auto steps = load_script(*m_options.script);
        if (!steps)
            return steps.error().message;
        m_script = std::make_unique<ui::ScriptRunner>(std::move(*steps), m_window);
    }
    return {};
}

View& App::current_view() { return *m_views[static_cast<size_t>(m_state.screen)]; }

int App::loop()
{
    while (m_running) {
        auto frame_start = std::chrono::steady_clock::now();
        frame();
        if (m_script) {
            // Scripts run without vsync; keep to about 60 frames a second.
            auto spent = std::chrono::steady_clock::now() - frame_start;
            if (spent < std::chrono::milliseconds(16))
                std::this_thread::sleep_for(std::chrono::milliseconds(16) - spent);
        }
    }
    return m_exit_status;
}

void App::frame()
{
    ++m_state.frame;
    if (m_script) {
        ui::ScriptRequests requests;
        auto status = m_script->advance(queried_state(), *m_widgets, requests);
        if (status == ui::ScriptStatus::Failed) {
            auto state = queried_state();
            state.erase("controls");
            std::cerr << "hondana: " << m_script->failure() << "\nhondana: state: " << state.dump() << "\n";
            m_exit_status = 2;
            m_running = false;
            return;
        }
        if (status == ui::ScriptStatus::Done || requests.quit)
            m_running = false;
        if (requests.screenshot)
            m_pending_screenshot = requests.screenshot;
    }
    SDL_Event event;
    while (SDL_PollEvent(&event))
        handle_event(event);
    while (auto work = m_queue.try_pop())
        (*work)(m_state);
    update_classroom();
    if (m_fonts->rebuild_if_needed())
        ImGui::GetStyle().ScaleAllSizes(1.0f);

    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplSDL2_NewFrame();
    ImGui::NewFrame();
    m_widgets->begin_frame();
    current_view().draw(m_state);
    ImGui::Render();
    int width = 0, height = 0;
    SDL_GL_GetDrawableSize(m_window, &width, &height);
    glViewport(0, 0, width, height);
    auto paper = render::theme_colors(m_state.theme).paper;
    glClearColor(paper[0] / 255.0f, paper[1] / 255.0f, paper[2] / 255.0f, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    if (m_pending_screenshot) {
        auto failure = ui::write_screenshot(m_engine, width, height, *m_pending_screenshot);
        if (!failure.empty())
            std::cerr << "hondana: screenshot: " << failure << "\n";
        m_pending_screenshot.reset();
    }
    SDL_GL_SwapWindow(m_window);
    m_textures->end_frame();
    if (m_options.report_startup) {
        auto elapsed = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - m_options.started);
        if (!m_first_frame_reported)
            std::cout << "startup_to_first_frame_ms " << elapsed.count() << " screen " << screen_name(m_state.screen) << std::endl;
        if (!m_signin_reported && m_state.screen == Screen::SignIn) {
            m_signin_reported = true;
            std::cout << "startup_to_signin_ms " << elapsed.count() << std::endl;
        }
    }
    m_first_frame_reported = true;
    for (auto& command : m_commands.take())
        apply(std::move(command));
}

void App::handle_event(const SDL_Event& event)
{
    ImGui_ImplSDL2_ProcessEvent(&event);
    switch (event.type) {
    case SDL_QUIT:
        m_running = false;
        break;
    case SDL_FINGERDOWN:
        m_touch_start_x = event.tfinger.x;
        break;
    case SDL_FINGERUP:
        // A horizontal swipe turns the page: towards the left goes forward in
        // left-to-right books and back in right-to-left ones.
        if (m_touch_start_x && m_state.screen == Screen::Reader) {
            float dx = event.tfinger.x - *m_touch_start_x;
            bool rtl = m_state.reader.progression == render::ReadingProgression::RightToLeft;
            if (std::abs(dx) > 0.15f)
                m_commands.push(command::TurnPage { (dx < 0) != rtl ? 1 : -1 });
        }
        m_touch_start_x.reset();
        break;
    case SDL_MULTIGESTURE:
        if (m_state.screen == Screen::Reader && std::abs(event.mgesture.dDist) > 0.002f)
            m_commands.push(command::Zoom { 1.0f + event.mgesture.dDist * 2.0f });
        m_touch_start_x.reset();
        break;
    default:
        break;
    }
}

nlohmann::json App::queried_state() const
{
    auto state = to_json(m_state);
    nlohmann::json controls = nlohmann::json::object();
    for (const auto& id : m_widgets->control_ids()) {
        auto rect = m_widgets->control(id);
        controls[id] = { rect->x0, rect->y0, rect->x1, rect->y1 };
    }
    state["controls"] = controls;
    bool ready = !m_state.reader.requested.empty();
    for (const auto& key : m_state.reader.requested) {
        auto found = m_state.reader.images.find({ key.page, key.scale_milli });
        ready = ready && found != m_state.reader.images.end() && found->second->theme == m_state.theme;
    }
    state["pages_ready"] = ready;
    state["missing_messages"] = m_catalog.missing_keys().size();
    state["missing_keys"] = m_catalog.missing_keys();
    return state;
}

void App::update_font_size()
{
    m_fonts->set_pixel_size(std::round(base_font_pixels * m_state.dpi_scale * m_state.ui_text_scale));
}

void App::set_language(const std::string& language)
{
    m_catalog.set_language(language);
    m_state.language = m_catalog.language();
    SDL_SetWindowTitle(m_window, m_catalog.text("app.title").c_str());
}

void App::apply_theme_style()
{
    auto colors = render::theme_colors(m_state.theme);
    bool dark = m_state.theme == render::Theme::Night || m_state.theme == render::Theme::HighContrast;
    if (dark)
        ImGui::StyleColorsDark();
    else
        ImGui::StyleColorsLight();
    auto& style = ImGui::GetStyle();
    style.Colors[ImGuiCol_WindowBg] = ImVec4(colors.paper[0] / 255.0f, colors.paper[1] / 255.0f, colors.paper[2] / 255.0f, 1);
    style.Colors[ImGuiCol_Text] = ImVec4(colors.ink[0] / 255.0f, colors.ink[1] / 255.0f, colors.ink[2] / 255.0f, 1);
    style.FrameRounding = 4;
    // Text fields are white on white paper without a border: every frame gets one.
    style.FrameBorderSize = 1;
    style.Colors[ImGuiCol_Border] = dark ? ImVec4(0.75f, 0.75f, 0.75f, 0.8f) : ImVec4(0.35f, 0.35f, 0.35f, 0.8f);
    style.FramePadding = ImVec2(10, 6);
    style.ItemSpacing = ImVec2(10, 8);
}

void App::load_local_books()
{
    for (const auto& entry : m_options.local_books) {
        std::vector<std::filesystem::path> files;
        std::error_code error;
        if (std::filesystem::is_directory(entry, error)) {
            for (const auto& file : std::filesystem::directory_iterator(entry, error))
                files.push_back(file.path());
        } else {
            files.push_back(entry);
        }
        std::sort(files.begin(), files.end());
        for (const auto& file : files) {
            auto extension = file.extension().string();
            if (extension != ".pdf" && extension != ".epub" && extension != ".lcpdf")
                continue;
            m_state.local_books.push_back({ file.stem().string(), file.stem().string(), file.string() });
        }
    }
}

}
