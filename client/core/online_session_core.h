#pragma once

// OnlineSession's worker-side state and the error mapping both of its
// sources use (private to core/).

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/online_session.h"
#include "hondana/reader/reader.h"

namespace hondana::client {

// Lets the position store ask for a sync from another thread, and stops
// doing so once the session is gone.
struct OnlineSession::SyncHook {
    std::mutex mutex;
    OnlineSession* owner { nullptr };
    void request()
    {
        std::lock_guard lock(mutex);
        if (owner)
            owner->sync_positions();
    }
};

struct OnlineSession::Core {
    OnlineOptions options;
    std::unique_ptr<reader::Reader> reader;
    // Covers drawn so far, by title ID (drawn once per session).
    std::map<std::string, std::shared_ptr<const render::PageImage>> covers;
};

// A title's cover, drawn: from the store or the service (reader::Reader::cover),
// then kept in `core.covers`. Null when there is none yet or it does not draw.
[[nodiscard]] std::shared_ptr<const render::PageImage> cover_of(OnlineSession::Core& core, const std::string& title_id);

// The stable code of the module error behind a reader error ("sync.invalid_credentials").
[[nodiscard]] std::string error_code_of(const reader::Error& error);
// The failures left before a lock that a sign-in failure mentions (its
// `remaining_attempts=N`), if any.
[[nodiscard]] std::optional<int> remaining_attempts(const std::string& message);
[[nodiscard]] ErrorShown shown(const reader::Error& error, std::string message_key);
// The catalog key of the sentence shown for an error.
[[nodiscard]] std::string message_key_for(const reader::Error& error);
[[nodiscard]] LoanView loan_view(const sync::Loan& loan);

}
