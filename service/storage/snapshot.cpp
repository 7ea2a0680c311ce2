#include "storage/snapshot.h"

#include <sys/stat.h>

#include <vector>

namespace hondana::storage {

namespace {

constexpr std::string_view export_schema = "hondana_export";

// "x'<64 hex>'": SQLCipher's form for a raw key given to ATTACH … KEY.
drm::SecretBytes raw_key_literal(drm::ByteView key)
{
    static constexpr char digits[] = "0123456789abcdef";
    drm::SecretBytes text(key.size() * 2 + 3);
    text.data()[0] = 'x';
    text.data()[1] = '\'';
    for (size_t i = 0; i < key.size(); ++i) {
        text.data()[2 + 2 * i] = static_cast<uint8_t>(digits[key[i] >> 4]);
        text.data()[3 + 2 * i] = static_cast<uint8_t>(digits[key[i] & 0xf]);
    }
    text.data()[text.size() - 1] = '\'';
    return text;
}

// Detaches the export schema when the copy ends, however it ends.
class Attachment {
public:
    explicit Attachment(Database& db)
        : m_db(db)
    {
    }
    ~Attachment()
    {
        if (m_attached)
            (void)m_db.exec("DETACH DATABASE hondana_export");
    }
    Attachment(const Attachment&) = delete;
    Attachment& operator=(const Attachment&) = delete;

    Result<void> attach(const std::filesystem::path& path, drm::ByteView key)
    {
        auto literal = raw_key_literal(key);
        auto statement = TRY(m_db.prepare("ATTACH DATABASE ?1 AS hondana_export KEY ?2"));
        statement.bind(1, path.string())
            .bind(2, std::string_view(reinterpret_cast<const char*>(literal.data()), literal.size()));
        TRY(statement.run());
        m_attached = true;
        return {};
    }

    Result<void> detach()
    {
        m_attached = false;
        return m_db.exec("DETACH DATABASE hondana_export");
    }

private:
    Database& m_db;
    bool m_attached { false };
};

Result<void> copy_in_one_transaction(Database& source)
{
    TRY(source.exec("BEGIN"));
    auto copied = [&]() -> Result<void> {
        auto version = TRY(source.query_integer("PRAGMA main.user_version"));
        TRY(source.query_text("SELECT sqlcipher_export('" + std::string(export_schema) + "')"));
        TRY(source.exec("PRAGMA " + std::string(export_schema) + ".user_version = " + std::to_string(version)));
        return {};
    }();
    if (!copied) {
        (void)source.exec("ROLLBACK");
        return copied;
    }
    return source.exec("COMMIT");
}

}

Result<void> export_snapshot(Database& source, const std::filesystem::path& destination, drm::ByteView key)
{
    if (key.size() != 32)
        return fail(ErrorKind::KeyFile, "a snapshot key must be 256 bits");
    std::error_code ec;
    if (std::filesystem::exists(destination, ec))
        return fail(ErrorKind::Open, destination.string() + " exists already");
    auto done = [&]() -> Result<void> {
        Attachment attachment(source);
        TRY(attachment.attach(destination, key));
        TRY(copy_in_one_transaction(source));
        return attachment.detach();
    }();
    if (done && ::chmod(destination.c_str(), 0600) != 0)
        done = fail(ErrorKind::Open, "cannot restrict " + destination.string() + " to its owner");
    if (!done) {
        std::filesystem::remove(destination, ec);
        std::filesystem::remove(destination.string() + "-journal", ec);
    }
    return done;
}

Result<std::map<std::string, int64_t>> count_rows(Database& db)
{
    std::vector<std::string> tables;
    auto list = TRY(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
                               "ESCAPE '\\' ORDER BY name"));
    while (TRY(list.step()))
        tables.push_back(list.text(0));
    std::map<std::string, int64_t> counts;
    for (const auto& table : tables) {
        std::string quoted = "\"";
        for (char c : table)
            quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
        counts[table] = TRY(db.query_integer("SELECT count(*) FROM " + quoted + "\""));
    }
    return counts;
}

Result<void> check_integrity(Database& db)
{
    auto integrity = TRY(db.query_text("PRAGMA integrity_check"));
    if (integrity != "ok")
        return fail(ErrorKind::Sql, "integrity check: " + integrity);
    auto foreign = TRY(db.prepare("PRAGMA foreign_key_check"));
    if (TRY(foreign.step()))
        return fail(ErrorKind::Sql, "foreign key check: a row of " + foreign.text(0) + " refers to a missing row");
    return {};
}

}
