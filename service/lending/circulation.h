#pragma once

// Loans, reservations and the hold queue. A title with N copies has at most N
// active loans plus copies held for the next in line; when a copy frees (a
// return, an expiry, a revocation) the oldest waiting reservation becomes
// `ready` and keeps the copy for `hold_days`; an unclaimed hold expires and
// the next in line gets it. Loans and holds past their end are settled
// lazily whenever their title is touched, and by a periodic sweep.

#include <optional>
#include <string>
#include <vector>

#include "lending/audit.h"
#include "lending/catalog.h"
#include "lending/clock.h"
#include "lending/model.h"
#include "lending/store.h"

namespace hondana::lending {

struct LoanView {
    std::string id;
    std::string title_id;
    std::string title;
    base::Timestamp start;
    base::Timestamp end;
    std::string status; // active, returned, expired, revoked, cancelled
    std::string licence_id;
    std::string licence_status;
    int renewals { 0 };
    int64_t user_id { 0 };
    int64_t tenant_id { 0 };
};

struct ReservationView {
    std::string id;
    std::string title_id;
    std::string title;
    int64_t position { 0 }; // 1 = first in line (ready reservations come first)
    std::optional<base::Timestamp> expires_at;
    std::string status; // waiting, ready
};

struct Shelf {
    std::vector<LoanView> loans;
    std::vector<ReservationView> reservations;
};

class Circulation {
public:
    Circulation(Store& store, const Clock& clock);

    [[nodiscard]] Result<LoanView> borrow(const Caller& caller, std::string_view title_id);
    [[nodiscard]] Result<ReservationView> reserve(const Caller& caller, std::string_view title_id);
    [[nodiscard]] Result<void> cancel_reservation(const Caller& caller, std::string_view reservation_id);
    [[nodiscard]] Result<LoanView> return_loan(const Caller& caller, std::string_view loan_id);
    // Extends the loan by the tenant's loan period, or to `requested_end`
    // when given (LSD renew); RenewRefused when someone waits, the renewal
    // limit is reached or the end asked for is beyond what is allowed.
    [[nodiscard]] Result<LoanView> renew(
        const Caller& caller, std::string_view loan_id, std::optional<base::Timestamp> requested_end = std::nullopt);
    // The caller's active loans and open reservations.
    [[nodiscard]] Result<Shelf> shelf(const Caller& caller);
    // Settles every loan and hold that is past its end; returns how many titles it touched.
    [[nodiscard]] Result<int> settle_all();

private:
    Store& m_store;
    const Clock& m_clock;
};

// Inside transactions.
[[nodiscard]] Result<LoanView> load_loan(storage::Database& db, int64_t tenant_id, std::string_view loan_id);
[[nodiscard]] Result<LoanView> load_loan_by_licence(
    storage::Database& db, int64_t tenant_id, std::string_view licence_id);
// Expires due loans and holds of a title and hands freed copies to the queue.
[[nodiscard]] Result<void> settle_title(
    storage::Database& db, base::Timestamp now, const TitleRecord& title, const std::string& tenant_slug);
// Ends an active loan with `status` (returned, revoked, cancelled), records
// the licence event and settles the title.
[[nodiscard]] Result<LoanView> end_loan(storage::Database& db, base::Timestamp now, const LoanView& loan,
    std::string_view status, const std::optional<std::string>& device_id, const AuditContext& audit);
// Returns a deleted user's loans and cancels their reservations.
[[nodiscard]] Result<void> close_user_circulation(storage::Database& db, base::Timestamp now, int64_t user_id,
    const std::string& tenant_slug, const std::string& actor);
// A loan's extended end if renewable now: RenewRefused otherwise.
[[nodiscard]] Result<base::Timestamp> renewal_end(storage::Database& db, base::Timestamp now, const LoanView& loan,
    const TenantPolicy& policy, std::optional<base::Timestamp> requested_end);

}
