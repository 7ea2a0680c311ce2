// The user store's records: profile, session, loans, licences, content,
// reading positions, bookmarks, annotations, settings.

#include <nlohmann/json.hpp>

#include "convert.h"
#include "database.h"
#include "hondana/platform/files.h"
#include "hondana/store/user_store.h"

namespace hondana::store {

namespace {

std::string time_text(base::Timestamp time)
{
    return base::format_rfc3339(time);
}

base::Timestamp time_of(const std::string& text)
{
    return base::parse_rfc3339(text).value_or(base::Timestamp {});
}

LoanRecord loan_from(const detail::Statement& row)
{
    return LoanRecord { row.text(0), row.text(1), row.text(2), time_of(row.text(3)), time_of(row.text(4)), row.text(5),
        row.text(6), row.text(7), row.int64(8) };
}

constexpr std::string_view loan_columns
    = "id, title_id, title, start, end, status, licence_href, content_href, renewals";

}

Result<void> UserStore::save_profile(const UserProfile& profile)
{
    std::lock_guard lock(m_mutex);
    auto statement = TRY(m_db->prepare("INSERT OR REPLACE INTO profile VALUES (1, ?, ?, ?, ?, ?, ?);"));
    statement.bind(1, profile.user_id).bind(2, profile.login_id).bind(3, profile.display_name);
    statement.bind(4, profile.role).bind(5, profile.school).bind(6, nlohmann::json(profile.classes).dump());
    return statement.run();
}

Result<std::optional<UserProfile>> UserStore::profile()
{
    std::lock_guard lock(m_mutex);
    auto row = TRY(
        m_db->prepare("SELECT user_id, login_id, display_name, role, school, classes FROM profile WHERE id = 1;"));
    if (!TRY(row.step()))
        return std::optional<UserProfile> {};
    UserProfile profile { row.text(0), row.text(1), row.text(2), row.text(3), row.text(4), {} };
    auto classes = nlohmann::json::parse(row.text(5), nullptr, false);
    if (classes.is_array()) {
        for (const auto& item : classes) {
            if (item.is_string())
                profile.classes.push_back(item.get<std::string>());
        }
    }
    return std::optional<UserProfile>(std::move(profile));
}

Result<void> UserStore::save_session(const SessionTokens& tokens)
{
    std::lock_guard lock(m_mutex);
    auto statement = TRY(m_db->prepare("INSERT OR REPLACE INTO session VALUES (1, ?, ?, ?, ?);"));
    statement.bind(1, tokens.access_token).bind(2, time_text(tokens.access_expires_at));
    statement.bind(3, tokens.refresh_token).bind(4, time_text(tokens.refresh_expires_at));
    return statement.run();
}

Result<std::optional<SessionTokens>> UserStore::session()
{
    std::lock_guard lock(m_mutex);
    auto row = TRY(m_db->prepare(
        "SELECT access_token, access_expires_at, refresh_token, refresh_expires_at FROM session WHERE id = 1;"));
    if (!TRY(row.step()))
        return std::optional<SessionTokens> {};
    return SessionTokens { row.text(0), time_of(row.text(1)), row.text(2), time_of(row.text(3)) };
}

Result<void> UserStore::clear_session()
{
    std::lock_guard lock(m_mutex);
    return m_db->exec("DELETE FROM session;");
}

Result<void> UserStore::replace_loans(const std::vector<LoanRecord>& loans)
{
    std::lock_guard lock(m_mutex);
    return m_db->transaction([&]() -> Result<void> {
        TRY(m_db->exec("DELETE FROM loans;"));
        for (const auto& loan : loans) {
            auto statement = TRY(m_db->prepare("INSERT OR REPLACE INTO loans VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?);"));
            statement.bind(1, loan.id).bind(2, loan.title_id).bind(3, loan.title).bind(4, time_text(loan.start));
            statement.bind(5, time_text(loan.end)).bind(6, loan.status).bind(7, loan.licence_href);
            statement.bind(8, loan.content_href).bind(9, loan.renewals);
            TRY(statement.run());
        }
        return {};
    });
}

Result<void> UserStore::save_loan(const LoanRecord& loan)
{
    std::lock_guard lock(m_mutex);
    auto statement = TRY(m_db->prepare("INSERT OR REPLACE INTO loans VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?);"));
    statement.bind(1, loan.id).bind(2, loan.title_id).bind(3, loan.title).bind(4, time_text(loan.start));
    statement.bind(5, time_text(loan.end)).bind(6, loan.status).bind(7, loan.licence_href);
    statement.bind(8, loan.content_href).bind(9, loan.renewals);
    return statement.run();
}

Result<std::vector<LoanRecord>> UserStore::loans()
{
    std::lock_guard lock(m_mutex);
    auto rows = TRY(m_db->prepare("SELECT " + std::string(loan_columns) + " FROM loans ORDER BY end, id;"));
    std::vector<LoanRecord> loans;
    while (TRY(rows.step()))
        loans.push_back(loan_from(rows));
    return loans;
}

Result<std::optional<LoanRecord>> UserStore::loan_for_title(std::string_view title_id)
{
    std::lock_guard lock(m_mutex);
    auto row = TRY(m_db->prepare("SELECT " + std::string(loan_columns)
        + " FROM loans WHERE title_id = ? ORDER BY (status = 'active') DESC, end DESC LIMIT 1;"));
    row.bind(1, title_id);
    if (!TRY(row.step()))
        return std::optional<LoanRecord> {};
    return std::optional<LoanRecord>(loan_from(row));
}

Result<void> UserStore::save_licence(const StoredLicence& licence)
{
    std::lock_guard lock(m_mutex);
    return m_db->transaction([&]() -> Result<void> {
        auto old = TRY(m_db->prepare("DELETE FROM licences WHERE title_id = ? AND id != ?;"));
        old.bind(1, licence.title_id).bind(2, licence.id);
        TRY(old.run());
        auto statement = TRY(m_db->prepare("INSERT OR REPLACE INTO licences VALUES (?, ?, ?, ?, ?);"));
        statement.bind(1, licence.id).bind(2, licence.title_id).bind(3, licence.document).bind(4, licence.status);
        statement.bind(5, time_text(licence.checked_online_at));
        return statement.run();
    });
}

Result<std::optional<StoredLicence>> UserStore::licence_for_title(std::string_view title_id)
{
    std::lock_guard lock(m_mutex);
    auto row = TRY(m_db->prepare(
        "SELECT id, title_id, document, status, checked_online_at FROM licences WHERE title_id = ? LIMIT 1;"));
    row.bind(1, title_id);
    if (!TRY(row.step()))
        return std::optional<StoredLicence> {};
    return StoredLicence { row.text(0), row.text(1), row.text(2), row.text(3), time_of(row.text(4)) };
}

Result<void> UserStore::mark_licence_checked(std::string_view licence_id, std::string_view status, base::Timestamp at)
{
    std::lock_guard lock(m_mutex);
    auto statement = TRY(m_db->prepare("UPDATE licences SET status = ?, checked_online_at = ? WHERE id = ?;"));
    statement.bind(1, status).bind(2, time_text(at)).bind(3, licence_id);
    TRY(statement.run());
    if (m_db->changes() == 0)
        return fail(ErrorKind::NotFound, "no licence " + std::string(licence_id) + " in the store");
    return {};
}

Result<void> UserStore::save_content(const ContentRecord& content)
{
    std::lock_guard lock(m_mutex);
    auto statement = TRY(m_db->prepare("INSERT OR REPLACE INTO content VALUES (?, ?, ?, ?);"));
    statement.bind(1, content.title_id).bind(2, content.file.string());
    statement.bind(3, static_cast<int64_t>(content.length)).bind(4, content.sha256);
    return statement.run();
}

Result<std::optional<ContentRecord>> UserStore::content(std::string_view title_id)
{
    std::lock_guard lock(m_mutex);
    auto row = TRY(m_db->prepare("SELECT title_id, file, length, sha256 FROM content WHERE title_id = ?;"));
    row.bind(1, title_id);
    if (!TRY(row.step()))
        return std::optional<ContentRecord> {};
    return ContentRecord { row.text(0), row.text(1), static_cast<uint64_t>(row.int64(2)), row.text(3) };
}

Result<void> UserStore::erase_title(std::string_view title_id)
{
    std::lock_guard lock(m_mutex);
    // The licence (with the wrapped content key) goes first and is committed
    // before any content byte is touched: a crash in between leaves content
    // nothing can decrypt, never a key without its erasure.
    auto erase_key = [&]() -> Result<void> {
        auto licences = TRY(m_db->prepare("DELETE FROM licences WHERE title_id = ?;"));
        licences.bind(1, title_id);
        return licences.run();
    };
    TRY(m_db->transaction(erase_key));
    auto path = content_path(title_id);
    TRY(platform::overwrite_and_remove(path).map_error(detail::from_platform));
    auto partial = path;
    partial += ".part";
    TRY(platform::overwrite_and_remove(partial).map_error(detail::from_platform));
    auto content = TRY(m_db->prepare("DELETE FROM content WHERE title_id = ?;"));
    content.bind(1, title_id);
    TRY(content.run());
    auto cover = TRY(m_db->prepare("DELETE FROM covers WHERE title_id = ?;"));
    cover.bind(1, title_id);
    return cover.run();
}

Result<void> UserStore::save_position(const ReadingPosition& position)
{
    std::lock_guard lock(m_mutex);
    auto statement = TRY(m_db->prepare(
        "INSERT OR REPLACE INTO reading_positions (title_id, locator, updated_at, pending) VALUES (?, ?, ?, ?);"));
    statement.bind(1, position.title_id).bind(2, position.locator).bind(3, time_text(position.updated_at));
    statement.bind(4, int64_t { position.pending ? 1 : 0 });
    return statement.run();
}

Result<std::vector<ReadingPosition>> UserStore::pending_positions()
{
    std::lock_guard lock(m_mutex);
    auto rows = TRY(m_db->prepare(
        "SELECT title_id, locator, updated_at FROM reading_positions WHERE pending = 1 ORDER BY updated_at;"));
    std::vector<ReadingPosition> positions;
    while (TRY(rows.step()))
        positions.push_back({ rows.text(0), rows.text(1), time_of(rows.text(2)), true });
    return positions;
}

Result<void> UserStore::mark_position_sent(const ReadingPosition& position)
{
    std::lock_guard lock(m_mutex);
    auto statement = TRY(m_db->prepare(
        "UPDATE reading_positions SET pending = 0 WHERE title_id = ? AND locator = ? AND updated_at = ?;"));
    statement.bind(1, position.title_id).bind(2, position.locator).bind(3, time_text(position.updated_at));
    return statement.run();
}

Result<bool> UserStore::adopt_position_if_newer(const ReadingPosition& remote)
{
    std::lock_guard lock(m_mutex);
    bool adopted = false;
    auto take = [&]() -> Result<void> {
        auto row = TRY(m_db->prepare("SELECT updated_at FROM reading_positions WHERE title_id = ?;"));
        row.bind(1, remote.title_id);
        if (TRY(row.step()) && time_of(row.text(0)) >= remote.updated_at)
            return {};
        auto write = TRY(m_db->prepare("INSERT OR REPLACE INTO reading_positions (title_id, locator, updated_at, "
                                       "pending) VALUES (?, ?, ?, 0);"));
        write.bind(1, remote.title_id).bind(2, remote.locator).bind(3, time_text(remote.updated_at));
        TRY(write.run());
        adopted = true;
        return {};
    };
    TRY(m_db->transaction(take));
    return adopted;
}

Result<std::optional<ReadingPosition>> UserStore::position(std::string_view title_id)
{
    std::lock_guard lock(m_mutex);
    auto row = TRY(m_db->prepare("SELECT title_id, locator, updated_at, pending FROM reading_positions WHERE title_id = ?;"));
    row.bind(1, title_id);
    if (!TRY(row.step()))
        return std::optional<ReadingPosition> {};
    return ReadingPosition { row.text(0), row.text(1), time_of(row.text(2)), row.int64(3) != 0 };
}

Result<int64_t> UserStore::add_bookmark(const Bookmark& bookmark)
{
    std::lock_guard lock(m_mutex);
    auto statement = TRY(m_db->prepare(
        "INSERT INTO bookmarks (title_id, locator, label, created_at) VALUES (?, ?, ?, ?);"));
    statement.bind(1, bookmark.title_id).bind(2, bookmark.locator).bind(3, bookmark.label);
    statement.bind(4, time_text(bookmark.created_at));
    TRY(statement.run());
    auto id = TRY(m_db->prepare("SELECT last_insert_rowid();"));
    (void)TRY(id.step());
    return id.int64(0);
}

Result<std::vector<Bookmark>> UserStore::bookmarks(std::string_view title_id)
{
    std::lock_guard lock(m_mutex);
    auto rows = TRY(m_db->prepare(
        "SELECT id, title_id, locator, label, created_at FROM bookmarks WHERE title_id = ? ORDER BY id;"));
    rows.bind(1, title_id);
    std::vector<Bookmark> bookmarks;
    while (TRY(rows.step()))
        bookmarks.push_back({ rows.int64(0), rows.text(1), rows.text(2), rows.text(3), time_of(rows.text(4)) });
    return bookmarks;
}

Result<void> UserStore::remove_bookmark(int64_t id)
{
    std::lock_guard lock(m_mutex);
    auto statement = TRY(m_db->prepare("DELETE FROM bookmarks WHERE id = ?;"));
    statement.bind(1, id);
    return statement.run();
}

Result<int64_t> UserStore::add_annotation(const Annotation& annotation)
{
    std::lock_guard lock(m_mutex);
    auto statement = TRY(m_db->prepare(
        "INSERT INTO annotations (title_id, locator, text, created_at) VALUES (?, ?, ?, ?);"));
    statement.bind(1, annotation.title_id).bind(2, annotation.locator).bind(3, annotation.text);
    statement.bind(4, time_text(annotation.created_at));
    TRY(statement.run());
    auto id = TRY(m_db->prepare("SELECT last_insert_rowid();"));
    (void)TRY(id.step());
    return id.int64(0);
}

Result<std::vector<Annotation>> UserStore::annotations(std::string_view title_id)
{
    std::lock_guard lock(m_mutex);
    auto rows = TRY(m_db->prepare(
        "SELECT id, title_id, locator, text, created_at FROM annotations WHERE title_id = ? ORDER BY id;"));
    rows.bind(1, title_id);
    std::vector<Annotation> annotations;
    while (TRY(rows.step()))
        annotations.push_back({ rows.int64(0), rows.text(1), rows.text(2), rows.text(3), time_of(rows.text(4)) });
    return annotations;
}

Result<void> UserStore::set_setting(std::string_view name, std::string_view value)
{
    std::lock_guard lock(m_mutex);
    auto statement = TRY(m_db->prepare("INSERT OR REPLACE INTO settings VALUES (?, ?);"));
    statement.bind(1, name).bind(2, value);
    return statement.run();
}

Result<std::optional<std::string>> UserStore::setting(std::string_view name)
{
    std::lock_guard lock(m_mutex);
    auto row = TRY(m_db->prepare("SELECT value FROM settings WHERE name = ?;"));
    row.bind(1, name);
    if (!TRY(row.step()))
        return std::optional<std::string> {};
    return std::optional<std::string>(row.text(0));
}

}
