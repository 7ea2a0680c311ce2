#pragma once

// Data export for migration to another service and for audits (REQ DATA-5,
// LOG-4): one tenant's users, classes, devices, loans and reservations as
// CSV, its catalog as an OPDS 2.0 feed. The audit log is exported as JSON
// Lines by lending/audit.h (export_audit).
//
// CSV is RFC 4180: UTF-8 (a byte order mark on request, for Excel), CRLF line
// ends, a header row, a cell quoted when it holds a comma, a quote, CR or LF
// (quotes doubled). A text cell that starts with = + - @, a tab or CR gets a
// leading apostrophe, so a spreadsheet shows it as text and never runs it as
// a formula (CSV injection, OWASP). Password hashes and TOTP secrets are never
// exported: the new service issues new passwords.

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "lending/error.h"
#include "lending/model.h"
#include "storage/database.h"

namespace hondana::lending {

enum class ExportTable { Users, Classes, Devices, Loans, Reservations };
enum class ByteOrderMark { No, Yes };

// "users", "classes", "devices", "loans", "reservations".
[[nodiscard]] std::optional<ExportTable> parse_export_table(std::string_view name);
[[nodiscard]] std::string_view export_table_name(ExportTable table);
[[nodiscard]] const std::vector<ExportTable>& export_tables();

// One cell, quoted and neutralised as described above.
[[nodiscard]] std::string csv_cell(std::string_view text);

// Writes one table of the tenant as CSV; returns the number of data rows.
// Runs inside the caller's (read) transaction.
[[nodiscard]] Result<int64_t> export_csv(
    storage::Database& db, int64_t tenant_id, ExportTable table, std::ostream& out, ByteOrderMark bom);

// The tenant's whole catalog as an OPDS 2.0 feed; acquisition links point to
// content/<file> (the protected packages, relative to the feed).
[[nodiscard]] Result<nlohmann::json> export_catalog(
    storage::Database& db, const Tenant& tenant, const std::string& generated_at);

}
