// An admin-issued password keeps the user on the password screen until it is
// changed: what is held back, what the state reports, what the user reads.

#include <gtest/gtest.h>

#include "core/commands.h"
#include "core/message_catalog.h"
#include "core/online_session_core.h"

using namespace hondana;
using namespace hondana::client;

namespace {

AppState must_change_state()
{
    AppState state;
    state.online.signed_in = true;
    state.online.must_change_password = true;
    state.screen = Screen::Password;
    return state;
}

}

TEST(PasswordGate, other_screens_and_books_are_held_back_with_the_notice)
{
    for (auto screen : { Screen::Bookshelf, Screen::Catalog, Screen::Settings, Screen::Teacher, Screen::Status,
             Screen::Reader, Screen::SignIn }) {
        auto state = must_change_state();
        EXPECT_TRUE(hold_for_password_change(state, command::Navigate { screen })) << screen_name(screen);
        EXPECT_EQ(state.screen, Screen::Password);
        EXPECT_EQ(state.notice_key, "password.must_change_first");
    }
    auto state = must_change_state();
    EXPECT_TRUE(hold_for_password_change(state, command::OpenLoan { "t1" }));
    EXPECT_TRUE(hold_for_password_change(state, command::OpenLocalBook { "/books/a.pdf" }));
    EXPECT_EQ(state.screen, Screen::Password);
}

TEST(PasswordGate, the_change_itself_sign_out_and_settings_of_the_screen_go_through)
{
    auto state = must_change_state();
    EXPECT_FALSE(hold_for_password_change(state, command::Navigate { Screen::Password }));
    EXPECT_FALSE(hold_for_password_change(state, command::ChangePassword { "a", "b", "b" }));
    EXPECT_FALSE(hold_for_password_change(state, command::SignOut {}));
    EXPECT_FALSE(hold_for_password_change(state, command::SetLanguage { "en" }));
    EXPECT_FALSE(hold_for_password_change(state, command::DismissNotice {}));
    EXPECT_EQ(state.notice_key, "");
}

TEST(PasswordGate, nothing_is_held_back_once_the_password_is_the_users_own)
{
    auto state = must_change_state();
    state.online.must_change_password = false;
    EXPECT_FALSE(hold_for_password_change(state, command::Navigate { Screen::Catalog }));
    EXPECT_FALSE(hold_for_password_change(state, command::OpenLoan { "t1" }));
    state.online.must_change_password = true;
    state.online.signed_in = false; // signed out: the flag of that session no longer applies
    EXPECT_FALSE(hold_for_password_change(state, command::Navigate { Screen::SignIn }));
}

TEST(PasswordGate, the_state_reports_the_flag)
{
    auto state = must_change_state();
    EXPECT_EQ(to_json(state)["must_change_password"], true);
    state.online.must_change_password = false;
    EXPECT_EQ(to_json(state)["must_change_password"], false);
}

TEST(PasswordGate, a_refusal_of_the_service_shows_the_change_first_sentence_in_both_languages)
{
    reader::Error refused { reader::ErrorKind::PasswordChangeRequired,
        "[sync.password_change_required] GET /v1/catalog: password-change-required (403): password change required" };
    EXPECT_EQ(error_code_of(refused), "sync.password_change_required");
    EXPECT_EQ(message_key_for(refused), "password.must_change_first");
    auto catalog = MessageCatalog::load(std::filesystem::path(HONDANA_SOURCE_DIR) / "assets" / "i18n");
    ASSERT_TRUE(catalog) << catalog.error().message;
    for (const char* key : { "password.must_change", "password.must_change_first" }) {
        for (const char* language : { "ja", "en" })
            EXPECT_TRUE(catalog->keys(language).contains(key)) << language << " " << key;
    }
    catalog->set_language("ja");
    EXPECT_NE(catalog->text("password.must_change").find("パスワードを かえてください"), std::string::npos);
    EXPECT_TRUE(catalog->missing_keys().empty());
}
