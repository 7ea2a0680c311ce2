#include "core/online_session.h"

#include <charconv>

#include "hondana/base/time.h"
#include "core/online_session_core.h"

namespace hondana::client {

namespace {

std::string network_name(platform::NetworkTrustState state)
{
    switch (state) {
    case platform::NetworkTrustState::Trusted:
        return "trusted";
    case platform::NetworkTrustState::Untrusted:
        return "untrusted";
    case platform::NetworkTrustState::Offline:
        return "offline";
    case platform::NetworkTrustState::Unknown:
        return "unknown";
    }
    return "unknown";
}


}

OnlineSession::OnlineSession(OnlineOptions options, MainQueue& queue)
    : m_queue(queue)
    , m_core(std::make_shared<Core>())
    , m_sync_hook(std::make_shared<SyncHook>())
{
    m_core->options = std::move(options);
    m_sync_hook->owner = this;
}

OnlineSession::~OnlineSession()
{
    {
        std::lock_guard lock(m_sync_hook->mutex);
        m_sync_hook->owner = nullptr;
    }
    m_worker.clear();
}

void OnlineSession::sync_positions()
{
    if (m_sync_queued.exchange(true))
        return;
    post([this](Core& core) {
        m_sync_queued = false;
        if (core.reader && core.reader->network_report().state == platform::NetworkTrustState::Trusted)
            (void)core.reader->sync_positions();
    });
}

bool OnlineSession::available() const { return true; }

void OnlineSession::post_reader_job(std::function<void(reader::Reader&)> job)
{
    post([job = std::move(job)](Core& core) {
        if (core.reader)
            job(*core.reader);
    });
}

void OnlineSession::post(std::function<void(Core&)> job)
{
    m_worker.post([core = m_core, job = std::move(job)] { job(*core); });
}

void OnlineSession::start()
{
    post([this](Core& core) {
        reader::ReaderOptions options;
        if (core.options.policy)
            options.policy.explicit_file = *core.options.policy;
        options.home = core.options.home;
        auto opened = reader::Reader::open(std::move(options));
        if (!opened) {
            m_queue.push([error = opened.error()](AppState& s) {
                s.online.policy_loaded = false;
                s.online.admin_action = error.message;
                // No online reading without a policy: local books are all there is.
                if (!s.local_books.empty() && s.screen == Screen::Status)
                    s.screen = Screen::Bookshelf;
            });
            return;
        }
        core.reader = std::move(*opened);
        const auto& policy = core.reader->policy();
        std::string source = policy.files.empty() ? "default" : policy.files.back().string();
        bool enrolled = core.reader->enrolled();
        m_queue.push([source, device = policy.device_id, enrolled, language = policy.language](AppState& s) {
            s.online.policy_loaded = true;
            s.online.policy_source = source;
            s.online.device_id = device;
            s.online.enrolled = enrolled;
            s.online.admin_action = enrolled ? "" : "enrol";
            if (enrolled && s.screen == Screen::Status)
                s.screen = Screen::SignIn;
        });
    });
    check_network();
}

void OnlineSession::check_network()
{
    post([this](Core& core) {
        if (!core.reader)
            return;
        auto report = core.reader->check_network();
        m_queue.push([state = network_name(report.state), reason = report.reason](AppState& s) {
            s.online.network = state;
            s.online.network_reason = reason;
        });
    });
}

void OnlineSession::enrol()
{
    post([this](Core& core) {
        if (!core.reader)
            return;
        auto enrolled = core.reader->enrol();
        m_queue.push([enrolled](AppState& s) {
            if (!enrolled) {
                s.error = shown(enrolled.error(), "status.not_enrolled");
                s.online.admin_action = enrolled.error().message;
                return;
            }
            s.online.enrolled = true;
            s.online.admin_action.clear();
            s.screen = Screen::SignIn;
        });
        if (enrolled)
            check_network();
    });
}

void OnlineSession::sign_in(std::string login_id, std::string password, std::string totp, std::string previous_password)
{
    m_queue.push([](AppState& s) { s.online.signing_in = true; });
    post([this, login_id = std::move(login_id), password = std::move(password), totp = std::move(totp),
             previous_password = std::move(previous_password)](Core& core) {
        if (!core.reader)
            return;
        std::optional<std::string> code;
        if (!totp.empty())
            code = totp;
        std::optional<std::string> previous;
        if (!previous_password.empty())
            previous = previous_password;
        auto signed_in = core.reader->sign_in(login_id, password, code, previous);
        std::shared_ptr<PositionStore> positions;
        // An admin-issued password: the service refuses everything but the change until then.
        bool must_change = signed_in && signed_in->user.must_change_password;
        if (signed_in) {
            if (auto user_positions = core.reader->positions())
                positions = reader_position_store(*user_positions, [hook = m_sync_hook] { hook->request(); });
            if (signed_in->mode == store::SignInMode::Online && !must_change)
                (void)core.reader->sync_positions();
        }
        m_queue.push([this, signed_in, positions](AppState& s) {
            s.online.signing_in = false;
            if (!signed_in) {
                const auto& error = signed_in.error();
                s.online.locked = error.kind == reader::ErrorKind::Locked;
                s.online.totp_required = s.online.totp_required || error.message.find("totp") != std::string::npos;
                s.online.remaining_attempts = remaining_attempts(error.message);
                s.error = shown(error, message_key_for(error));
                return;
            }
            m_positions = positions;
            s.error.reset();
            s.online.signed_in = true;
            s.online.locked = false;
            s.online.remaining_attempts.reset();
            s.online.offline_mode = signed_in->mode == store::SignInMode::Offline;
            s.online.user_name = signed_in->user.display_name;
            s.classroom.staff = signed_in->user.role != "student";
            s.classroom.classes = signed_in->user.classes;
            s.online.must_change_password = signed_in->user.must_change_password;
            s.screen = s.online.must_change_password ? Screen::Password : Screen::Bookshelf;
            if (s.online.must_change_password)
                s.account = {};
        });
        if (signed_in && !must_change)
            refresh_loans();
    });
}

void OnlineSession::sign_out()
{
    m_positions.reset();
    post([this](Core& core) {
        if (core.reader)
            (void)core.reader->sign_out();
        core.covers.clear();
        m_queue.push([](AppState& s) {
            s.online.signed_in = false;
            s.online.offline_mode = false;
            s.online.must_change_password = false;
            s.online.loans.clear();
            s.online.reservations.clear();
            s.online.catalog.clear();
            s.screen = Screen::SignIn;
        });
    });
}

}
