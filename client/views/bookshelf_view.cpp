#include "views/bookshelf_view.h"

#include <imgui.h>

#include "ui/page_textures.h"

namespace hondana::client {

BookshelfView::BookshelfView(ui::Widgets& widgets, Commands& commands, ui::PageTextures& textures)
    : View(widgets, commands)
    , m_textures(textures)
{
}

void BookshelfView::draw_cover(const AppState& state, const LoanView& loan)
{
    float scale = state.dpi_scale * state.ui_text_scale;
    ImVec2 size(static_cast<float>(cover_width) * scale, static_cast<float>(cover_height) * scale);
    ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImVec2 p1(p0.x + size.x, p0.y + size.y);
    auto* draw = ImGui::GetWindowDrawList();
    if (auto texture = m_textures.texture(loan.cover))
        draw->AddImage(reinterpret_cast<ImTextureID>(texture), p0, p1);
    else
        draw->AddRect(p0, p1, ImGui::GetColorU32(ImGuiCol_Border));
    ImGui::Dummy(size);
    m_ui.register_rect("area.cover:" + loan.title_id, { p0.x, p0.y, p1.x, p1.y });
}

void BookshelfView::draw_loan(const AppState& state, const LoanView& loan)
{
    const auto& online = state.online;
    ImGui::PushID(loan.title_id.c_str());
    draw_cover(state, loan);
    ImGui::SameLine();
    ImGui::BeginGroup();
    m_ui.data_text(loan.title);
    m_ui.text_format("bookshelf.due", { { "date", loan.due.substr(0, 10) } });
    if (loan.ready_offline) {
        m_ui.text("bookshelf.ready_offline");
        if (m_ui.button("bookshelf.open", loan.title_id))
            m_commands.push(command::OpenLoan { loan.title_id });
        ImGui::SameLine();
    } else if (loan.download_percent) {
        m_ui.text_format("bookshelf.downloading", { { "percent", std::to_string(*loan.download_percent) } });
        ImGui::ProgressBar(static_cast<float>(*loan.download_percent) / 100.0f);
    } else if (!online.offline_mode && m_ui.button("bookshelf.download", loan.title_id)) {
        m_commands.push(command::Download { loan.title_id });
    }
    if (!online.offline_mode && m_ui.button("bookshelf.return", loan.loan_id))
        m_commands.push(command::ReturnLoan { loan.loan_id });
    ImGui::EndGroup();
    ImGui::Separator();
    ImGui::PopID();
}

void BookshelfView::drawContent(const AppState& state)
{
    const auto& online = state.online;
    m_ui.heading("bookshelf.title");
    if (state.reader.opening)
        m_ui.text("reader.opening");
    if (online.signed_in || online.offline_mode) {
        m_ui.text("bookshelf.loans");
        if (online.loans.empty())
            m_ui.text("bookshelf.empty");
        for (const auto& loan : online.loans)
            draw_loan(state, loan);
        if (!online.reservations.empty()) {
            m_ui.text("bookshelf.reservations");
            for (const auto& reservation : online.reservations) {
                m_ui.data_text(reservation.title);
                m_ui.text_format("bookshelf.queue_position", { { "n", std::to_string(reservation.position) } });
            }
        }
    }
    if (!state.local_books.empty()) {
        ImGui::Spacing();
        m_ui.text("bookshelf.local");
        for (const auto& book : state.local_books) {
            ImGui::PushID(book.id.c_str());
            m_ui.data_text(book.title);
            if (m_ui.button("bookshelf.open", book.id))
                m_commands.push(command::OpenLocalBook { book.path });
            ImGui::Separator();
            ImGui::PopID();
        }
    }
}

}
