#pragma once

// The only way views put words on screen: every label is a catalog key, so
// nothing untranslated is drawn, and every control is registered under its
// ID (the key, or key:item) with its rectangle so `--script` can click it
// through the same input path a person uses. Text that is data (a book's
// title, an error detail) goes through `data_text`, never a literal.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/message_catalog.h"

namespace hondana::client::ui {

class FontManager;

struct ControlRect {
    float x0 { 0 }, y0 { 0 }, x1 { 0 }, y1 { 0 };
    [[nodiscard]] float center_x() const { return (x0 + x1) / 2; }
    [[nodiscard]] float center_y() const { return (y0 + y1) / 2; }
};

enum class InputKind { Text, Password, Digits };

class Widgets {
public:
    Widgets(const MessageCatalog& catalog, FontManager& fonts);

    // Starts a frame: this frame's controls replace the last frame's.
    void begin_frame();
    // Where control `id` was drawn last frame.
    [[nodiscard]] std::optional<ControlRect> control(std::string_view id) const;
    [[nodiscard]] std::vector<std::string> control_ids() const;

    [[nodiscard]] const std::string& tr(std::string_view key) const;
    [[nodiscard]] std::string tr_format(std::string_view key, const std::vector<std::pair<std::string, std::string>>& values) const;

    bool button(std::string_view key, std::string_view item = {});
    // A button that looks pressed when `active`.
    bool toggle(std::string_view key, bool active, std::string_view item = {});
    bool input(std::string_view key, std::string& value, InputKind kind = InputKind::Text);
    void text(std::string_view key);
    void text_format(std::string_view key, const std::vector<std::pair<std::string, std::string>>& values);
    void heading(std::string_view key);
    // Text that is data, not UI wording (titles, details).
    void data_text(std::string_view text);
    // A selectable row showing data (a contents entry, a search hit).
    bool data_row(std::string_view id, std::string_view text, bool selected = false);
    // Registers the last ImGui item as control `id`.
    void register_last(std::string_view id);
    void register_rect(std::string_view id, ControlRect rect);

private:
    [[nodiscard]] static std::string control_id(std::string_view key, std::string_view item);
    const MessageCatalog& m_catalog;
    FontManager& m_fonts;
    std::map<std::string, ControlRect, std::less<>> m_current;
    std::map<std::string, ControlRect, std::less<>> m_previous;
};

}
