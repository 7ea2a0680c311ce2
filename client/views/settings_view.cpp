#include "views/settings_view.h"

#include <imgui.h>

#include "hondana/render/engine.h"
#include "hondana/render/theme.h"

namespace hondana::client {

void SettingsView::drawContent(const AppState& state)
{
    m_ui.heading("settings.title");
    m_ui.text("settings.language");
    for (auto language : supported_languages) {
        if (m_ui.toggle("language." + std::string(language), state.language == language))
            m_commands.push(command::SetLanguage { std::string(language) });
        ImGui::SameLine();
    }
    ImGui::NewLine();
    m_ui.text("settings.ui_text_size");
    if (m_ui.button("reader.text_smaller", "ui"))
        m_commands.push(command::SetUiTextScale { state.ui_text_scale - 0.1f });
    ImGui::SameLine();
    if (m_ui.button("reader.text_larger", "ui"))
        m_commands.push(command::SetUiTextScale { state.ui_text_scale + 0.1f });
    m_ui.text("settings.theme");
    for (auto theme : { render::Theme::Normal, render::Theme::Sepia, render::Theme::Night, render::Theme::HighContrast }) {
        std::string key = "theme." + std::string(theme_name(theme));
        if (m_ui.toggle(key, state.theme == theme, "settings"))
            m_commands.push(command::SetTheme { theme });
        ImGui::SameLine();
    }
    ImGui::NewLine();
    if (state.online.signed_in) {
        ImGui::Separator();
        m_ui.heading("settings.account");
        m_ui.text_format("settings.signed_in_as", { { "name", state.online.user_name } });
        if (m_ui.button("settings.change_password"))
            m_commands.push(command::Navigate { Screen::Password });
    }
    ImGui::Separator();
    m_ui.heading("settings.about");
    m_ui.text_format("settings.version", { { "version", HONDANA_VERSION } });
    m_ui.text_format("settings.policy_source",
        { { "source", state.online.policy_source.empty() ? m_ui.tr("status.no_policy") : state.online.policy_source } });
    m_ui.text_format("settings.renderer", { { "version", std::string(render::mupdf_version()) } });
}

}
