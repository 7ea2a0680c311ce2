// hondana-cli password: the signed-in user changes their own password.

#include <algorithm>
#include <iostream>

#include "commands.h"
#include "hondana/drm/crypto.h"
#include "terminal.h"

namespace hondana::cli {

namespace {

using reader::ErrorKind;

void wipe(std::optional<std::string>& secret)
{
    if (secret)
        std::fill(secret->begin(), secret->end(), '\0');
}

}

int run_password(reader::Reader& reader)
{
    auto current = read_secret("Current password: ");
    if (!current)
        return report({ ErrorKind::Usage, "no password given on the terminal or stdin" });
    auto resumed = reader.resume(*current);
    if (!resumed) {
        wipe(current);
        return report(resumed.error());
    }
    auto fresh = read_secret("New password: ");
    auto again = read_secret("New password again: ");
    int code = 0;
    if (!fresh || !again || fresh->empty()) {
        code = report({ ErrorKind::Usage, "the new password was not given twice on the terminal or stdin" });
    } else if (!drm::constant_time_equal(drm::as_bytes(*fresh), drm::as_bytes(*again))) {
        code = report({ ErrorKind::Usage, "the two new passwords differ: nothing was changed" });
    } else {
        auto changed = reader.change_password(*current, *fresh);
        if (!changed)
            code = report(changed.error());
        else
            std::cout << "password changed for " << resumed->user.login_id << "; " << *changed
                      << " sessions signed out, this device signed in again\n";
    }
    wipe(current);
    wipe(fresh);
    wipe(again);
    return code;
}

}
