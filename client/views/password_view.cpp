#include "views/password_view.h"

#include <algorithm>
#include <cctype>

#include <imgui.h>

namespace hondana::client {

namespace {

size_t characters(const std::string& text)
{
    return static_cast<size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

// Whether the typed password meets a rule the reader can check itself;
// nullopt for those only the service knows (login ID, common, reused).
std::optional<bool> meets(std::string_view rule, const std::string& password, int min_length)
{
    auto any = [&](int (*test)(int)) {
        return std::any_of(password.begin(), password.end(), [test](char c) {
            auto byte = static_cast<unsigned char>(c);
            return byte < 0x80 && test(byte) != 0;
        });
    };
    if (rule == "min-length")
        return characters(password) >= static_cast<size_t>(min_length);
    if (rule == "upper")
        return any(std::isupper);
    if (rule == "lower")
        return any(std::islower);
    if (rule == "digit")
        return any(std::isdigit);
    if (rule == "symbol")
        return any(std::ispunct) || password.find(' ') != std::string::npos;
    return std::nullopt;
}

void red_text(
    ui::Widgets& widgets, std::string_view key, const std::vector<std::pair<std::string, std::string>>& values = {})
{
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.85f, 0.1f, 0.1f, 1));
    widgets.text_format(key, values);
    ImGui::PopStyleColor();
}

}

void PasswordView::drawContent(const AppState& state)
{
    const auto& account = state.account;
    m_ui.heading("password.title");
    if (!state.online.signed_in) {
        m_ui.text("password.not_signed_in");
        return;
    }
    if (state.online.must_change_password) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.85f, 0.1f, 0.1f, 1));
        m_ui.text("password.must_change");
        ImGui::PopStyleColor();
        ImGui::Spacing();
    }
    if (state.online.network != "trusted")
        m_ui.text("password.online_only");
    bool submit = m_ui.input("password.current", m_current, ui::InputKind::Password);
    submit |= m_ui.input("password.new", m_new, ui::InputKind::Password);
    submit |= m_ui.input("password.confirm", m_confirm, ui::InputKind::Password);
    if (!m_confirm.empty() && m_confirm.size() >= m_new.size() && m_confirm != m_new) // not-secret: typing hint only
        red_text(m_ui, "password.result.mismatch");
    draw_rules(state);
    ImGui::Spacing();
    if (account.changing) {
        m_ui.text("password.in_progress");
    } else if ((m_ui.button("password.submit") || submit) && !m_current.empty() && !m_new.empty()) {
        m_commands.push(command::ChangePassword { m_current, m_new, m_confirm });
        std::fill(m_current.begin(), m_current.end(), '\0');
        m_current.clear();
        m_new.clear();
        m_confirm.clear();
    }
    draw_result(state);
    ImGui::Spacing();
    if (!state.online.must_change_password && m_ui.button("password.back"))
        m_commands.push(command::Navigate { Screen::Settings });
}

void PasswordView::draw_rules(const AppState& state)
{
    m_ui.text("password.rules_hint");
    const auto& broken = state.account.rules;
    for (const char* rule : password_rules) {
        std::string name = m_ui.tr_format(
            std::string("password.rule.") + rule, { { "n", std::to_string(state.account.min_length) } });
        bool named = std::find(broken.begin(), broken.end(), rule) != broken.end();
        auto local = meets(rule, m_new, state.account.min_length);
        if (named && (!local || !*local || m_new.empty()))
            red_text(m_ui, "password.rule_broken", { { "rule", name } });
        else if (local && *local)
            m_ui.text_format("password.rule_met", { { "rule", name } });
        else
            m_ui.text_format("password.rule_todo", { { "rule", name } });
    }
}

void PasswordView::draw_result(const AppState& state)
{
    const auto& account = state.account;
    if (account.result.empty())
        return;
    if (account.result == "changed") {
        m_ui.text_format("password.result.changed", { { "n", std::to_string(account.signed_out) } });
        return;
    }
    if (account.result == "wrong_current" && account.remaining_attempts) {
        red_text(m_ui, "password.result.wrong_current_left", { { "n", std::to_string(*account.remaining_attempts) } });
        return;
    }
    red_text(m_ui, "password.result." + account.result);
}

}
