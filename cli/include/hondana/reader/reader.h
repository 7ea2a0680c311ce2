#pragma once

// The reader core: everything the reader does below its UI. Every call may
// block on the network, the disk or a KDF, so a UI calls it from a worker
// thread (sync::SyncWorker) and gets results back through a queue; progress
// comes through callbacks on that worker thread. One Reader is used by one
// thread at a time.
//
// Online work happens only while the trusted-network probe succeeds (NET-1);
// a device the service reports revoked wipes itself at once.

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hondana/drm/licence.h"
#include "hondana/drm/package.h"
#include "hondana/platform/clock.h"
#include "hondana/platform/key_store.h"
#include "hondana/platform/netlink_watcher.h"
#include "hondana/platform/network_trust.h"
#include "hondana/platform/paths.h"
#include "hondana/platform/policy.h"
#include "hondana/platform/trusted_clock.h"
#include "hondana/reader/error.h"
#include "hondana/reader/positions.h"
#include "hondana/store/device_store.h"
#include "hondana/store/user_store.h"
#include "hondana/sync/models.h"
#include "hondana/sync/service_client.h"

namespace hondana::reader {

struct ReaderOptions {
    platform::PolicyLocations policy;
    std::optional<std::filesystem::path> home;
    store::StoreKdf kdf;
    // The clock to trust time from; the system's when null (tests inject one).
    std::shared_ptr<platform::Clock> clock;
    std::filesystem::path machine_id { "/etc/machine-id" };
};

struct SignInResult {
    store::SignInMode mode;
    // Online: the service's user; `user.must_change_password` says the
    // password was issued by an admin and every online call but
    // change_password and sign_out fails with PasswordChangeRequired until it
    // is changed. Offline and after resume(): the stored profile (the flag is
    // then false: only the service knows it).
    sync::User user;
};

// What `open_title` proved: the licence holds and the content decrypts.
struct OpenedTitle {
    std::string title_id;
    std::string format;        // "pdf" or "epub"
    std::string main_resource; // publication.pdf, or the OPF
    uint64_t plaintext_bytes { 0 };
    base::Timestamp loan_end;
    base::Timestamp offline_until; // when reading offline stops without a new online check
};

struct WipeReport {
    std::vector<std::string> erased; // what was destroyed, in order
};

struct DoctorReport {
    std::vector<std::pair<std::string, std::string>> lines; // section.key → value, in order
    bool healthy { true };
};

struct PositionSyncReport {
    int sent { 0 };    // positions the service took from this device
    int adopted { 0 }; // newer positions taken from the service
};

struct DecryptionReport {
    size_t resources { 0 };
    uint64_t plaintext_bytes { 0 };
};

// Decrypts (and so authenticates) every protected resource of an opened
// package in memory, a buffer at a time; for a PDF package that is its
// publication.pdf. ContentInvalid names the first resource that fails.
[[nodiscard]] Result<DecryptionReport> decrypt_every_resource(drm::Package& package, const drm::SecretBytes& key);

using DownloadProgress = std::function<void(uint64_t have, uint64_t total)>;

class Reader {
public:
    // Loads the policy and opens the device state (the device database only
    // once enrolled). Policy errors name the file and key.
    [[nodiscard]] static Result<std::unique_ptr<Reader>> open(ReaderOptions options);
    ~Reader();

    [[nodiscard]] const platform::Policy& policy() const { return m_policy; }
    [[nodiscard]] const platform::ReaderPaths& paths() const { return m_paths; }
    [[nodiscard]] bool enrolled() const;

    // Makes the device key (once) and enrols it with the policy's device ID and code.
    [[nodiscard]] Result<store::Enrolment> enrol();
    // Probes the trusted-network endpoints (blocking); records an untrusted network in the audit log.
    [[nodiscard]] platform::NetworkTrustReport check_network();
    // For long-running readers: watches netlink and forgets the trust report
    // whenever the network changes, so the next online call probes again.
    // `on_change` (may be empty) runs on the watcher's thread, for example to
    // post a check_network() to the sync worker.
    [[nodiscard]] Result<void> watch_network(std::function<void()> on_change);
    // The last trust report, without probing (thread-safe).
    [[nodiscard]] platform::NetworkTrustReport network_report() const { return m_network->last(); }

    // Online when the network is trusted (then the local store is opened or
    // made with the same password), else offline when the policy allows it.
    // `previous_password`: after the password was changed on another device,
    // the one before, to keep this device's store (re-wrapped) instead of
    // making it anew.
    [[nodiscard]] Result<SignInResult> sign_in(std::string_view login_id, std::string_view password,
        std::optional<std::string> totp = std::nullopt, std::optional<std::string> previous_password = std::nullopt);
    // Opens the last signed-in user's store with the password (each CLI
    // command does this); online session tokens are reused or refreshed.
    [[nodiscard]] Result<SignInResult> resume(std::string_view password);
    [[nodiscard]] Result<void> sign_out();
    [[nodiscard]] std::optional<std::string> current_login() const;
    // The signed-in user's own password change (online only; reader_password.cpp):
    // the service checks `current_password` and the tenant's rule, signs out
    // every other device and hands this one new tokens; the local store key
    // is re-wrapped with `new_password` crash-safely (UserStore::
    // prepare_password_change). Returns how many sessions the change ended.
    // AuthFailed / Locked (remaining_attempts) for a wrong current password,
    // PasswordRejected (rules=[…]) for a new one that breaks the rule.
    [[nodiscard]] Result<int64_t> change_password(std::string_view current_password, std::string_view new_password);

    [[nodiscard]] Result<sync::CatalogPage> catalog(std::string_view query, int page);
    // Refreshes loans from the service (online) and applies licence statuses;
    // offline, returns what the store has.
    [[nodiscard]] Result<sync::LoanList> loans();
    [[nodiscard]] Result<sync::Loan> borrow(std::string_view title_id);
    [[nodiscard]] Result<sync::Reservation> reserve(std::string_view title_id);
    // `id` is a title ID or a loan ID. Returning erases the title's key and content here.
    [[nodiscard]] Result<sync::Loan> return_loan(std::string_view id);
    [[nodiscard]] Result<sync::Loan> renew_loan(std::string_view id);
    // Fetches and checks the licence, then downloads (resumably) and verifies the content.
    [[nodiscard]] Result<sync::DownloadResult> download(std::string_view title_id, const DownloadProgress& progress);
    // The checks before a title opens (store/licence_check.h), online status
    // when possible, then decrypts every segment in memory.
    [[nodiscard]] Result<OpenedTitle> open_title(std::string_view title_id);
    // The unwrapped content key and package path of a title that passes the
    // checks (for render/: plaintext stays in memory).
    [[nodiscard]] Result<std::pair<drm::SecretBytes, std::filesystem::path>> title_key(std::string_view title_id);

    // The signed-in user's positions and bookmarks (NotSignedIn before
    // sign-in); the object stays valid, and usable from other threads, until
    // the next sign-in, sign-out or wipe.
    [[nodiscard]] Result<std::shared_ptr<Positions>> positions();
    // Online: sends positions saved here that the service does not have yet,
    // then takes every newer one from the service (last writer wins).
    [[nodiscard]] Result<PositionSyncReport> sync_positions();

    // A title's cover: from the user's store, else (online) fetched from the
    // service and kept there; nullopt offline when none was kept.
    [[nodiscard]] Result<std::optional<store::Cover>> cover(std::string_view title_id);

    // Uploads pending audit events; returns how many the service accepted.
    [[nodiscard]] Result<int64_t> upload_audit();
    // Crypto-erases every user's store (keys first), then the device key and files.
    [[nodiscard]] Result<WipeReport> wipe(std::string_view reason);
    [[nodiscard]] DoctorReport doctor();

    [[nodiscard]] platform::TrustedTime trusted_now();

    // Class sessions (issue 6, reader_sessions.cpp): online calls with a fresh access token.
    [[nodiscard]] Result<sync::ClassSession> create_session(const sync::NewSession& request);
    [[nodiscard]] Result<std::vector<sync::ClassSession>> class_sessions();
    [[nodiscard]] Result<sync::SessionDetail> class_session(std::string_view session_id);
    [[nodiscard]] Result<sync::ClassSession> start_session(std::string_view session_id);
    [[nodiscard]] Result<sync::ClassSession> guide_session(std::string_view session_id, int page);
    [[nodiscard]] Result<sync::SessionEnd> end_session(std::string_view session_id);
    // A student's state ("content-ready" or "reading") and page, for the teacher's roster.
    [[nodiscard]] Result<void> report_session_state(
        std::string_view session_id, std::string_view state, std::optional<int> page);
    // Fetches a title's package before its licence exists (sync/content_prefetch.h);
    // download() later only checks it. Nothing when the title's content is here already.
    [[nodiscard]] Result<sync::PrefetchResult> prefetch_title(std::string_view title_id, std::string_view content_href);
    // What an event stream on its own thread needs: the TLS settings with
    // this device's credentials, and (before each connection) the URL with a fresh token.
    [[nodiscard]] Result<sync::TlsConfig> event_stream_tls();
    [[nodiscard]] Result<sync::StreamAccess> event_stream_access();

private:
    explicit Reader(ReaderOptions options);
    [[nodiscard]] Result<void> load();
    [[nodiscard]] Result<void> require_trusted_network();
    [[nodiscard]] Result<sync::ServiceClient*> client(bool with_device);
    [[nodiscard]] Result<void> require_store() const;
    [[nodiscard]] Result<void> ensure_access_token();
    void audit(std::string_view type, std::optional<std::string> title, std::string detail);
    // Maps a sync failure; a revoked device wipes itself first.
    [[nodiscard]] Error service_failure(const sync::Error& error);
    [[nodiscard]] Result<SignInResult> sign_in_online(std::string_view login_id, std::string_view password,
        std::optional<std::string> totp, const std::optional<std::string>& previous_password);
    [[nodiscard]] Result<SignInResult> sign_in_offline(std::string_view login_id, std::string_view password);
    [[nodiscard]] Result<void> apply_status(const store::StoredLicence& licence, const sync::LicenceStatus& status);
    [[nodiscard]] Result<drm::Licence> checked_licence(std::string_view title_id, store::StoredLicence& stored);
    [[nodiscard]] Result<std::string> resolve_loan_id(std::string_view id);
    void save_ratchet();
    void doctor_policy(DoctorReport& report) const;
    void doctor_device(DoctorReport& report);
    void doctor_network_and_clock(DoctorReport& report);
    void doctor_stores(DoctorReport& report);

    ReaderOptions m_options;
    platform::Policy m_policy;
    platform::ReaderPaths m_paths;
    std::shared_ptr<platform::Clock> m_clock;
    std::unique_ptr<platform::TrustedClock> m_trusted_clock;
    std::unique_ptr<platform::FileKeyStore> m_key_store;
    std::unique_ptr<store::DeviceStore> m_device;
    std::shared_ptr<store::UserStore> m_store;
    std::shared_ptr<Positions> m_positions;
    std::unique_ptr<platform::NetworkTrust> m_network;
    std::unique_ptr<platform::NetlinkWatcher> m_watcher;
    std::unique_ptr<sync::ServiceClient> m_client;
    bool m_client_has_device { false };
    std::optional<std::string> m_login_id;
    bool m_untrusted_recorded { false };
    bool m_wiping { false };
};

}
