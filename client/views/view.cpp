#include "views/view.h"

#include <imgui.h>

#include "views/session_banner.h"

namespace hondana::client {

View::View(ui::Widgets& widgets, Commands& commands)
    : m_ui(widgets)
    , m_commands(commands)
{
}

void View::draw(const AppState& state)
{
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(viewport->WorkPos);
    ImGui::SetNextWindowSize(viewport->WorkSize);
    ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings
        | ImGuiWindowFlags_NoBringToFrontOnFocus;
    if (!showsNavigation())
        flags |= ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse;
    ImGui::Begin("##screen", nullptr, flags);
    if (showsNavigation())
        draw_navigation(state);
    draw_banners(state);
    drawContent(state);
    ImGui::End();
}

void View::draw_navigation(const AppState& state)
{
    auto nav = [&](std::string_view key, Screen screen) {
        if (m_ui.toggle(key, state.screen == screen))
            m_commands.push(command::Navigate { screen });
        ImGui::SameLine();
    };
    nav("nav.status", Screen::Status);
    if (state.online.signed_in || state.online.offline_mode || !state.local_books.empty())
        nav("nav.bookshelf", Screen::Bookshelf);
    if (state.online.signed_in && !state.online.offline_mode)
        nav("nav.catalog", Screen::Catalog);
    if (state.classroom.staff && state.online.signed_in && !state.online.offline_mode)
        nav("nav.teacher", Screen::Teacher);
    nav("nav.settings", Screen::Settings);
    if (state.online.signed_in && m_ui.button("nav.signout"))
        m_commands.push(command::SignOut {});
    ImGui::NewLine();
    ImGui::Separator();
}

void View::draw_banners(const AppState& state)
{
    draw_session_banner(m_ui, state);
    if (state.error) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.85f, 0.1f, 0.1f, 1));
        m_ui.text(state.error->message_key);
        ImGui::PopStyleColor();
        m_ui.text_format("error.code", { { "code", state.error->code } });
        m_ui.data_text(state.error->detail);
        if (m_ui.button("common.close", "error"))
            m_commands.push(command::DismissError {});
        ImGui::Separator();
    }
    if (!state.notice_key.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.1f, 0.35f, 0.8f, 1));
        m_ui.text(state.notice_key);
        ImGui::PopStyleColor();
        if (m_ui.button("common.close", "notice"))
            m_commands.push(command::DismissNotice {});
        ImGui::Separator();
    }
}

}
