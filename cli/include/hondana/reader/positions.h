#pragma once

// The signed-in user's reading positions and bookmarks, kept in their
// encrypted store (store/user_store.h). Usable from any thread while the
// Reader runs elsewhere: the store serializes its calls, and times come from
// the wall clock corrected by the trusted clock's offset, which the Reader
// refreshes whenever it reads trusted time. Positions are sent to the service
// by Reader::sync_positions(); bookmarks stay on the device.

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hondana/reader/error.h"
#include "hondana/store/user_store.h"

namespace hondana::reader {

// Whether a position goes to the service (borrowed titles) or stays on this
// device (books opened from local files).
enum class Share { WithService, DeviceOnly };

class Positions {
public:
    explicit Positions(std::shared_ptr<store::UserStore> store);

    // Saves the position now; a shared one is pending until the service has it.
    [[nodiscard]] Result<void> save(
        std::string_view title_id, std::string_view locator, Share share = Share::WithService);
    [[nodiscard]] Result<std::optional<store::ReadingPosition>> position(std::string_view title_id);
    [[nodiscard]] Result<int64_t> add_bookmark(
        std::string_view title_id, std::string_view locator, std::string_view label);
    [[nodiscard]] Result<std::vector<store::Bookmark>> bookmarks(std::string_view title_id);
    [[nodiscard]] Result<void> remove_bookmark(int64_t id);

    // trusted − wall, from the Reader's trusted clock.
    void set_clock_offset(std::chrono::seconds offset) { m_offset_seconds = offset.count(); }
    [[nodiscard]] base::Timestamp now() const;

private:
    std::shared_ptr<store::UserStore> m_store;
    std::atomic<int64_t> m_offset_seconds { 0 };
};

}
