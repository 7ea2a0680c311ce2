#include "core/position_store.h"

#include <charconv>
#include <map>
#include <mutex>

#include "hondana/reader/positions.h"

namespace hondana::client {

std::string Locator::to_string() const { return "mark:" + std::to_string(mark) + ";page:" + std::to_string(page); }

std::optional<Locator> Locator::parse(std::string_view text)
{
    Locator locator;
    auto mark_at = text.find("mark:"), page_at = text.find(";page:");
    if (mark_at != 0 || page_at == std::string_view::npos)
        return std::nullopt;
    auto mark_text = text.substr(5, page_at - 5), page_text = text.substr(page_at + 6);
    if (std::from_chars(mark_text.data(), mark_text.data() + mark_text.size(), locator.mark).ec != std::errc {}
        || std::from_chars(page_text.data(), page_text.data() + page_text.size(), locator.page).ec != std::errc {})
        return std::nullopt;
    return locator;
}

namespace {

class MemoryPositions final : public PositionStore {
public:
    void save_position(const std::string& book_id, const Locator& locator) override
    {
        std::lock_guard lock(m_mutex);
        m_positions[book_id] = locator;
    }

    std::optional<Locator> position(const std::string& book_id) override
    {
        std::lock_guard lock(m_mutex);
        auto found = m_positions.find(book_id);
        if (found == m_positions.end())
            return std::nullopt;
        return found->second;
    }

    int64_t add_bookmark(const std::string& book_id, const Locator& locator, const std::string& label) override
    {
        std::lock_guard lock(m_mutex);
        int64_t id = m_next_id++;
        m_bookmarks.push_back({ id, book_id, locator, label });
        return id;
    }

    void remove_bookmark(int64_t id) override
    {
        std::lock_guard lock(m_mutex);
        std::erase_if(m_bookmarks, [id](const Mark& mark) { return mark.id == id; });
    }

    std::vector<BookmarkEntry> bookmarks(const std::string& book_id) override
    {
        std::lock_guard lock(m_mutex);
        std::vector<BookmarkEntry> out;
        for (const auto& mark : m_bookmarks)
            if (mark.book == book_id)
                out.push_back({ mark.id, mark.locator.page, mark.label, mark.locator.mark });
        return out;
    }

private:
    struct Mark {
        int64_t id;
        std::string book;
        Locator locator;
        std::string label;
    };
    std::mutex m_mutex;
    std::map<std::string, Locator> m_positions;
    std::vector<Mark> m_bookmarks;
    int64_t m_next_id { 1 };
};

class ReaderPositions final : public PositionStore {
public:
    ReaderPositions(std::shared_ptr<reader::Positions> positions, std::function<void()> on_saved)
        : m_positions(std::move(positions))
        , m_on_saved(std::move(on_saved))
    {
    }

    void save_position(const std::string& book_id, const Locator& locator) override
    {
        bool local = book_id.starts_with(local_book_prefix);
        auto saved = m_positions->save(
            book_id, locator.to_string(), local ? reader::Share::DeviceOnly : reader::Share::WithService);
        if (saved && !local && m_on_saved)
            m_on_saved();
    }

    std::optional<Locator> position(const std::string& book_id) override
    {
        auto stored = m_positions->position(book_id);
        if (!stored || !*stored)
            return std::nullopt;
        return Locator::parse((*stored)->locator);
    }

    int64_t add_bookmark(const std::string& book_id, const Locator& locator, const std::string& label) override
    {
        return m_positions->add_bookmark(book_id, locator.to_string(), label).value_or(0);
    }

    void remove_bookmark(int64_t id) override { (void)m_positions->remove_bookmark(id); }

    std::vector<BookmarkEntry> bookmarks(const std::string& book_id) override
    {
        std::vector<BookmarkEntry> out;
        for (const auto& bookmark : m_positions->bookmarks(book_id).value_or(std::vector<store::Bookmark> {})) {
            if (auto locator = Locator::parse(bookmark.locator))
                out.push_back({ bookmark.id, locator->page, bookmark.label, locator->mark });
        }
        return out;
    }

private:
    std::shared_ptr<reader::Positions> m_positions;
    std::function<void()> m_on_saved;
};

}

std::shared_ptr<PositionStore> memory_position_store() { return std::make_shared<MemoryPositions>(); }

std::shared_ptr<PositionStore> reader_position_store(
    std::shared_ptr<reader::Positions> positions, std::function<void()> on_saved)
{
    return std::make_shared<ReaderPositions>(std::move(positions), std::move(on_saved));
}

}
