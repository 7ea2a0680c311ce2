#pragma once

// Where reading positions and bookmarks are kept: the signed-in user's
// encrypted store (online titles), or a small file in the reader's state
// folder for books opened from local files. Called from worker threads.

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/app_state.h"

namespace hondana::store {
class UserStore;
}

namespace hondana::client {

// A position as the store keeps it: "mark:<MuPDF bookmark>;page:<n>".
struct Locator {
    uint64_t mark { 0 };
    int page { 0 };
    [[nodiscard]] std::string to_string() const;
    [[nodiscard]] static std::optional<Locator> parse(std::string_view text);
};

class PositionStore {
public:
    virtual ~PositionStore() = default;
    virtual void save_position(const std::string& book_id, const Locator& locator) = 0;
    [[nodiscard]] virtual std::optional<Locator> position(const std::string& book_id) = 0;
    virtual int64_t add_bookmark(const std::string& book_id, const Locator& locator, const std::string& label) = 0;
    virtual void remove_bookmark(int64_t id) = 0;
    [[nodiscard]] virtual std::vector<BookmarkEntry> bookmarks(const std::string& book_id) = 0;
};

// A JSON file (positions.json) for local books; written atomically.
[[nodiscard]] std::shared_ptr<PositionStore> file_position_store(std::filesystem::path file);
// The user's store (positions and bookmarks tables).
[[nodiscard]] std::shared_ptr<PositionStore> user_position_store(std::shared_ptr<store::UserStore> store);

}
