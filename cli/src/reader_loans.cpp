// Catalog, loans, reservations, returns and renewals.

#include "hondana/reader/reader.h"
#include "hondana/store/licence_check.h"

namespace hondana::reader {

namespace {

store::LoanRecord record_from(const sync::Loan& loan)
{
    return { loan.id, loan.title_id, loan.title, loan.start, loan.end, loan.status, loan.licence_href,
        loan.content_href, loan.renewals };
}

sync::Loan loan_from(const store::LoanRecord& record)
{
    return { record.id, record.title_id, record.title, record.start, record.end, record.status, record.licence_href,
        record.content_href, record.renewals };
}

}

Result<sync::CatalogPage> Reader::catalog(std::string_view query, int page)
{
    TRY(ensure_access_token());
    auto result = m_client->catalog(query, page);
    if (!result)
        return tl::make_unexpected(service_failure(result.error()));
    return std::move(*result);
}

Result<sync::LoanList> Reader::loans()
{
    TRY(require_store());
    if (check_network().state != platform::NetworkTrustState::Trusted) {
        sync::LoanList offline;
        for (const auto& record : TRY(m_store->loans().map_error(from_store)))
            offline.loans.push_back(loan_from(record));
        return offline;
    }
    TRY(ensure_access_token());
    auto list = m_client->loans();
    if (!list)
        return tl::make_unexpected(service_failure(list.error()));
    std::vector<store::LoanRecord> records;
    for (const auto& loan : list->loans)
        records.push_back(record_from(loan));
    TRY(m_store->replace_loans(records).map_error(from_store));
    // Licences the service no longer backs lose their key and content here.
    for (const auto& loan : list->loans) {
        auto stored = TRY(m_store->licence_for_title(loan.title_id).map_error(from_store));
        if (!stored)
            continue;
        auto status = m_client->licence_status(stored->id);
        if (!status)
            return tl::make_unexpected(service_failure(status.error()));
        TRY(apply_status(*stored, *status));
    }
    (void)upload_audit();
    return std::move(*list);
}

Result<sync::Loan> Reader::borrow(std::string_view title_id)
{
    TRY(ensure_access_token());
    auto loan = m_client->borrow(title_id);
    if (!loan)
        return tl::make_unexpected(service_failure(loan.error()));
    TRY(m_store->save_loan(record_from(*loan)).map_error(from_store));
    return std::move(*loan);
}

Result<sync::Reservation> Reader::reserve(std::string_view title_id)
{
    TRY(ensure_access_token());
    auto reservation = m_client->reserve(title_id);
    if (!reservation)
        return tl::make_unexpected(service_failure(reservation.error()));
    return std::move(*reservation);
}

Result<std::string> Reader::resolve_loan_id(std::string_view id)
{
    auto by_title = TRY(m_store->loan_for_title(id).map_error(from_store));
    if (by_title)
        return by_title->id;
    return std::string(id);
}

Result<sync::Loan> Reader::return_loan(std::string_view id)
{
    TRY(ensure_access_token());
    (void)loans();
    auto loan_id = TRY(resolve_loan_id(id));
    auto loan = m_client->return_loan(loan_id);
    if (!loan)
        return tl::make_unexpected(service_failure(loan.error()));
    TRY(m_store->save_loan(record_from(*loan)).map_error(from_store));
    TRY(m_store->erase_title(loan->title_id).map_error(from_store));
    audit(store::audit_type::content_erased, loan->title_id, "loan returned");
    (void)upload_audit();
    return std::move(*loan);
}

Result<sync::Loan> Reader::renew_loan(std::string_view id)
{
    TRY(ensure_access_token());
    (void)loans();
    auto loan_id = TRY(resolve_loan_id(id));
    auto loan = m_client->renew_loan(loan_id);
    if (!loan)
        return tl::make_unexpected(service_failure(loan.error()));
    TRY(m_store->save_loan(record_from(*loan)).map_error(from_store));
    // The licence carries the loan end: fetch the renewed one.
    auto stored = TRY(m_store->licence_for_title(loan->title_id).map_error(from_store));
    if (stored && !loan->licence_href.empty()) {
        auto document = m_client->licence(loan->licence_href);
        if (!document)
            return tl::make_unexpected(service_failure(document.error()));
        auto now = trusted_now().now;
        TRY(m_store->save_licence({ stored->id, loan->title_id, *document, "active", now }).map_error(from_store));
    }
    return std::move(*loan);
}

Result<void> Reader::apply_status(const store::StoredLicence& licence, const sync::LicenceStatus& status)
{
    auto now = trusted_now().now;
    if (store::status_ends_use(status.status)) {
        TRY(m_store->erase_title(licence.title_id).map_error(from_store));
        audit(store::audit_type::content_erased, licence.title_id, "licence " + status.status);
        return {};
    }
    return m_store->mark_licence_checked(licence.id, status.status, now).map_error(from_store);
}

}
