#include "ui/widgets.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include "ui/fonts.h"

namespace hondana::client::ui {

Widgets::Widgets(const MessageCatalog& catalog, FontManager& fonts)
    : m_catalog(catalog)
    , m_fonts(fonts)
{
}

void Widgets::begin_frame() { m_previous = std::exchange(m_current, {}); }

std::optional<ControlRect> Widgets::control(std::string_view id) const
{
    auto found = m_previous.find(id);
    if (found == m_previous.end())
        return std::nullopt;
    return found->second;
}

std::vector<std::string> Widgets::control_ids() const
{
    std::vector<std::string> ids;
    for (const auto& [id, rect] : m_previous)
        ids.push_back(id);
    return ids;
}

const std::string& Widgets::tr(std::string_view key) const
{
    const auto& text = m_catalog.text(key);
    m_fonts.note_text(text);
    return text;
}

std::string Widgets::tr_format(std::string_view key, const std::vector<std::pair<std::string, std::string>>& values) const
{
    auto text = m_catalog.format(key, values);
    m_fonts.note_text(text);
    return text;
}

std::string Widgets::control_id(std::string_view key, std::string_view item)
{
    return item.empty() ? std::string(key) : std::string(key) + ":" + std::string(item);
}

void Widgets::register_last(std::string_view id)
{
    ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
    register_rect(id, { min.x, min.y, max.x, max.y });
}

void Widgets::register_rect(std::string_view id, ControlRect rect) { m_current[std::string(id)] = rect; }

bool Widgets::button(std::string_view key, std::string_view item)
{
    auto id = control_id(key, item);
    bool pressed = ImGui::Button((tr(key) + "##" + id).c_str());
    register_last(id);
    return pressed;
}

bool Widgets::toggle(std::string_view key, bool active, std::string_view item)
{
    if (active)
        ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
    bool pressed = button(key, item);
    if (active)
        ImGui::PopStyleColor();
    return pressed;
}

bool Widgets::input(std::string_view key, std::string& value, InputKind kind)
{
    auto id = control_id(key, {});
    ImGuiInputTextFlags flags = kind == InputKind::Password ? ImGuiInputTextFlags_Password
        : kind == InputKind::Digits                          ? ImGuiInputTextFlags_CharsDecimal
                                                             : ImGuiInputTextFlags_None;
    ImGui::TextUnformatted(tr(key).c_str());
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 18);
    bool changed = ImGui::InputText(("##" + id).c_str(), &value, flags | ImGuiInputTextFlags_EnterReturnsTrue);
    register_last(id);
    m_fonts.note_text(value);
    return changed;
}

void Widgets::text(std::string_view key) { ImGui::TextWrapped("%s", tr(key).c_str()); }

void Widgets::text_format(std::string_view key, const std::vector<std::pair<std::string, std::string>>& values)
{
    ImGui::TextWrapped("%s", tr_format(key, values).c_str());
}

void Widgets::heading(std::string_view key)
{
    ImGui::SetWindowFontScale(1.4f);
    ImGui::TextUnformatted(tr(key).c_str());
    ImGui::SetWindowFontScale(1.0f);
    ImGui::Separator();
}

void Widgets::data_text(std::string_view text)
{
    m_fonts.note_text(text);
    ImGui::TextWrapped("%.*s", static_cast<int>(text.size()), text.data());
}

bool Widgets::data_row(std::string_view id, std::string_view text, bool selected)
{
    m_fonts.note_text(text);
    bool clicked = ImGui::Selectable((std::string(text) + "##" + std::string(id)).c_str(), selected);
    register_last(id);
    return clicked;
}

}
