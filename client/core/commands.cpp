#include "core/commands.h"

namespace hondana::client {

bool hold_for_password_change(AppState& state, const Command& command)
{
    if (!state.online.signed_in || !state.online.must_change_password)
        return false;
    const auto* navigate = std::get_if<command::Navigate>(&command);
    bool leaves = (navigate && navigate->screen != Screen::Password)
        || std::holds_alternative<command::OpenLoan>(command)
        || std::holds_alternative<command::OpenLocalBook>(command);
    if (!leaves)
        return false;
    state.notice_key = "password.must_change_first";
    state.screen = Screen::Password;
    return true;
}

}
