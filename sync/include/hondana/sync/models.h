#pragma once

// What the service's JSON responses mean to the reader (docs/protocol.md),
// parsed strictly: a missing or mistyped member is MalformedResponse naming it.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hondana/base/time.h"
#include "hondana/sync/error.h"

namespace hondana::sync {

struct EnrolResult {
    std::string device_certificate_pem;
    std::string ca_certificates_pem;
    std::string tenant;
    std::string school;
};

struct User {
    std::string id;
    std::string login_id;
    std::string display_name;
    std::string role;
    std::string school;
    std::vector<std::string> classes;
};

struct Session {
    std::string access_token;
    base::Timestamp access_expires_at;
    std::string refresh_token;
    base::Timestamp refresh_expires_at;
    User user;
};

struct CatalogEntry {
    std::string id;         // the title ID routes take (from the borrow link, else the identifier without urn:uuid:)
    std::string identifier; // metadata.identifier as published
    std::string title;
    std::string language;
    std::string author;
    std::optional<int64_t> reading_level;
    int64_t copies { 0 };
    int64_t available { 0 };
    int64_t queue { 0 };
};

struct CatalogPage {
    int64_t total { 0 };
    int64_t page { 1 };
    int64_t per_page { 0 };
    bool has_next { false };
    std::vector<CatalogEntry> entries;
};

struct Loan {
    std::string id;
    std::string title_id;
    std::string title;
    base::Timestamp start;
    base::Timestamp end;
    std::string status;
    std::string licence_href;
    std::string content_href;
    int64_t renewals { 0 };
};

struct Reservation {
    std::string id;
    std::string title_id;
    std::string title;
    int64_t position { 0 };
    std::optional<base::Timestamp> expires_at;
    std::string status;
};

struct LoanList {
    std::vector<Loan> loans;
    std::vector<Reservation> reservations;
};

struct StatusEvent {
    std::string type;
    std::string name;
    std::string id;
    base::Timestamp timestamp;
};

// A License Status Document.
struct LicenceStatus {
    std::string id;
    std::string status;
    std::string message;
    std::optional<base::Timestamp> licence_updated;
    std::optional<base::Timestamp> status_updated;
    std::vector<StatusEvent> events;
    std::optional<base::Timestamp> potential_end;
};

// A reading position as the service keeps it (PUT/GET /v1/positions).
struct RemotePosition {
    std::string title_id;
    std::string locator;
    base::Timestamp updated_at;
    std::string device_id;
    bool accepted { true }; // PUT only: false when a newer position won
};

[[nodiscard]] Result<EnrolResult> parse_enrol_result(const nlohmann::json& json);
[[nodiscard]] Result<User> parse_user(const nlohmann::json& json);
[[nodiscard]] Result<Session> parse_session(const nlohmann::json& json);
[[nodiscard]] Result<CatalogPage> parse_catalog(const nlohmann::json& json);
[[nodiscard]] Result<Loan> parse_loan(const nlohmann::json& json);
[[nodiscard]] Result<Reservation> parse_reservation(const nlohmann::json& json);
[[nodiscard]] Result<LoanList> parse_loan_list(const nlohmann::json& json);
[[nodiscard]] Result<LicenceStatus> parse_licence_status(const nlohmann::json& json);
[[nodiscard]] Result<RemotePosition> parse_position(const nlohmann::json& json);
[[nodiscard]] Result<std::vector<RemotePosition>> parse_position_list(const nlohmann::json& json);

}
