#pragma once

#include <string>

#include "views/view.h"

namespace hondana::client {

// Login ID + password (+ TOTP when asked); remaining attempts and the locked
// state shown plainly; offline sign-in when the network is not trusted.
class SignInView final : public View {
public:
    using View::View;

protected:
    void drawContent(const AppState& state) override;

private:
    std::string m_login_id;
    std::string m_password;
    std::string m_totp;
};

}
