#include "api/views.h"

namespace hondana::api {

nlohmann::json user_json(const lending::UserInfo& user)
{
    nlohmann::json json = { { "id", std::to_string(user.id) }, { "login_id", user.login_id },
        { "display_name", user.display_name }, { "role", lending::role_name(user.role) }, { "school", user.school },
        { "classes", user.classes }, { "must_change_password", user.must_change_password } };
    if (user.reading_level)
        json["reading_level"] = *user.reading_level;
    return json;
}

nlohmann::json sign_in_json(const lending::SignIn& sign_in)
{
    return { { "access_token", sign_in.tokens.access_token },
        { "access_expires_at", base::format_rfc3339(sign_in.tokens.access_expires_at) },
        { "refresh_token", sign_in.tokens.refresh_token },
        { "refresh_expires_at", base::format_rfc3339(sign_in.tokens.refresh_expires_at) },
        { "user", user_json(sign_in.user) } };
}

nlohmann::json loan_json(const lending::LoanView& loan)
{
    return { { "id", loan.id }, { "title_id", loan.title_id }, { "title", loan.title },
        { "start", base::format_rfc3339(loan.start) }, { "end", base::format_rfc3339(loan.end) },
        { "status", loan.status }, { "licence", "/v1/licences/" + loan.licence_id }, { "licence_id", loan.licence_id },
        { "content", "/v1/content/" + loan.title_id }, { "renewals", loan.renewals } };
}

nlohmann::json reservation_json(const lending::ReservationView& reservation)
{
    nlohmann::json json = { { "id", reservation.id }, { "title_id", reservation.title_id },
        { "title", reservation.title }, { "position", reservation.position }, { "status", reservation.status } };
    if (reservation.expires_at)
        json["expires_at"] = base::format_rfc3339(*reservation.expires_at);
    return json;
}

nlohmann::json shelf_json(const lending::Shelf& shelf)
{
    nlohmann::json loans = nlohmann::json::array();
    for (const auto& loan : shelf.loans)
        loans.push_back(loan_json(loan));
    nlohmann::json reservations = nlohmann::json::array();
    for (const auto& reservation : shelf.reservations)
        reservations.push_back(reservation_json(reservation));
    return { { "loans", loans }, { "reservations", reservations } };
}

}
