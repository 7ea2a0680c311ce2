#include "views/session_banner.h"

#include <imgui.h>

namespace hondana::client {

void draw_session_banner(ui::Widgets& ui, const AppState& state)
{
    const auto* session = banner_session(state.classroom);
    if (!session)
        return;
    std::vector<std::pair<std::string, std::string>> values { { "teacher", session->teacher },
        { "class", session->class_name }, { "title", session->title } };
    ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0.86f, 0.93f, 1.0f, 1));
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.05f, 0.2f, 0.45f, 1));
    float height = ImGui::GetTextLineHeightWithSpacing() * (session->problem.empty() ? 1.6f : 2.6f);
    ImGui::BeginChild("##session_banner", ImVec2(0, height), false);
    if (session->state == "live") {
        ui.text_format("session.banner", values);
        if (session->mode == "guided") {
            ImGui::SameLine();
            ui.text("session.banner_guided");
        }
    } else {
        ui.text_format(session->content_ready ? "session.banner_ready" : "session.banner_preparing", values);
    }
    if (!session->problem.empty())
        ui.text_format("session.problem", { { "detail", session->problem } });
    ImGui::EndChild();
    ui.register_last("area.session_banner");
    ImGui::PopStyleColor(2);
}

}
