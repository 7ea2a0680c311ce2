#pragma once

// Where reading positions and bookmarks are kept: the signed-in user's
// encrypted store through the reader core (reader/positions.h) — borrowed
// titles' positions also go to the service, local files' stay on the device —
// or, while nobody is signed in, memory only: there is no key to encrypt them
// with then, and a plaintext file would tell the next person on a shared
// tablet what was read. Called from worker threads.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/app_state.h"

namespace hondana::reader {
class Positions;
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

// Books opened from local files have IDs with this prefix.
inline constexpr std::string_view local_book_prefix = "local:";

// For the session only (nobody signed in).
[[nodiscard]] std::shared_ptr<PositionStore> memory_position_store();
// The signed-in user's store; `on_saved` runs (on the saving thread) after a
// borrowed title's position is saved, so it can be sent to the service.
[[nodiscard]] std::shared_ptr<PositionStore> reader_position_store(
    std::shared_ptr<reader::Positions> positions, std::function<void()> on_saved);

}
