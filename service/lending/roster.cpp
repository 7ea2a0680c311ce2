#include "lending/roster.h"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <set>
#include <thread>

#include "lending/directory.h"
#include "lending/password.h"

namespace hondana::lending {

namespace {

// An iconv conversion descriptor.
class Iconv {
public:
    Iconv(const char* to, const char* from)
        : m_cd(iconv_open(to, from))
    {
    }
    ~Iconv()
    {
        if (valid())
            iconv_close(m_cd);
    }
    Iconv(const Iconv&) = delete;
    Iconv& operator=(const Iconv&) = delete;
    [[nodiscard]] bool valid() const { return m_cd != reinterpret_cast<iconv_t>(-1); }
    [[nodiscard]] iconv_t get() const { return m_cd; }

private:
    iconv_t m_cd;
};

bool valid_utf8(std::string_view text)
{
    size_t i = 0;
    while (i < text.size()) {
        auto c = static_cast<unsigned char>(text[i]);
        size_t extra = 0;
        if (c < 0x80)
            extra = 0;
        else if (c >= 0xc2 && c <= 0xdf)
            extra = 1;
        else if (c >= 0xe0 && c <= 0xef)
            extra = 2;
        else if (c >= 0xf0 && c <= 0xf4)
            extra = 3;
        else
            return false;
        if (i + extra >= text.size() && extra > 0)
            return false;
        for (size_t k = 1; k <= extra; ++k)
            if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80)
                return false;
        i += extra + 1;
    }
    return true;
}

Result<std::string> from_shift_jis(std::string_view bytes)
{
    Iconv cd("UTF-8", "CP932");
    if (!cd.valid())
        return fail(ErrorKind::Internal, "iconv cannot convert from CP932");
    std::string in(bytes);
    std::string out(bytes.size() * 3 + 16, '\0');
    char* in_ptr = in.data();
    size_t in_left = in.size();
    char* out_ptr = out.data();
    size_t out_left = out.size();
    if (iconv(cd.get(), &in_ptr, &in_left, &out_ptr, &out_left) == static_cast<size_t>(-1))
        return fail(ErrorKind::MalformedRequest,
            "not valid Shift_JIS at byte " + std::to_string(static_cast<size_t>(in_ptr - in.data())));
    out.resize(out.size() - out_left);
    return out;
}

std::string trim(std::string_view text)
{
    size_t start = 0, end = text.size();
    while (start < end && (text[start] == ' ' || text[start] == '\t'))
        ++start;
    while (end > start && (text[end - 1] == ' ' || text[end - 1] == '\t'))
        --end;
    return std::string(text.substr(start, end - start));
}

std::vector<std::string> split_classes(std::string_view text)
{
    std::vector<std::string> classes;
    size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find(';', start);
        if (end == std::string_view::npos)
            end = text.size();
        auto name = trim(text.substr(start, end - start));
        if (!name.empty())
            classes.push_back(name);
        start = end + 1;
    }
    return classes;
}

const std::vector<std::string> roster_header
    = { "login_id", "display_name", "role", "school", "class", "reading_level", "password" };

// Checks one record on its own (no database).
std::optional<std::string> row_problem(const CsvRecord& record, const TenantPolicy& policy, RosterRow& row)
{
    if (record.fields.size() != roster_header.size())
        return "expected " + std::to_string(roster_header.size()) + " fields, found "
            + std::to_string(record.fields.size());
    auto field = [&](size_t i) { return trim(record.fields[i]); };
    row.line = record.line;
    row.user.login_id = field(0);
    row.user.display_name = field(1);
    if (!valid_identifier(row.user.login_id))
        return "login_id '" + row.user.login_id + "' is not 1-64 of A-Z a-z 0-9 . _ -";
    if (row.user.display_name.empty() || row.user.display_name.size() > 200)
        return "display_name must be 1-200 bytes";
    auto role = parse_role(field(2));
    if (!role)
        return "role must be student, teacher or admin (got '" + field(2) + "')";
    row.user.role = *role;
    if (!field(3).empty())
        row.user.school = field(3);
    else if (*role != Role::Admin)
        return "school is required for students and teachers";
    row.user.classes = split_classes(record.fields[4]);
    if (auto level = field(5); !level.empty()) {
        int value = 0;
        auto [end, ec] = std::from_chars(level.data(), level.data() + level.size(), value);
        if (ec != std::errc() || end != level.data() + level.size() || value < 0 || value > 100)
            return "reading_level must be a whole number 0-100 (got '" + level + "')";
        row.user.reading_level = value;
    }
    row.user.password = record.fields[6];
    if (row.user.password.empty()) {
        auto generated = generate_password();
        if (!generated)
            return generated.error().message;
        row.user.password = *generated;
        row.generated_password = true;
        row.user.temporary_password = true; // a generated password is changed at the first sign-in
    }
    if (auto reasons = password_rule_violations(row.user.password, row.user.login_id, policy); !reasons.empty()) {
        std::string message = "password rejected:";
        for (const auto& reason : reasons)
            message += " " + reason + ";";
        message.pop_back();
        return message;
    }
    return std::nullopt;
}

Result<std::optional<std::string>> database_problem(storage::Database& db, const Tenant& tenant, const NewUser& user)
{
    auto taken = TRY_DB(db.prepare("SELECT status FROM users WHERE tenant_id = ?1 AND login_id = ?2"));
    taken.bind(1, tenant.id).bind(2, user.login_id);
    if (TRY_DB(taken.step()))
        return std::optional<std::string>("login_id " + user.login_id + " is taken"
            + (taken.text(0) == "deleted" ? " by a deleted account (never reused)" : ""));
    if (!user.school)
        return std::optional<std::string> {};
    auto school = find_school(db, tenant.id, *user.school);
    if (!school)
        return std::optional<std::string>("no school named " + *user.school);
    for (const auto& name : user.classes)
        if (!find_class(db, *school, name))
            return std::optional<std::string>("no class named " + name + " in " + *user.school);
    return std::optional<std::string> {};
}

}

Result<std::string> decode_roster(std::string_view bytes, RosterEncoding encoding)
{
    if (encoding != RosterEncoding::ShiftJis) {
        std::string_view text = bytes;
        if (text.substr(0, 3) == "\xEF\xBB\xBF")
            text.remove_prefix(3);
        if (valid_utf8(text))
            return std::string(text);
        if (encoding == RosterEncoding::Utf8)
            return fail(ErrorKind::MalformedRequest, "the file is not valid UTF-8");
    }
    return from_shift_jis(bytes);
}

Result<std::vector<CsvRecord>> parse_csv(std::string_view text)
{
    std::vector<CsvRecord> records;
    CsvRecord current { 1, { std::string() } };
    size_t line = 1;
    bool quoted = false;
    bool any = false;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                current.fields.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                if (c == '\n')
                    ++line;
                current.fields.back() += c;
            }
            continue;
        }
        if (c == '"' && current.fields.back().empty()) {
            quoted = true;
            any = true;
        } else if (c == ',') {
            current.fields.emplace_back();
            any = true;
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            continue;
        } else if (c == '\n') {
            if (any || current.fields.size() > 1 || !current.fields.back().empty())
                records.push_back(std::move(current));
            current = CsvRecord { ++line, { std::string() } };
            any = false;
        } else {
            current.fields.back() += c;
            any = true;
        }
    }
    if (quoted)
        return fail(
            ErrorKind::MalformedRequest, "line " + std::to_string(current.line) + ": a quoted field is not closed");
    if (any || current.fields.size() > 1 || !current.fields.back().empty())
        records.push_back(std::move(current));
    return records;
}

Roster::Roster(Store& store, const Clock& clock)
    : m_store(store)
    , m_clock(clock)
{
}

Result<RosterReport> Roster::check(std::string_view tenant_slug, std::string_view utf8_csv)
{
    auto records = TRY(parse_csv(utf8_csv));
    if (records.empty() || records.front().fields.size() != roster_header.size()
        || !std::equal(roster_header.begin(), roster_header.end(), records.front().fields.begin(),
            [](const std::string& want, const std::string& got) { return want == trim(got); }))
        return fail(ErrorKind::MalformedRequest,
            "line 1 must be the header: login_id,display_name,role,school,class,reading_level,password");
    return m_store.read([&](storage::Database& db) -> Result<RosterReport> {
        auto tenant = TRY(load_tenant(db, tenant_slug));
        RosterReport report;
        std::set<std::string> seen;
        for (size_t i = 1; i < records.size(); ++i) {
            RosterRow row;
            auto problem = row_problem(records[i], tenant.policy, row);
            if (!problem && !seen.insert(row.user.login_id).second)
                problem = "login_id " + row.user.login_id + " appears twice in the file";
            if (!problem)
                problem = TRY(database_problem(db, tenant, row.user));
            if (problem)
                report.errors.push_back({ records[i].line, *problem });
            else
                report.valid.push_back(std::move(row));
        }
        return report;
    });
}

Result<std::vector<RosterCredential>> Roster::import(
    const std::string& actor, std::string_view tenant_slug, const RosterReport& report)
{
    auto tenant = TRY(m_store.read([&](storage::Database& db) { return load_tenant(db, tenant_slug); }));
    // PBKDF2 at full cost is slow: hash on every core, then write in one transaction.
    std::vector<Result<std::string>> hashes(report.valid.size(), fail(ErrorKind::Internal, "not hashed"));
    size_t workers = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
    std::vector<std::thread> threads;
    for (size_t w = 0; w < workers; ++w)
        threads.emplace_back([&, w] {
            for (size_t i = w; i < report.valid.size(); i += workers)
                hashes[i] = hash_password(report.valid[i].user.password, tenant.policy.pbkdf2_iterations);
        });
    for (auto& thread : threads)
        thread.join();
    auto now = m_clock.now();
    return m_store.write([&](storage::Database& db) -> Result<std::vector<RosterCredential>> {
        std::vector<RosterCredential> credentials;
        for (size_t i = 0; i < report.valid.size(); ++i) {
            const auto& row = report.valid[i];
            if (!hashes[i])
                return tl::make_unexpected(hashes[i].error());
            auto created = Accounts::insert_user(db, now, tenant, row.user, *hashes[i], actor);
            if (!created)
                return fail(created.error().kind, "line " + std::to_string(row.line) + ": " + created.error().message);
            if (row.generated_password || created->totp_uri)
                credentials.push_back({ row.user.login_id, row.generated_password ? row.user.password : std::string(),
                    created->totp_uri });
        }
        return credentials;
    });
}

}
