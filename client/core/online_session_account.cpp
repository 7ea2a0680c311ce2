// OnlineSession: the signed-in user's own password change.

#include "core/online_session.h"
#include "core/online_session_core.h"
#include "hondana/drm/crypto.h"

namespace hondana::client {

// The admin-issued password is gone: on to the shelf, with what sign-in skipped.
void OnlineSession::continue_after_required_change(AppState& state)
{
    state.online.must_change_password = false;
    if (state.notice_key.starts_with("password."))
        state.notice_key.clear();
    state.screen = Screen::Bookshelf;
    refresh_loans();
    sync_positions();
}

void OnlineSession::change_password(std::string current, std::string next, std::string confirm)
{
    if (!drm::constant_time_equal(drm::as_bytes(next), drm::as_bytes(confirm))) {
        m_queue.push([](AppState& s) {
            int min_length = s.account.min_length;
            s.account = {};
            s.account.result = "mismatch";
            s.account.min_length = min_length;
        });
        return;
    }
    m_queue.push([](AppState& s) { // the tenant's minimum, once known, stays
        int min_length = s.account.min_length;
        s.account = {};
        s.account.changing = true;
        s.account.min_length = min_length;
    });
    post([this, current = std::move(current), next = std::move(next)](Core& core) mutable {
        reader::Result<int64_t> changed = core.reader
            ? core.reader->change_password(current, next)
            : reader::Result<int64_t>(tl::make_unexpected(
                reader::Error { reader::ErrorKind::NotSignedIn, "[store.no_local_store] nobody is signed in" }));
        std::fill(current.begin(), current.end(), '\0');
        std::fill(next.begin(), next.end(), '\0');
        m_queue.push([this, changed](AppState& s) {
            s.account.changing = false;
            if (changed) {
                s.account.result = "changed";
                s.account.signed_out = *changed;
                s.online.locked = false;
                if (s.online.must_change_password)
                    continue_after_required_change(s);
                return;
            }
            const auto& error = changed.error();
            s.account.result = password_result_for(error);
            s.account.rules = rules_in(error.message);
            s.account.remaining_attempts = remaining_attempts(error.message);
            s.account.min_length = min_length_in(error.message).value_or(s.account.min_length);
            s.online.locked = error.kind == reader::ErrorKind::Locked;
        });
    });
}

}
