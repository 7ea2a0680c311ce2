#pragma once

// The online side of the reader for the screens: enrolment, network trust,
// sign-in (online and offline), catalog, loans, downloads and opening a
// borrowed title. Every call runs hondana::reader::Reader (the reader core)
// on one worker thread and reports into AppState through the MainQueue.

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/app_state.h"
#include "core/position_store.h"
#include "core/reader_session.h"
#include "hondana/sync/sync_worker.h"

namespace hondana::reader {
class Reader;
}

namespace hondana::client {

struct OnlineOptions {
    std::optional<std::filesystem::path> policy; // --policy FILE; else the managed policy folders
    std::optional<std::filesystem::path> home;   // --home DIR
    std::shared_ptr<render::Engine> engine;      // draws covers (none: no covers)
};

class OnlineSession {
public:
    OnlineSession(OnlineOptions options, MainQueue& queue);
    ~OnlineSession();
    OnlineSession(const OnlineSession&) = delete;
    OnlineSession& operator=(const OnlineSession&) = delete;

    // Loads the policy and device state, then probes the network.
    void start();
    void check_network();
    void enrol();
    // `previous_password` (may be empty): the one before a change made on
    // another device, to keep this device's store (Reader::sign_in).
    void sign_in(std::string login_id, std::string password, std::string totp, std::string previous_password = {});
    void sign_out();
    // The signed-in user's own password change (online); `confirm` must
    // repeat `next`. The result lands in AppState::account.
    void change_password(std::string current, std::string next, std::string confirm);
    void refresh_loans();
    void search_catalog(std::string query);
    void borrow(std::string title_id);
    void reserve(std::string title_id);
    void return_loan(std::string loan_id);
    void download(std::string title_id);
    // Checks the licence and unwraps the content key, then calls `ready` on
    // the main thread with the book to open.
    void open_title(std::string title_id, std::function<void(BookSource, AppState&)> ready);
    // Sends positions saved here and takes newer ones from the service (when
    // online); requests coalesce while one is queued.
    void sync_positions();
    // Runs `job` on the online worker with the reader core (dropped before it opened).
    void post_reader_job(std::function<void(reader::Reader&)> job);
    // Positions and bookmarks of the signed-in user (null before sign-in).
    [[nodiscard]] std::shared_ptr<PositionStore> positions() const { return m_positions; }
    [[nodiscard]] bool available() const;

    struct Core;
    struct SyncHook;

private:
    void post(std::function<void(Core&)> job);
    // After the change of an admin-issued password (main thread).
    void continue_after_required_change(AppState& state);

    MainQueue& m_queue;
    std::shared_ptr<Core> m_core;
    std::shared_ptr<PositionStore> m_positions;
    std::shared_ptr<SyncHook> m_sync_hook;
    std::atomic<bool> m_sync_queued { false };
    sync::SyncWorker m_worker;
};

}
