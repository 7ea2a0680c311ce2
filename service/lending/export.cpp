#include "lending/export.h"

#include <array>

#include "lending/catalog.h"

namespace hondana::lending {

namespace {

struct TableQuery {
    ExportTable table;
    std::string_view name;
    std::vector<std::string_view> header;
    std::string_view sql; // ?1 = tenant id
};

const std::vector<TableQuery>& table_queries()
{
    static const std::vector<TableQuery> queries = {
        { ExportTable::Users, "users",
            { "login_id", "display_name", "role", "school", "classes", "reading_level", "status", "locked", "totp",
                "created_at", "updated_at" },
            "SELECT u.login_id, u.display_name, u.role, s.name, "
            "(SELECT group_concat(name, ';') FROM (SELECT c.name FROM class_members m JOIN classes c "
            "ON c.id = m.class_id WHERE m.user_id = u.id ORDER BY c.name)), u.reading_level, u.status, "
            "CASE WHEN u.locked THEN 'yes' ELSE 'no' END, CASE WHEN u.totp_secret IS NULL THEN 'no' ELSE 'yes' END, "
            "u.created_at, u.updated_at FROM users u LEFT JOIN schools s ON s.id = u.school_id "
            "WHERE u.tenant_id = ?1 ORDER BY u.login_id" },
        { ExportTable::Classes, "classes", { "school", "class", "students", "teachers", "created_at" },
            "SELECT s.name, c.name, (SELECT count(*) FROM class_members m JOIN users u ON u.id = m.user_id "
            "WHERE m.class_id = c.id AND u.role = 'student'), "
            "(SELECT group_concat(login_id, ';') FROM (SELECT u.login_id FROM class_members m JOIN users u "
            "ON u.id = m.user_id WHERE m.class_id = c.id AND u.role = 'teacher' ORDER BY u.login_id)), c.created_at "
            "FROM classes c JOIN schools s ON s.id = c.school_id WHERE c.tenant_id = ?1 ORDER BY s.name, c.name" },
        { ExportTable::Devices, "devices",
            { "device_id", "school", "label", "status", "key_pin", "certificate_serial", "enrolled_at", "revoked_at",
                "created_at" },
            "SELECT d.id, s.name, d.label, d.status, d.key_pin, d.certificate_serial, d.enrolled_at, d.revoked_at, "
            "d.created_at FROM devices d JOIN schools s ON s.id = d.school_id WHERE d.tenant_id = ?1 ORDER BY d.id" },
        { ExportTable::Loans, "loans",
            { "loan_id", "login_id", "title_id", "title", "licence_id", "start_at", "end_at", "status",
                "licence_status", "renewals", "created_at", "updated_at" },
            "SELECT l.id, u.login_id, l.title_id, t.title, l.licence_id, l.start_at, l.end_at, l.status, "
            "l.licence_status, l.renewals, l.created_at, l.updated_at FROM loans l JOIN users u ON u.id = l.user_id "
            "JOIN titles t ON t.id = l.title_id WHERE l.tenant_id = ?1 ORDER BY l.created_at, l.id" },
        { ExportTable::Reservations, "reservations",
            { "reservation_id", "login_id", "title_id", "title", "queued", "status", "ready_at", "expires_at",
                "created_at", "updated_at" },
            "SELECT r.id, u.login_id, r.title_id, t.title, r.queued, r.status, r.ready_at, r.expires_at, "
            "r.created_at, r.updated_at FROM reservations r JOIN users u ON u.id = r.user_id "
            "JOIN titles t ON t.id = r.title_id WHERE r.tenant_id = ?1 ORDER BY r.created_at, r.id" },
    };
    return queries;
}

const TableQuery& query_of(ExportTable table)
{
    for (const auto& query : table_queries())
        if (query.table == table)
            return query;
    return table_queries().front(); // unreachable: every table has a query
}

bool starts_formula(std::string_view text)
{
    static constexpr std::array<char, 6> triggers { '=', '+', '-', '@', '\t', '\r' };
    return !text.empty() && std::find(triggers.begin(), triggers.end(), text.front()) != triggers.end();
}

void write_row(std::ostream& out, const std::vector<std::string>& cells)
{
    for (size_t i = 0; i < cells.size(); ++i)
        out << (i ? "," : "") << csv_cell(cells[i]);
    out << "\r\n";
}

nlohmann::json publication(const TitleRecord& title)
{
    nlohmann::json metadata = { { "@type", "http://schema.org/Book" }, { "identifier", "urn:uuid:" + title.id },
        { "title", title.title }, { "language", title.language }, { "modified", title.created_at } };
    if (!title.author.empty())
        metadata["author"] = title.author;
    if (title.reading_level)
        metadata["hondana:readingLevel"] = *title.reading_level;
    nlohmann::json acquisition = { { "rel", "http://opds-spec.org/acquisition" },
        { "href", "content/" + title.content_file }, { "type", title.media_type() },
        { "properties", { { "hondana:length", title.content_length }, { "hondana:sha256", title.content_sha256 } } } };
    nlohmann::json holding = { { "type", holding_name(title.holding) } };
    if (title.holding != Holding::Unlimited)
        holding["copies"] = title.copies;
    return { { "metadata", metadata }, { "links", nlohmann::json::array({ acquisition }) },
        { "hondana:holding", holding } };
}

}

std::optional<ExportTable> parse_export_table(std::string_view name)
{
    for (const auto& query : table_queries())
        if (query.name == name)
            return query.table;
    return std::nullopt;
}

std::string_view export_table_name(ExportTable table)
{
    return query_of(table).name;
}

const std::vector<ExportTable>& export_tables()
{
    static const std::vector<ExportTable> all = { ExportTable::Users, ExportTable::Classes, ExportTable::Devices,
        ExportTable::Loans, ExportTable::Reservations };
    return all;
}

std::string csv_cell(std::string_view text)
{
    std::string cell;
    if (starts_formula(text))
        cell += '\'';
    cell += text;
    if (cell.find_first_of(",\"\r\n") == std::string::npos)
        return cell;
    std::string quoted = "\"";
    for (char c : cell)
        quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

Result<int64_t> export_csv(
    storage::Database& db, int64_t tenant_id, ExportTable table, std::ostream& out, ByteOrderMark bom)
{
    const auto& query = query_of(table);
    if (bom == ByteOrderMark::Yes)
        out << "\xEF\xBB\xBF";
    write_row(out, { query.header.begin(), query.header.end() });
    auto rows = TRY_DB(db.prepare(query.sql));
    rows.bind(1, tenant_id);
    int64_t count = 0;
    std::vector<std::string> cells(query.header.size());
    while (TRY_DB(rows.step())) {
        for (size_t i = 0; i < cells.size(); ++i)
            cells[i] = rows.text(static_cast<int>(i));
        write_row(out, cells);
        ++count;
    }
    if (!out)
        return fail(ErrorKind::Internal, "cannot write the " + std::string(query.name) + " export");
    return count;
}

Result<nlohmann::json> export_catalog(storage::Database& db, const Tenant& tenant, const std::string& generated_at)
{
    std::vector<std::string> ids;
    auto list = TRY_DB(db.prepare("SELECT id FROM titles WHERE tenant_id = ?1 ORDER BY title, id"));
    list.bind(1, tenant.id);
    while (TRY_DB(list.step()))
        ids.push_back(list.text(0));
    nlohmann::json publications = nlohmann::json::array();
    for (const auto& id : ids)
        publications.push_back(publication(TRY(load_title(db, tenant.id, id))));
    nlohmann::json metadata
        = { { "title", tenant.name }, { "modified", generated_at }, { "numberOfItems", publications.size() } };
    nlohmann::json self = { { "rel", "self" }, { "href", "catalog.opds.json" }, { "type", "application/opds+json" } };
    return nlohmann::json { { "metadata", metadata }, { "links", nlohmann::json::array({ self }) },
        { "publications", publications } };
}

}
