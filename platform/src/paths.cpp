#include "hondana/platform/paths.h"

#include <cstdlib>

#include "hondana/drm/crypto.h"

namespace hondana::platform {

namespace fs = std::filesystem;

fs::path ReaderPaths::user_dir(std::string_view login_id) const
{
    // Login IDs are chosen by schools; hashing keeps the folder name safe and
    // of fixed length whatever characters they use.
    auto digest = drm::sha256(drm::as_bytes(login_id));
    return users_dir() / drm::hex_encode(drm::ByteView(digest.data(), 16));
}

Result<ReaderPaths> ReaderPaths::resolve(const std::optional<fs::path>& home)
{
    ReaderPaths paths;
    if (home) {
        paths.home = fs::absolute(*home);
        paths.state_dir = paths.home / ".local" / "state" / "hondana";
        return paths;
    }
    const char* env_home = std::getenv("HOME");
    if (!env_home || !*env_home)
        return fail(ErrorKind::InvalidArgument, "HOME is not set; give the reader's home with --home DIR");
    paths.home = env_home;
    const char* state = std::getenv("XDG_STATE_HOME");
    if (state && *state && fs::path(state).is_absolute())
        paths.state_dir = fs::path(state) / "hondana";
    else
        paths.state_dir = paths.home / ".local" / "state" / "hondana";
    return paths;
}

}
