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
    // The password was issued by an admin (generated or --temporary): until
    // the user changes it (POST /v1/me/password) every other user route
    // answers password-change-required. Absent in the JSON means false.
    bool must_change_password { false };
};

struct Session {
    std::string access_token;
    base::Timestamp access_expires_at;
    std::string refresh_token;
    base::Timestamp refresh_expires_at;
    User user;
};

// POST /v1/me/password: the new session on this device, and how many
// sessions of the user the change ended.
struct PasswordChanged {
    Session session;
    int64_t signed_out_sessions { 0 };
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

// A title's cover (GET /v1/titles/{id}/cover): an SVG, PNG or JPEG image.
struct CoverImage {
    std::string media_type;
    std::vector<uint8_t> bytes;
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

// Class sessions (issue 6, docs/protocol.md "Class sessions"). `mode` is
// "free" or "guided"; `state` "scheduled", "live" or "ended".
struct ClassSession {
    std::string id;
    std::string class_name;
    std::string school;
    std::string title_id;
    std::string title;
    std::string content_href; // the title's package (the device may fetch it before any licence)
    std::string teacher;      // display name
    std::string teacher_login;
    std::string mode;
    std::string state;
    int start_page { 1 };
    int page { 1 }; // the teacher's page in guided mode, else the start page
    std::optional<base::Timestamp> start_at;
    std::optional<base::Timestamp> started_at;
    std::optional<base::Timestamp> ended_at;
    std::optional<std::string> licence_id; // a student's licence, once live
};

// A student on the teacher's roster: state is "not-connected", "connected",
// "content-ready" or "reading".
struct RosterEntry {
    std::string session_id;
    std::string login_id;
    std::string display_name;
    std::string state;
    std::optional<int> page;
};

struct SessionDetail {
    ClassSession session;
    std::vector<RosterEntry> roster; // the class's leaders only
};

struct SessionEnd {
    ClassSession session;
    int returned { 0 }; // session loans returned (students' own loans stay)
};

// POST /v1/sessions.
struct NewSession {
    std::string class_name;
    std::optional<std::string> school;
    std::string title_id;
    int start_page { 1 };
    std::string mode { "free" };
    std::optional<base::Timestamp> start_at; // absent: now
};

// One event of GET /v1/events, decoded.
struct SessionEvent {
    enum class Kind { Sync, Scheduled, Started, Page, Ended, StartFailed, StudentState, Unknown };
    Kind kind { Kind::Unknown };
    std::string id;   // the stream position after it (Last-Event-ID)
    std::string type; // as sent
    std::optional<ClassSession> session;
    std::vector<RosterEntry> roster;     // a staff snapshot's roster
    std::optional<RosterEntry> student;  // student.state
    std::string sync_reason;             // sync: "new" or "gap" (rebuild from the snapshot that follows)
    nlohmann::json data;                 // the whole payload (start_failed: students, needed, available)
};

[[nodiscard]] Result<ClassSession> parse_class_session(const nlohmann::json& json);
[[nodiscard]] Result<RosterEntry> parse_roster_entry(const nlohmann::json& json);
[[nodiscard]] Result<SessionDetail> parse_session_detail(const nlohmann::json& json);
[[nodiscard]] Result<std::vector<ClassSession>> parse_session_list(const nlohmann::json& json);
[[nodiscard]] Result<SessionEnd> parse_session_end(const nlohmann::json& json);
// An event's `type` and `data` (JSON text). An unknown type is Kind::Unknown, not an error.
[[nodiscard]] Result<SessionEvent> parse_session_event(std::string_view type, std::string_view data);
[[nodiscard]] nlohmann::json new_session_json(const NewSession& request);

}
