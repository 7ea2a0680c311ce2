#include "hondana/store/user_store.h"

#include <array>

#include "convert.h"
#include "database.h"
#include "hondana/platform/files.h"
#include "store_key.h"

namespace hondana::store {

namespace fs = std::filesystem;
using detail::Database;

namespace {

constexpr std::array<std::string_view, 3> user_migrations {
    R"sql(
    CREATE TABLE profile (id INTEGER PRIMARY KEY CHECK (id = 1), user_id TEXT NOT NULL, login_id TEXT NOT NULL,
        display_name TEXT NOT NULL, role TEXT NOT NULL, school TEXT NOT NULL, classes TEXT NOT NULL);
    CREATE TABLE session (id INTEGER PRIMARY KEY CHECK (id = 1), access_token TEXT NOT NULL,
        access_expires_at TEXT NOT NULL, refresh_token TEXT NOT NULL, refresh_expires_at TEXT NOT NULL);
    CREATE TABLE titles (id TEXT PRIMARY KEY, title TEXT NOT NULL DEFAULT '');
    CREATE TABLE loans (id TEXT PRIMARY KEY, title_id TEXT NOT NULL, title TEXT NOT NULL, start TEXT NOT NULL,
        end TEXT NOT NULL, status TEXT NOT NULL, licence_href TEXT NOT NULL, content_href TEXT NOT NULL,
        renewals INTEGER NOT NULL);
    CREATE INDEX loans_by_title ON loans (title_id);
    CREATE TABLE licences (id TEXT PRIMARY KEY, title_id TEXT NOT NULL, document TEXT NOT NULL, status TEXT NOT NULL,
        checked_online_at TEXT NOT NULL);
    CREATE INDEX licences_by_title ON licences (title_id);
    CREATE TABLE content (title_id TEXT PRIMARY KEY, file TEXT NOT NULL, length INTEGER NOT NULL,
        sha256 TEXT NOT NULL);
    CREATE TABLE reading_positions (title_id TEXT PRIMARY KEY, locator TEXT NOT NULL, updated_at TEXT NOT NULL);
    CREATE TABLE bookmarks (id INTEGER PRIMARY KEY, title_id TEXT NOT NULL, locator TEXT NOT NULL,
        label TEXT NOT NULL, created_at TEXT NOT NULL);
    CREATE TABLE annotations (id INTEGER PRIMARY KEY, title_id TEXT NOT NULL, locator TEXT NOT NULL,
        text TEXT NOT NULL, created_at TEXT NOT NULL);
    CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    )sql",
    // 2: positions remember whether the service has them yet (Reader::sync_positions).
    R"sql(
    ALTER TABLE reading_positions ADD COLUMN pending INTEGER NOT NULL DEFAULT 1;
    )sql",
    // 3: covers of the user's titles, kept here (encrypted) for the bookshelf offline.
    R"sql(
    CREATE TABLE covers (title_id TEXT PRIMARY KEY, media_type TEXT NOT NULL, image BLOB NOT NULL,
        fetched_at TEXT NOT NULL);
    )sql",
};

}

UserStore::UserStore(
    std::string login_id, fs::path dir, SignInMode mode, std::unique_ptr<Database> db, drm::SecretBytes key)
    : m_login_id(std::move(login_id))
    , m_dir(std::move(dir))
    , m_mode(mode)
    , m_db(std::move(db))
    , m_key(std::move(key))
{
}

UserStore::~UserStore() = default;

bool UserStore::exists(const platform::ReaderPaths& paths, std::string_view login_id)
{
    std::error_code error;
    return fs::exists(detail::key_path(paths.user_dir(login_id)), error);
}

Result<void> UserStore::erase(const platform::ReaderPaths& paths, std::string_view login_id)
{
    auto dir = paths.user_dir(login_id);
    TRY(platform::overwrite_and_remove(detail::next_key_path(dir)).map_error(detail::from_platform));
    TRY(platform::overwrite_and_remove(detail::key_path(dir)).map_error(detail::from_platform));
    return platform::overwrite_and_remove_tree(dir).map_error(detail::from_platform);
}

Result<std::unique_ptr<UserStore>> UserStore::open_with_key(
    const platform::ReaderPaths& paths, std::string_view login_id, const drm::SecretBytes& key, SignInMode mode)
{
    auto dir = paths.user_dir(login_id);
    TRY(platform::ensure_private_dir(dir / "content").map_error(detail::from_platform));
    auto db = TRY(Database::open(dir / "store.db", key, user_migrations));
    return std::unique_ptr<UserStore>(
        new UserStore(std::string(login_id), dir, mode, std::move(db), key.clone())); // raw-new: private constructor
}

Result<std::unique_ptr<UserStore>> UserStore::open_online(const platform::ReaderPaths& paths,
    const platform::KeyStore& key_store, DeviceStore& device, std::string_view login_id, std::string_view password,
    const StoreKdf& kdf, std::optional<std::string_view> previous_password)
{
    auto dir = paths.user_dir(login_id);
    TRY(platform::ensure_private_dir(paths.users_dir()).map_error(detail::from_platform));
    TRY(platform::ensure_private_dir(dir).map_error(detail::from_platform));
    TRY(device.reset_offline_failures(login_id));
    if (exists(paths, login_id)) {
        auto key = detail::unwrap_user_key(dir, key_store, login_id, password);
        if (key) {
            auto store = open_with_key(paths, login_id, key->key, SignInMode::Online);
            if (store)
                TRY(detail::settle_key_files(dir, key->file));
            if (store || store.error().kind != ErrorKind::WrongKey)
                return store;
        } else if (key.error().kind != ErrorKind::WrongPassword) {
            return tl::make_unexpected(key.error());
        }
        if (previous_password) {
            // Asked to keep the data: a previous password that does not open
            // it either erases nothing (the user may try again).
            auto kept = rewrap_with_previous(paths, key_store, login_id, password, kdf, *previous_password);
            if (!kept && kept.error().kind == ErrorKind::WrongPassword)
                return fail(ErrorKind::WrongPassword,
                    "neither the password nor the previous one opens this user's store on this device: nothing "
                    "was erased");
            return kept;
        }
        // The password changed elsewhere (or the store was damaged): the old
        // store cannot be opened again, so it is erased and made anew.
        TRY(erase(paths, login_id));
        TRY(platform::ensure_private_dir(dir).map_error(detail::from_platform));
    }
    auto key = TRY(detail::create_store_key(detail::key_path(dir), key_store, login_id, password, kdf));
    return open_with_key(paths, login_id, key, SignInMode::Online);
}

Result<std::unique_ptr<UserStore>> UserStore::open_offline(const platform::ReaderPaths& paths,
    const platform::KeyStore& key_store, DeviceStore& device, std::string_view login_id, std::string_view password,
    int max_attempts)
{
    if (!exists(paths, login_id))
        return fail(ErrorKind::NoLocalStore,
            "no local store for '" + std::string(login_id) + "' on this device: sign in online first");
    if (TRY(device.offline_failures(login_id)) >= max_attempts)
        return fail(ErrorKind::OfflineSignInLocked,
            "offline sign-in is locked after too many wrong passwords: sign in online to unlock it");
    auto key = detail::unwrap_user_key(paths.user_dir(login_id), key_store, login_id, password);
    if (!key) {
        if (key.error().kind != ErrorKind::WrongPassword)
            return tl::make_unexpected(key.error());
        int failures = TRY(device.record_offline_failure(login_id));
        if (failures >= max_attempts)
            return fail(ErrorKind::OfflineSignInLocked,
                "wrong password; offline sign-in is now locked: sign in online to unlock it");
        return fail(ErrorKind::WrongPassword,
            "wrong password (" + std::to_string(max_attempts - failures) + " offline attempts left; remaining_attempts="
                + std::to_string(max_attempts - failures) + ")");
    }
    TRY(device.reset_offline_failures(login_id));
    return open_with_key(paths, login_id, key->key, SignInMode::Offline);
}

fs::path UserStore::content_path(std::string_view title_id) const
{
    auto digest = drm::sha256(drm::as_bytes(title_id));
    return m_dir / "content" / (drm::hex_encode(drm::ByteView(digest.data(), 16)) + ".hpub");
}

Result<void> UserStore::integrity_check()
{
    std::lock_guard lock(m_mutex);
    return m_db->integrity_check();
}

}
