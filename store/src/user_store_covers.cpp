// The user store's covers: images of the user's titles, kept in the
// encrypted database so the bookshelf shows them offline too.

#include "database.h"
#include "hondana/store/user_store.h"

namespace hondana::store {

Result<void> UserStore::save_cover(const Cover& cover)
{
    if (cover.title_id.empty() || cover.media_type.empty() || cover.image.empty())
        return fail(ErrorKind::InvalidArgument, "a cover needs a title, a media type and an image");
    if (cover.image.size() > max_cover_bytes)
        return fail(ErrorKind::InvalidArgument,
            "the cover of " + cover.title_id + " is " + std::to_string(cover.image.size()) + " bytes (at most "
                + std::to_string(max_cover_bytes) + ")");
    std::lock_guard lock(m_mutex);
    auto statement = TRY(m_db->prepare(
        "INSERT OR REPLACE INTO covers (title_id, media_type, image, fetched_at) VALUES (?, ?, ?, ?);"));
    statement.bind(1, cover.title_id).bind(2, cover.media_type);
    statement.bind_blob(3, cover.image).bind(4, base::format_rfc3339(cover.fetched_at));
    return statement.run();
}

Result<std::optional<Cover>> UserStore::cover(std::string_view title_id)
{
    std::lock_guard lock(m_mutex);
    auto row = TRY(m_db->prepare("SELECT title_id, media_type, image, fetched_at FROM covers WHERE title_id = ?;"));
    row.bind(1, title_id);
    if (!TRY(row.step()))
        return std::optional<Cover> {};
    return Cover { row.text(0), row.text(1), row.blob(2), base::parse_rfc3339(row.text(3)).value_or(base::Timestamp {}) };
}

}
