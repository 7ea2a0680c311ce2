// UserStore: re-wrapping the store key for a password change (user_store.h).

#include "convert.h"
#include "hondana/platform/files.h"
#include "hondana/store/user_store.h"
#include "store_key.h"

namespace hondana::store {

Result<std::unique_ptr<UserStore>> UserStore::rewrap_with_previous(const platform::ReaderPaths& paths,
    const platform::KeyStore& key_store, std::string_view login_id, std::string_view password, const StoreKdf& kdf,
    std::string_view previous_password)
{
    auto key = TRY(detail::unwrap_user_key(paths.user_dir(login_id), key_store, login_id, previous_password));
    auto store = TRY(open_with_key(paths, login_id, key.key, SignInMode::Online));
    TRY(store->prepare_password_change(key_store, password, kdf));
    TRY(store->commit_password_change());
    return store;
}

Result<void> UserStore::prepare_password_change(
    const platform::KeyStore& key_store, std::string_view new_password, const StoreKdf& kdf)
{
    std::lock_guard lock(m_mutex);
    if (new_password.empty())
        return fail(ErrorKind::InvalidArgument, "the new password is empty");
    return detail::wrap_store_key(detail::next_key_path(m_dir), key_store, m_login_id, new_password, kdf, m_key);
}

Result<void> UserStore::commit_password_change()
{
    std::lock_guard lock(m_mutex);
    std::error_code error;
    if (!std::filesystem::exists(detail::next_key_path(m_dir), error))
        return fail(ErrorKind::NotFound, "no password change was prepared");
    return detail::settle_key_files(m_dir, detail::KeyFile::Next);
}

Result<void> UserStore::abandon_password_change()
{
    std::lock_guard lock(m_mutex);
    return detail::settle_key_files(m_dir, detail::KeyFile::Current);
}

}
