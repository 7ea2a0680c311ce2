#pragma once

// Roster import (`hondana-admin user import roster.csv`). The file is CSV
// (RFC 4180: quotes, "" escapes, CRLF or LF) in UTF-8 (a BOM is allowed) or
// Shift_JIS (Windows code page 932, as Excel writes it), with a header:
//
//   login_id,display_name,role,school,class,reading_level,password
//
// `class` may name several classes separated by ';'; `reading_level` and
// `password` may be empty (a password is then generated and reported once).
// Every line is checked first, and every bad line is reported with its line
// number. Without `partial`, nothing is imported when any line is bad; with
// it, the good lines are. The import is one transaction.

#include <string>
#include <string_view>
#include <vector>

#include "lending/accounts.h"
#include "lending/clock.h"
#include "lending/store.h"

namespace hondana::lending {

enum class RosterEncoding { Auto, Utf8, ShiftJis };

// Converts the file's bytes to UTF-8. Auto takes UTF-8 when the bytes are
// valid UTF-8, else Shift_JIS. MalformedRequest when they are neither.
[[nodiscard]] Result<std::string> decode_roster(std::string_view bytes, RosterEncoding encoding);

// RFC 4180 records (line numbers count physical lines, from 1).
struct CsvRecord {
    size_t line { 0 };
    std::vector<std::string> fields;
};
[[nodiscard]] Result<std::vector<CsvRecord>> parse_csv(std::string_view text);

struct RosterLineError {
    size_t line { 0 };
    std::string message;
};

struct RosterRow {
    size_t line { 0 };
    NewUser user;
    bool generated_password { false };
};

struct RosterReport {
    std::vector<RosterRow> valid;
    std::vector<RosterLineError> errors;
};

struct RosterCredential {
    std::string login_id;
    std::string password; // only for generated passwords
    std::optional<std::string> totp_uri;
};

class Roster {
public:
    Roster(Store& store, const Clock& clock);

    // Checks every line against the format, the tenant's password rule,
    // the schools and classes, and the login IDs taken.
    [[nodiscard]] Result<RosterReport> check(std::string_view tenant_slug, std::string_view utf8_csv);

    // Imports `report.valid` (all or nothing). Returns the generated
    // passwords and TOTP enrolment URIs.
    [[nodiscard]] Result<std::vector<RosterCredential>> import(
        const std::string& actor, std::string_view tenant_slug, const RosterReport& report);

private:
    Store& m_store;
    const Clock& m_clock;
};

}
