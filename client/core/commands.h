#pragma once

// What views ask for. Views never change state or call into render/, sync/
// or store/; they push Commands, and the App carries them out after the frame.

#include <string>
#include <variant>
#include <vector>

#include "core/app_state.h"

namespace hondana::client {

namespace command {
struct Navigate { Screen screen; };
struct OpenLocalBook { std::string path; };
struct OpenLoan { std::string title_id; };
struct CloseBook {};
struct TurnPage { int delta; };
struct GoToPage { int page; };
struct Zoom { float factor; };
struct SetFit { FitMode fit; };
struct Pan { float dx; float dy; };
struct ToggleSpread {};
struct SetTheme { render::Theme theme; };
struct ChangeTextSize { float delta; };
struct ShowPanel { Panel panel; };
struct Search { std::string query; };
struct GoToHit { int index; };
struct FollowLink { render::Link link; };
struct AddBookmark {};
struct RemoveBookmark { int64_t id; };
struct RequestPages { std::vector<render::PageKey> pages; int direction; };
struct SetLanguage { std::string language; };
struct SetUiTextScale { float scale; };
struct DismissError {};
struct DismissNotice {};
struct Enrol {};
struct SignIn { std::string login_id; std::string password; std::string totp; std::string previous_password; };
struct SignInOffline { std::string login_id; std::string password; };
struct SignOut {};
struct ChangePassword { std::string current; std::string next; std::string confirm; };
struct CatalogSearch { std::string query; };
struct Borrow { std::string title_id; };
struct Reserve { std::string title_id; };
struct Download { std::string title_id; };
struct ReturnLoan { std::string loan_id; };
}

using Command = std::variant<command::Navigate, command::OpenLocalBook, command::OpenLoan, command::CloseBook,
    command::TurnPage, command::GoToPage, command::Zoom, command::SetFit, command::Pan, command::ToggleSpread,
    command::SetTheme, command::ChangeTextSize, command::ShowPanel, command::Search, command::GoToHit,
    command::FollowLink, command::AddBookmark, command::RemoveBookmark, command::RequestPages, command::SetLanguage,
    command::SetUiTextScale, command::DismissError, command::DismissNotice, command::Enrol, command::SignIn,
    command::SignInOffline, command::SignOut, command::ChangePassword, command::CatalogSearch, command::Borrow,
    command::Reserve, command::Download, command::ReturnLoan, command::Classroom>;

// While an admin-issued password must be changed (AppState::online.
// must_change_password) the user stays on the password screen: a command
// that would leave it (another screen, opening a book) is held back, the
// notice `password.must_change_first` is set instead, and true is returned.
[[nodiscard]] bool hold_for_password_change(AppState& state, const Command& command);

// Commands of one frame, applied in order after drawing.
class Commands {
public:
    void push(Command command) { m_commands.push_back(std::move(command)); }
    [[nodiscard]] std::vector<Command> take() { return std::exchange(m_commands, {}); }

private:
    std::vector<Command> m_commands;
};

}
