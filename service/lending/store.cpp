#include "lending/store.h"

#include "storage/migrations.h"

namespace hondana::lending {

Store::Store(storage::Database db)
    : m_db(std::move(db))
{
}

Result<std::unique_ptr<Store>> Store::open(
    const std::filesystem::path& path, drm::ByteView key, const storage::OpenOptions& options)
{
    auto db = TRY_DB(storage::Database::open(path, key, options));
    TRY_DB(storage::migrate(db, storage::lending_migrations()));
    return std::make_unique<Store>(std::move(db));
}

bool Store::healthy()
{
    std::lock_guard lock(m_mutex);
    return m_db.query_integer("SELECT 1").has_value();
}

}
