#pragma once

// Where the reader keeps its state. Everything lives under one state
// directory (0700); nothing is written to /tmp.
//
//   <state>/device/            machine secret, sealed device key, enrolment, device.db
//   <state>/users/<user>/      store.key (wrapped DB key), store.db, content/

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "hondana/platform/error.h"

namespace hondana::platform {

struct ReaderPaths {
    std::filesystem::path home;
    std::filesystem::path state_dir;

    [[nodiscard]] std::filesystem::path device_dir() const { return state_dir / "device"; }
    [[nodiscard]] std::filesystem::path users_dir() const { return state_dir / "users"; }
    // A user's folder; the name is derived from the login ID so it is a safe file name.
    [[nodiscard]] std::filesystem::path user_dir(std::string_view login_id) const;

    // `home` given (--home DIR): state is <home>/.local/state/hondana.
    // Otherwise $XDG_STATE_HOME/hondana, else $HOME/.local/state/hondana.
    // InvalidArgument when neither HOME nor a home is known.
    [[nodiscard]] static Result<ReaderPaths> resolve(const std::optional<std::filesystem::path>& home);
};

}
