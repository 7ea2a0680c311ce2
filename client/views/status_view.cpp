#include "views/status_view.h"

#include <imgui.h>

namespace hondana::client {

void StatusView::drawContent(const AppState& state)
{
    const auto& online = state.online;
    m_ui.heading("status.title");
    if (!online.policy_loaded) {
        m_ui.text("status.no_policy");
        if (!online.admin_action.empty())
            m_ui.text_format("status.admin_action", { { "action", online.admin_action } });
    } else {
        m_ui.text_format("status.device_id", { { "id", online.device_id } });
        m_ui.text(online.enrolled ? "status.enrolled" : "status.not_enrolled");
        m_ui.text_format("status.network", { { "state", m_ui.tr("status.network." + online.network) } });
        if (!online.network_reason.empty())
            m_ui.data_text(online.network_reason);
        m_ui.text_format("status.policy_source", { { "source", online.policy_source } });
        if (!online.admin_action.empty())
            m_ui.text_format("status.admin_action", { { "action", online.admin_action } });
        if (!online.enrolled && m_ui.button("status.enrol"))
            m_commands.push(command::Enrol {});
        if (online.enrolled && m_ui.button("status.continue"))
            m_commands.push(command::Navigate { Screen::SignIn });
    }
    ImGui::Spacing();
    if (!state.local_books.empty() && m_ui.button("signin.local_books"))
        m_commands.push(command::Navigate { Screen::Bookshelf });
}

}
