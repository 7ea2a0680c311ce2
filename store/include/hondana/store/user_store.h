#pragma once

// One user's encrypted store on this device: a SQLCipher database keyed with
// a random 256-bit key, which is kept only wrapped (store.key):
//
//   pw   = PBKDF2-HMAC-SHA256(password, salt, iterations, 32)
//   dev  = KeyStore::device_secret("hondana-store-v1:" + login_id)
//   kek  = HKDF-SHA256(ikm = pw, salt = dev, info = "hondana-store-kek-v1:" + login_id)
//   store.key = AES-256-GCM(kek, db_key, aad = "hondana-store-key-v1:" + login_id)
//
// Neither the password (without the device key) nor the device (without the
// password) unwraps it. Offline sign-in is that unwrap; wrong offline
// passwords are counted in the device database and lock offline sign-in after
// the policy's limit until the next online sign-in. Protected content files
// are kept exactly as delivered, under content/. Calls are serialized.

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "hondana/base/time.h"
#include "hondana/drm/crypto.h"
#include "hondana/platform/key_store.h"
#include "hondana/platform/paths.h"
#include "hondana/store/device_store.h"
#include "hondana/store/error.h"

namespace hondana::store {

namespace detail {
class Database;
}

struct StoreKdf {
    uint32_t iterations { 600000 }; // OWASP 2023 figure for PBKDF2-HMAC-SHA256
};

struct UserProfile {
    std::string user_id;
    std::string login_id;
    std::string display_name;
    std::string role;
    std::string school;
    std::vector<std::string> classes;
};

struct SessionTokens {
    std::string access_token;
    base::Timestamp access_expires_at;
    std::string refresh_token;
    base::Timestamp refresh_expires_at;
};

struct LoanRecord {
    std::string id;
    std::string title_id;
    std::string title;
    base::Timestamp start;
    base::Timestamp end;
    std::string status;
    std::string licence_href;
    std::string content_href;
    int64_t renewals { 0 };
};

struct StoredLicence {
    std::string id;
    std::string title_id;
    std::string document; // the licence JSON as received (it carries the wrapped content key)
    std::string status;   // last LSD status seen ("active", "ready", …)
    base::Timestamp checked_online_at;
};

struct ContentRecord {
    std::string title_id;
    std::filesystem::path file;
    uint64_t length { 0 };
    std::string sha256;
};

struct ReadingPosition {
    std::string title_id;
    std::string locator; // opaque to the store (render/ defines it)
    base::Timestamp updated_at;
    bool pending { true }; // not yet sent to the service
};

struct Bookmark {
    int64_t id { 0 };
    std::string title_id;
    std::string locator;
    std::string label;
    base::Timestamp created_at;
};

struct Annotation {
    int64_t id { 0 };
    std::string title_id;
    std::string locator;
    std::string text;
    base::Timestamp created_at;
};

// A title's cover as the service sent it (an image, shown on the bookshelf).
struct Cover {
    std::string title_id;
    std::string media_type; // image/svg+xml, image/png or image/jpeg
    drm::Bytes image;
    base::Timestamp fetched_at;
};

enum class SignInMode { Online, Offline };

class UserStore {
public:
    // After the service accepted `password`: opens the user's store, creating
    // it when there is none, and replacing it (crypto-erase, then new) when
    // the password no longer unwraps it (changed on another device) —
    // unless `previous_password` (the one before that change) still unwraps
    // it: then the store is kept and re-wrapped under `password`
    // (crash-safely, as prepare/commit below; WrongPassword, erasing
    // nothing, when neither opens it). A password change left
    // half-way here (store.key.next) is settled: the key file this password
    // opens is kept. Resets the offline failure counter.
    [[nodiscard]] static Result<std::unique_ptr<UserStore>> open_online(const platform::ReaderPaths& paths,
        const platform::KeyStore& key_store, DeviceStore& device, std::string_view login_id, std::string_view password,
        const StoreKdf& kdf = {}, std::optional<std::string_view> previous_password = std::nullopt);

    // Offline sign-in: NoLocalStore, OfflineSignInLocked, WrongPassword
    // (message says how many attempts remain).
    [[nodiscard]] static Result<std::unique_ptr<UserStore>> open_offline(const platform::ReaderPaths& paths,
        const platform::KeyStore& key_store, DeviceStore& device, std::string_view login_id,
        std::string_view password, int max_attempts);

    // Whether this device has a store for `login_id`.
    [[nodiscard]] static bool exists(const platform::ReaderPaths& paths, std::string_view login_id);
    // Crypto-erases one user's store: store.key first, then every file.
    [[nodiscard]] static Result<void> erase(const platform::ReaderPaths& paths, std::string_view login_id);

    ~UserStore();

    [[nodiscard]] const std::string& login_id() const { return m_login_id; }
    [[nodiscard]] SignInMode mode() const { return m_mode; }
    [[nodiscard]] const std::filesystem::path& dir() const { return m_dir; }
    // Where a title's protected package lives (it may not exist yet).
    [[nodiscard]] std::filesystem::path content_path(std::string_view title_id) const;

    [[nodiscard]] Result<void> save_profile(const UserProfile& profile);
    [[nodiscard]] Result<std::optional<UserProfile>> profile();
    [[nodiscard]] Result<void> save_session(const SessionTokens& tokens);
    [[nodiscard]] Result<std::optional<SessionTokens>> session();
    [[nodiscard]] Result<void> clear_session();

    // Replaces the list of loans with what the service said.
    [[nodiscard]] Result<void> replace_loans(const std::vector<LoanRecord>& loans);
    [[nodiscard]] Result<void> save_loan(const LoanRecord& loan);
    [[nodiscard]] Result<std::vector<LoanRecord>> loans();
    [[nodiscard]] Result<std::optional<LoanRecord>> loan_for_title(std::string_view title_id);

    [[nodiscard]] Result<void> save_licence(const StoredLicence& licence);
    [[nodiscard]] Result<std::optional<StoredLicence>> licence_for_title(std::string_view title_id);
    [[nodiscard]] Result<void> mark_licence_checked(std::string_view licence_id, std::string_view status,
        base::Timestamp at);

    [[nodiscard]] Result<void> save_content(const ContentRecord& content);
    [[nodiscard]] Result<std::optional<ContentRecord>> content(std::string_view title_id);
    // Erases a title's content key first (the licence row, which holds it
    // wrapped), then its content file and records (its cover too).
    [[nodiscard]] Result<void> erase_title(std::string_view title_id);

    [[nodiscard]] Result<void> save_position(const ReadingPosition& position);
    [[nodiscard]] Result<std::optional<ReadingPosition>> position(std::string_view title_id);
    // Positions not yet sent to the service.
    [[nodiscard]] Result<std::vector<ReadingPosition>> pending_positions();
    // The service has `position` (a later save stays pending).
    [[nodiscard]] Result<void> mark_position_sent(const ReadingPosition& position);
    // Takes a position from the service when it is newer than the one here
    // (or there is none); returns whether it was taken.
    [[nodiscard]] Result<bool> adopt_position_if_newer(const ReadingPosition& remote);
    [[nodiscard]] Result<int64_t> add_bookmark(const Bookmark& bookmark);
    [[nodiscard]] Result<std::vector<Bookmark>> bookmarks(std::string_view title_id);
    [[nodiscard]] Result<void> remove_bookmark(int64_t id);
    [[nodiscard]] Result<int64_t> add_annotation(const Annotation& annotation);
    [[nodiscard]] Result<std::vector<Annotation>> annotations(std::string_view title_id);
    // Covers (at most max_cover_bytes each; InvalidArgument for more).
    static constexpr size_t max_cover_bytes = 512 * 1024;
    [[nodiscard]] Result<void> save_cover(const Cover& cover);
    [[nodiscard]] Result<std::optional<Cover>> cover(std::string_view title_id);
    [[nodiscard]] Result<void> set_setting(std::string_view name, std::string_view value);
    [[nodiscard]] Result<std::optional<std::string>> setting(std::string_view name);

    [[nodiscard]] Result<void> integrity_check();

    // A password change on this device re-wraps the store key in steps that
    // are each one atomic rename, so a crash at any point leaves a store that
    // the old or the new password opens, never neither:
    //  1. prepare: store.key.next = this store's key wrapped under `new_password`;
    //  2. the caller asks the service to change the password;
    //  3. commit (the service accepted): store.key.next replaces store.key;
    //     abandon (the service refused): store.key.next goes.
    // While store.key.next exists (a crash, or an answer lost on the way) both
    // passwords open the store offline; the next online sign-in keeps the file
    // that the service's password opens (open_online).
    [[nodiscard]] Result<void> prepare_password_change(
        const platform::KeyStore& key_store, std::string_view new_password, const StoreKdf& kdf = {});
    [[nodiscard]] Result<void> commit_password_change();
    [[nodiscard]] Result<void> abandon_password_change();

private:
    UserStore(std::string login_id, std::filesystem::path dir, SignInMode mode, std::unique_ptr<detail::Database> db,
        drm::SecretBytes key);
    // WrongPassword when `previous_password` does not open the store either.
    [[nodiscard]] static Result<std::unique_ptr<UserStore>> rewrap_with_previous(const platform::ReaderPaths& paths,
        const platform::KeyStore& key_store, std::string_view login_id, std::string_view password, const StoreKdf& kdf,
        std::string_view previous_password);
    [[nodiscard]] static Result<std::unique_ptr<UserStore>> open_with_key(const platform::ReaderPaths& paths,
        std::string_view login_id, const drm::SecretBytes& key, SignInMode mode);

    std::string m_login_id;
    std::filesystem::path m_dir;
    SignInMode m_mode;
    std::mutex m_mutex;
    std::unique_ptr<detail::Database> m_db;
    drm::SecretBytes m_key; // the database key (SQLCipher holds it too), to re-wrap on a password change
};

}
