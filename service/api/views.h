#pragma once

// The JSON shapes of docs/protocol.md for lending values.

#include <nlohmann/json.hpp>

#include "lending/circulation.h"
#include "lending/tokens.h"

namespace hondana::api {

[[nodiscard]] nlohmann::json user_json(const lending::UserInfo& user);
[[nodiscard]] nlohmann::json sign_in_json(const lending::SignIn& sign_in);
[[nodiscard]] nlohmann::json loan_json(const lending::LoanView& loan);
[[nodiscard]] nlohmann::json reservation_json(const lending::ReservationView& reservation);
[[nodiscard]] nlohmann::json shelf_json(const lending::Shelf& shelf);

}
