#include "core/position_store.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include "hondana/base/time.h"
#include "hondana/store/user_store.h"

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

class FilePositions final : public PositionStore {
public:
    explicit FilePositions(std::filesystem::path file)
        : m_file(std::move(file))
    {
        std::ifstream in(m_file);
        std::stringstream text;
        text << in.rdbuf();
        m_data = nlohmann::json::parse(text.str(), nullptr, false);
        if (!m_data.is_object())
            m_data = nlohmann::json::object();
    }

    void save_position(const std::string& book_id, const Locator& locator) override
    {
        std::lock_guard lock(m_mutex);
        m_data["positions"][book_id] = locator.to_string();
        write();
    }

    std::optional<Locator> position(const std::string& book_id) override
    {
        std::lock_guard lock(m_mutex);
        auto positions = m_data.value("positions", nlohmann::json::object());
        if (!positions.contains(book_id) || !positions[book_id].is_string())
            return std::nullopt;
        return Locator::parse(positions[book_id].get<std::string>());
    }

    int64_t add_bookmark(const std::string& book_id, const Locator& locator, const std::string& label) override
    {
        std::lock_guard lock(m_mutex);
        int64_t id = m_data.value("next_bookmark", int64_t { 1 });
        m_data["next_bookmark"] = id + 1;
        m_data["bookmarks"].push_back({ { "id", id }, { "book", book_id }, { "locator", locator.to_string() }, { "label", label } });
        write();
        return id;
    }

    void remove_bookmark(int64_t id) override
    {
        std::lock_guard lock(m_mutex);
        auto& list = m_data["bookmarks"];
        if (!list.is_array())
            return;
        for (auto it = list.begin(); it != list.end(); ++it) {
            if (it->value("id", int64_t { 0 }) == id) {
                list.erase(it);
                break;
            }
        }
        write();
    }

    std::vector<BookmarkEntry> bookmarks(const std::string& book_id) override
    {
        std::lock_guard lock(m_mutex);
        std::vector<BookmarkEntry> out;
        for (const auto& entry : m_data.value("bookmarks", nlohmann::json::array())) {
            if (entry.value("book", "") != book_id)
                continue;
            auto locator = Locator::parse(entry.value("locator", ""));
            if (locator)
                out.push_back({ entry.value("id", int64_t { 0 }), locator->page, entry.value("label", ""), locator->mark });
        }
        return out;
    }

private:
    void write()
    {
        std::error_code error;
        std::filesystem::create_directories(m_file.parent_path(), error);
        auto temporary = m_file;
        temporary += ".tmp";
        {
            std::ofstream out(temporary, std::ios::trunc);
            out << m_data.dump();
        }
        std::filesystem::rename(temporary, m_file, error);
    }

    std::filesystem::path m_file;
    std::mutex m_mutex;
    nlohmann::json m_data;
};

class UserPositions final : public PositionStore {
public:
    explicit UserPositions(std::shared_ptr<store::UserStore> store)
        : m_store(std::move(store))
    {
    }

    void save_position(const std::string& book_id, const Locator& locator) override
    {
        (void)m_store->save_position({ book_id, locator.to_string(), base::now_utc() });
    }

    std::optional<Locator> position(const std::string& book_id) override
    {
        auto stored = m_store->position(book_id);
        if (!stored || !*stored)
            return std::nullopt;
        return Locator::parse((*stored)->locator);
    }

    int64_t add_bookmark(const std::string& book_id, const Locator& locator, const std::string& label) override
    {
        return m_store->add_bookmark({ 0, book_id, locator.to_string(), label, base::now_utc() }).value_or(0);
    }

    void remove_bookmark(int64_t id) override { (void)m_store->remove_bookmark(id); }

    std::vector<BookmarkEntry> bookmarks(const std::string& book_id) override
    {
        std::vector<BookmarkEntry> out;
        for (const auto& bookmark : m_store->bookmarks(book_id).value_or(std::vector<store::Bookmark> {})) {
            if (auto locator = Locator::parse(bookmark.locator))
                out.push_back({ bookmark.id, locator->page, bookmark.label, locator->mark });
        }
        return out;
    }

private:
    std::shared_ptr<store::UserStore> m_store;
};

}

std::shared_ptr<PositionStore> file_position_store(std::filesystem::path file)
{
    return std::make_shared<FilePositions>(std::move(file));
}

std::shared_ptr<PositionStore> user_position_store(std::shared_ptr<store::UserStore> store)
{
    return std::make_shared<UserPositions>(std::move(store));
}

}
