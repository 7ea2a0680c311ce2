#include "views/catalog_view.h"

#include <imgui.h>

namespace hondana::client {

void CatalogView::drawContent(const AppState& state)
{
    m_ui.heading("catalog.title");
    bool search = m_ui.input("catalog.query", m_query);
    ImGui::SameLine();
    if (m_ui.button("catalog.search") || search)
        m_commands.push(command::CatalogSearch { m_query });
    if (state.online.catalog_loading)
        m_ui.text("common.loading");
    else if (state.online.catalog.empty())
        m_ui.text("catalog.none");
    for (const auto& item : state.online.catalog) {
        ImGui::PushID(item.id.c_str());
        m_ui.data_text(item.title);
        if (!item.author.empty())
            m_ui.data_text(item.author);
        m_ui.text_format("catalog.available",
            { { "n", std::to_string(item.available) }, { "m", std::to_string(item.copies) } });
        if (item.available > 0) {
            if (m_ui.button("catalog.borrow", item.id))
                m_commands.push(command::Borrow { item.id });
        } else {
            m_ui.text_format("catalog.queue", { { "n", std::to_string(item.queue) } });
            if (m_ui.button("catalog.reserve", item.id))
                m_commands.push(command::Reserve { item.id });
        }
        ImGui::Separator();
        ImGui::PopID();
    }
}

}
