#pragma once

#include <string>

#include "views/view.h"

namespace hondana::client {

// The signed-in user's password change (from Settings, or straight after a
// sign-in with a password an admin issued, with the notice): current, new and
// confirmation fields, the tenant's rule with each part checked as the new
// password is typed, and the result — the rules the service named, the
// attempts left, or how many other devices were signed out.
class PasswordView final : public View {
public:
    using View::View;

protected:
    void drawContent(const AppState& state) override;

private:
    void draw_rules(const AppState& state);
    void draw_result(const AppState& state);

    std::string m_current;
    std::string m_new;
    std::string m_confirm;
};

}
