#include "views/signin_view.h"

#include <imgui.h>

namespace hondana::client {

void SignInView::drawContent(const AppState& state)
{
    const auto& online = state.online;
    m_ui.heading("signin.title");
    bool trusted = online.network == "trusted";
    if (!trusted)
        m_ui.text("signin.offline_note");
    bool submit = m_ui.input("signin.login_id", m_login_id);
    submit |= m_ui.input("signin.password", m_password, ui::InputKind::Password);
    if (online.totp_required)
        submit |= m_ui.input("signin.totp", m_totp, ui::InputKind::Digits);
    if (trusted && m_ui.toggle("signin.keep_data", m_keep_data))
        m_keep_data = !m_keep_data;
    if (trusted && m_keep_data)
        submit |= m_ui.input("signin.previous_password", m_previous, ui::InputKind::Password);
    if (online.locked) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.85f, 0.1f, 0.1f, 1));
        m_ui.text("signin.locked");
        ImGui::PopStyleColor();
    } else if (online.remaining_attempts) {
        m_ui.text_format("signin.remaining_attempts", { { "n", std::to_string(*online.remaining_attempts) } });
    }
    if (online.totp_required && m_totp.empty())
        m_ui.text("signin.totp_required");
    if (online.signing_in) {
        m_ui.text("signin.in_progress");
        return;
    }
    if (trusted && (m_ui.button("signin.submit") || submit)) {
        m_commands.push(command::SignIn { m_login_id, m_password, m_totp, m_keep_data ? m_previous : std::string() });
        m_password.clear();
        m_totp.clear();
        m_previous.clear();
    }
    if (!trusted && online.policy_loaded && m_ui.button("signin.offline")) {
        m_commands.push(command::SignInOffline { m_login_id, m_password });
        m_password.clear();
    }
    ImGui::Spacing();
    if (!state.local_books.empty() && m_ui.button("signin.local_books"))
        m_commands.push(command::Navigate { Screen::Bookshelf });
}

}
