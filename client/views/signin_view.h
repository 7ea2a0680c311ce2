#pragma once

#include <string>

#include "views/view.h"

namespace hondana::client {

// Login ID + password (+ TOTP when asked); remaining attempts and the locked
// state shown plainly; offline sign-in when the network is not trusted; after
// a password change on another tablet, the previous password keeps this
// tablet's books (otherwise its store is made anew).
class SignInView final : public View {
public:
    using View::View;

protected:
    void drawContent(const AppState& state) override;

private:
    std::string m_login_id;
    std::string m_password;
    std::string m_totp;
    bool m_keep_data { false }; // the password was changed on another tablet: keep this one's books
    std::string m_previous;
};

}
