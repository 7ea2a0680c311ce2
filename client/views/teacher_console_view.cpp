#include "views/teacher_console_view.h"

#include <imgui.h>

#include <charconv>

namespace hondana::client {

namespace {

command::Classroom action_on(command::Classroom::Action action, const std::string& session_id)
{
    command::Classroom command;
    command.action = action;
    command.session_id = session_id;
    return command;
}

// A positive number typed in a field, else `fallback`.
int number_or(const std::string& text, int fallback)
{
    int value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc {} && end == text.data() + text.size() && value >= 0 ? value : fallback;
}

}

void TeacherConsoleView::drawContent(const AppState& state)
{
    m_ui.heading("session.console.title");
    draw_stream(state);
    const auto& classroom = state.classroom;
    if (!classroom.refusal.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.85f, 0.1f, 0.1f, 1));
        m_ui.text("session.refused");
        ImGui::PopStyleColor();
        m_ui.text_format("error.code", { { "code", classroom.refusal_code } });
        if (classroom.refusal_code.starts_with("session."))
            m_ui.text(classroom.refusal_code); // the console's own refusals are in the catalog
        else
            m_ui.data_text(classroom.refusal);
    }
    if (classroom.busy)
        m_ui.text("common.loading");
    ImGui::Separator();
    if (classroom.sessions.empty()) {
        m_ui.text("session.none");
        draw_new_session(state);
        return;
    }
    for (const auto& session : classroom.sessions)
        draw_session(state, session);
}

void TeacherConsoleView::draw_stream(const AppState& state)
{
    const auto& classroom = state.classroom;
    m_ui.text_format("session.stream", { { "state", m_ui.tr("session.stream." + classroom.stream) } });
    if (classroom.stream == "waiting")
        m_ui.text_format("session.retry_in", { { "seconds", std::to_string((classroom.retry_in_ms + 999) / 1000) } });
    if (!classroom.stream_error.empty() && classroom.stream != "connected")
        m_ui.data_text(classroom.stream_error);
}

void TeacherConsoleView::draw_new_session(const AppState& state)
{
    m_ui.text("session.class");
    for (const auto& name : state.classroom.classes) {
        if (m_ui.toggle("session.class_pick", m_class == name, name))
            m_class = name;
        ImGui::SameLine();
        m_ui.data_text(name);
    }
    m_ui.text("session.title_pick");
    if (state.online.catalog.empty() && m_ui.button("session.load_titles"))
        m_commands.push(command::CatalogSearch { "" });
    for (const auto& item : state.online.catalog) {
        if (m_ui.data_row("session.title_pick:" + item.id, item.title, m_title_id == item.id))
            m_title_id = item.id;
    }
    m_ui.input("session.start_page", m_start_page, ui::InputKind::Digits);
    m_ui.text("session.mode");
    for (const char* mode : { "free", "guided" }) {
        ImGui::SameLine();
        if (m_ui.toggle(std::string("session.mode.") + mode, m_mode == mode))
            m_mode = mode;
    }
    m_ui.input("session.start_at", m_start_at, ui::InputKind::Text);
    auto start_at = parse_local_clock(m_start_at);
    bool start_at_ok = m_start_at.empty() || start_at;
    if (!start_at_ok) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.85f, 0.1f, 0.1f, 1));
        m_ui.text("session.start_at_invalid");
        ImGui::PopStyleColor();
    }
    ImGui::BeginDisabled(start_at.has_value());
    m_ui.input("session.start_in", m_start_in, ui::InputKind::Digits);
    ImGui::EndDisabled();
    bool ready = !m_class.empty() && !m_title_id.empty() && !state.classroom.busy && start_at_ok;
    ImGui::BeginDisabled(!ready);
    if (m_ui.button("session.create")) {
        command::Classroom create;
        create.start_at_minute = start_at;
        create.action = command::Classroom::Action::Create;
        create.class_name = m_class;
        create.title_id = m_title_id;
        create.page = std::max(1, number_or(m_start_page, 1));
        create.mode = m_mode;
        create.start_in_minutes = number_or(m_start_in, 0);
        m_commands.push(create);
    }
    ImGui::EndDisabled();
}

void TeacherConsoleView::draw_session(const AppState& state, const ClassroomSession& session)
{
    ImGui::PushID(session.id.c_str());
    m_ui.data_text(session.title);
    m_ui.text_format("session.summary",
        { { "class", session.class_name }, { "state", m_ui.tr("session.state." + session.state) },
            { "mode", m_ui.tr("session.mode." + session.mode) }, { "page", std::to_string(session.page) } });
    if (session.state == "scheduled") {
        auto now = base::now_utc();
        m_ui.text_format("session.scheduled_at",
            { { "at", local_clock_text(session.start_at, now, local_utc_offset_minutes(now)) } });
        if (m_ui.button("session.start_now"))
            m_commands.push(action_on(command::Classroom::Action::StartNow, session.id));
        ImGui::SameLine();
    }
    if (session.state == "live" && session.mode == "guided") {
        const auto& reader = state.reader;
        bool mine = reader.open && reader.book_id == session.title_id;
        m_ui.input("session.guide_page", m_guide_page, ui::InputKind::Digits);
        ImGui::SameLine();
        if (m_ui.button(mine ? "session.guide_mine" : "session.guide")) {
            auto guide = action_on(command::Classroom::Action::Guide, session.id);
            guide.page = mine ? reader.page + 1 : std::max(1, number_or(m_guide_page, session.page));
            m_commands.push(guide);
        }
        ImGui::SameLine();
    }
    if (m_ui.button("session.end"))
        m_commands.push(action_on(command::Classroom::Action::End, session.id));
    draw_roster(session);
    ImGui::Separator();
    ImGui::PopID();
}

void TeacherConsoleView::draw_roster(const ClassroomSession& session)
{
    m_ui.text("session.roster");
    if (!ImGui::BeginTable("##roster", 3, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg))
        return;
    for (const auto& row : session.roster) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        m_ui.data_text(row.display_name);
        ImGui::TableNextColumn();
        bool behind = row.state != "reading" && session.state == "live";
        if (behind)
            ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.8f, 0.35f, 0.0f, 1));
        m_ui.text("session.student." + row.state);
        if (behind)
            ImGui::PopStyleColor();
        ImGui::TableNextColumn();
        if (row.page)
            m_ui.text_format("session.student_page", { { "page", std::to_string(*row.page) } });
    }
    ImGui::EndTable();
}

}
