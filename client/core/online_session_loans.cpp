// OnlineSession: catalog, loans, downloads and opening borrowed titles.

#include <filesystem>

#include "core/online_session_core.h"

namespace hondana::client {

void OnlineSession::refresh_loans()
{
    post([this](Core& core) {
        if (!core.reader)
            return;
        auto loans = core.reader->loans();
        std::vector<LoanView> views;
        std::vector<ReservationView> reservations;
        if (loans) {
            for (const auto& loan : loans->loans) {
                if (loan.status != "active")
                    continue;
                auto view = loan_view(loan);
                // A title whose licence passes the offline checks is ready to read offline.
                view.ready_offline = static_cast<bool>(core.reader->title_key(loan.title_id));
                view.cover = cover_of(core, loan.title_id);
                views.push_back(std::move(view));
            }
            for (const auto& reservation : loans->reservations)
                reservations.push_back({ reservation.title, reservation.position });
        }
        m_queue.push([loans, views = std::move(views), reservations = std::move(reservations)](AppState& s) {
            if (!loans) {
                s.error = shown(loans.error(), message_key_for(loans.error()));
                return;
            }
            s.online.loans = views;
            s.online.reservations = reservations;
        });
    });
}

void OnlineSession::search_catalog(std::string query)
{
    m_queue.push([](AppState& s) { s.online.catalog_loading = true; });
    post([this, query = std::move(query)](Core& core) {
        if (!core.reader)
            return;
        auto page = core.reader->catalog(query, 1);
        m_queue.push([page](AppState& s) {
            s.online.catalog_loading = false;
            if (!page) {
                s.error = shown(page.error(), message_key_for(page.error()));
                return;
            }
            s.online.catalog.clear();
            for (const auto& entry : page->entries)
                s.online.catalog.push_back({ entry.id, entry.title, entry.author, entry.copies, entry.available, entry.queue });
        });
    });
}

void OnlineSession::borrow(std::string title_id)
{
    post([this, title_id = std::move(title_id)](Core& core) {
        if (!core.reader)
            return;
        auto loan = core.reader->borrow(title_id);
        m_queue.push([loan](AppState& s) {
            if (!loan) {
                s.error = shown(loan.error(), message_key_for(loan.error()));
                return;
            }
            s.screen = Screen::Bookshelf;
        });
        if (loan)
            refresh_loans();
    });
}

void OnlineSession::reserve(std::string title_id)
{
    post([this, title_id = std::move(title_id)](Core& core) {
        if (!core.reader)
            return;
        auto reservation = core.reader->reserve(title_id);
        if (!reservation)
            m_queue.push([error = reservation.error()](AppState& s) { s.error = shown(error, message_key_for(error)); });
        refresh_loans();
    });
}

void OnlineSession::return_loan(std::string loan_id)
{
    post([this, loan_id = std::move(loan_id)](Core& core) {
        if (!core.reader)
            return;
        auto returned = core.reader->return_loan(loan_id);
        if (!returned)
            m_queue.push([error = returned.error()](AppState& s) { s.error = shown(error, message_key_for(error)); });
        refresh_loans();
    });
}

void OnlineSession::download(std::string title_id)
{
    m_queue.push([title_id](AppState& s) {
        for (auto& loan : s.online.loans) {
            if (loan.title_id == title_id)
                loan.download_percent = 0;
        }
    });
    post([this, title_id = std::move(title_id)](Core& core) {
        if (!core.reader)
            return;
        int last_percent = -1;
        auto progress = [&](uint64_t have, uint64_t total) {
            int percent = total ? static_cast<int>(have * 100 / total) : 0;
            if (percent == last_percent)
                return;
            last_percent = percent;
            m_queue.push([title_id, percent](AppState& s) {
                for (auto& loan : s.online.loans) {
                    if (loan.title_id == title_id)
                        loan.download_percent = percent;
                }
            });
        };
        auto downloaded = core.reader->download(title_id, progress);
        bool ready = downloaded && core.reader->title_key(title_id);
        m_queue.push([title_id, downloaded, ready](AppState& s) {
            for (auto& loan : s.online.loans) {
                if (loan.title_id == title_id) {
                    loan.download_percent.reset();
                    loan.ready_offline = ready;
                }
            }
            if (!downloaded)
                s.error = shown(downloaded.error(), message_key_for(downloaded.error()));
        });
    });
}

void OnlineSession::open_title(std::string title_id, std::function<void(BookSource, AppState&)> ready)
{
    post([this, title_id = std::move(title_id), ready = std::move(ready)](Core& core) {
        if (!core.reader)
            return;
        // A newer position from another device is taken before the book opens.
        if (core.reader->network_report().state == platform::NetworkTrustState::Trusted)
            (void)core.reader->sync_positions();
        auto key = core.reader->title_key(title_id);
        if (!key) {
            m_queue.push([error = key.error()](AppState& s) {
                s.reader.opening = false;
                s.error = shown(error, "reader.open_failed");
            });
            return;
        }
        BookSource source;
        source.id = title_id;
        source.path = key->second;
        source.content_key = std::make_shared<const drm::SecretBytes>(std::move(key->first));
        m_queue.push([source = std::move(source), ready](AppState& s) { ready(source, s); });
    });
}

}
