// App: carrying out the commands views send (after each frame, on the main thread).

#include <SDL.h>
#include <imgui.h>

#include <algorithm>

#include "core/reader_layout.h"
#include "ui/app.h"

namespace hondana::client {

namespace {

template<class... Ts>
struct Overloaded : Ts... {
    using Ts::operator()...;
};
template<class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}

void App::apply(Command command)
{
    if (hold_for_password_change(m_state, command))
        return;
    std::visit(Overloaded {
                   [&](command::Navigate& c) {
                       m_state.screen = c.screen;
                       if (c.screen == Screen::Bookshelf && m_state.online.signed_in)
                           m_online->refresh_loans();
                       if (c.screen == Screen::Catalog && m_state.online.catalog.empty())
                           m_online->search_catalog("");
                       if (c.screen == Screen::Password)
                           m_state.account = {};
                   },
                   [&](command::OpenLocalBook& c) {
                       std::filesystem::path path = c.path;
                       auto user_positions = m_online->positions();
                       m_reader->set_position_store(user_positions ? user_positions : m_local_positions);
                       m_reader->open(BookSource { "local:" + path.filename().string(), path, std::nullopt, nullptr }, m_state);
                       m_state.screen = Screen::Reader;
                   },
                   [&](command::OpenLoan& c) {
                       m_state.reader.opening = true;
                       m_state.screen = Screen::Reader;
                       m_reader->set_position_store(m_online->positions());
                       m_online->open_title(c.title_id, [this](BookSource source, AppState& state) {
                           m_reader->open(std::move(source), state);
                       });
                   },
                   [&](command::CloseBook&) {
                       m_reader->close(m_state);
                       if (m_state.online.signed_in)
                           m_online->sync_positions();
                       m_state.screen = m_state.online.signed_in || !m_state.local_books.empty() ? Screen::Bookshelf : Screen::Status;
                   },
                   [&](command::DismissError&) { m_state.error.reset(); },
                   [&](command::DismissNotice&) { m_state.notice_key.clear(); },
                   [&](command::SetLanguage& c) { set_language(c.language); },
                   [&](command::SetUiTextScale& c) {
                       m_state.ui_text_scale = std::clamp(c.scale, 0.7f, 2.0f);
                       update_font_size();
                   },
                   [&](command::SetTheme& c) {
                       m_state.theme = c.theme;
                       apply_theme_style();
                   },
                   [&](command::Enrol&) { m_online->enrol(); },
                   [&](command::SignIn& c) { m_online->sign_in(c.login_id, c.password, c.totp, c.previous_password); },
                   [&](command::SignInOffline& c) { m_online->sign_in(c.login_id, c.password, {}); },
                   [&](command::SignOut&) {
                       m_reader->close(m_state);
                       m_online->sign_out();
                   },
                   [&](command::ChangePassword& c) {
                       m_online->change_password(std::move(c.current), std::move(c.next), std::move(c.confirm));
                   },
                   [&](command::CatalogSearch& c) { m_online->search_catalog(c.query); },
                   [&](command::Borrow& c) { m_online->borrow(c.title_id); },
                   [&](command::Reserve& c) { m_online->reserve(c.title_id); },
                   [&](command::Download& c) { m_online->download(c.title_id); },
                   [&](command::ReturnLoan& c) { m_online->return_loan(c.loan_id); },
                   [&](command::Classroom& c) { m_classroom->apply(c); },
                   [&](auto&) { apply_reader(command); },
               },
        command);
}

void App::apply_reader(Command& command)
{
    auto& reader = m_state.reader;
    int previous = reader.page;
    std::visit(Overloaded {
                   [&](command::TurnPage& c) { turn_page(c.delta); },
                   [&](command::GoToPage& c) { go_to_page(c.page); },
                   [&](command::Zoom& c) {
                       reader.zoom = std::clamp(reader.zoom * c.factor, 0.5f, 6.0f);
                       if (reader.zoom <= 1.0f)
                           reader.pan_x = reader.pan_y = 0;
                   },
                   [&](command::SetFit& c) {
                       reader.fit = c.fit;
                       reader.zoom = 1.0f;
                       reader.pan_x = reader.pan_y = 0;
                   },
                   [&](command::Pan& c) {
                       reader.pan_x += c.dx;
                       reader.pan_y = std::min(0.0f, reader.pan_y + c.dy);
                   },
                   [&](command::ToggleSpread&) { reader.spread = !reader.spread; },
                   [&](command::ChangeTextSize& c) { m_reader->relayout(std::clamp(reader.text_size + c.delta, 8.0f, 40.0f), m_state); },
                   [&](command::ShowPanel& c) { reader.panel = c.panel; },
                   [&](command::Search& c) { m_reader->search(c.query, m_state); },
                   [&](command::GoToHit& c) {
                       if (c.index >= 0 && c.index < static_cast<int>(reader.hits.size())) {
                           reader.current_hit = c.index;
                           go_to_page(reader.hits[static_cast<size_t>(c.index)].page);
                       }
                   },
                   [&](command::FollowLink& c) {
                       if (c.link.kind == render::LinkKind::Internal && c.link.target_page)
                           go_to_page(*c.link.target_page);
                       else
                           reader.blocked_link = c.link.uri; // NET-1: never opened, only reported
                   },
                   [&](command::AddBookmark&) { m_reader->add_bookmark(m_state); },
                   [&](command::RemoveBookmark& c) { m_reader->remove_bookmark(c.id, m_state); },
                   [&](command::RequestPages& c) {
                       reader.requested = c.pages;
                       for (auto& key : reader.requested)
                           key.theme = m_state.theme;
                       m_reader->request_pages(c.pages, c.direction, m_state);
                   },
                   [&](auto&) {},
               },
        command);
    if (reader.page != previous)
        after_page_change(previous);
}

void App::turn_page(int delta)
{
    auto& reader = m_state.reader;
    if (!reader.open)
        return;
    reader.page = step_page(reader.page, reader.page_count, reader.spread, delta);
}

void App::go_to_page(int page)
{
    auto& reader = m_state.reader;
    if (!reader.open)
        return;
    auto target = jump_target(page, reader.page_count);
    reader.end_pending = !target; // the end of a book not yet counted: ReaderSession goes there when it is
    if (target)
        reader.page = *target;
}

void App::after_page_change(int)
{
    auto& reader = m_state.reader;
    reader.pan_y = 0;
    m_reader->page_changed(m_state, visible_pages(reader.page, reader.page_count, reader.spread));
    m_classroom->page_turned(reader.book_id, reader.page + 1);
}

}
