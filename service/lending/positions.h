#pragma once

// Reading positions kept for a student across devices (`PUT
// /v1/positions/{title_id}`, `GET /v1/positions`). One position per user and
// title; the last writer wins by the client's `updated_at`, bounded by the
// service clock (a device whose clock runs ahead cannot pin its position
// forever). The locator is opaque to the service (the reader's render/
// defines it) and limited in size.

#include <cstdint>
#include <string>
#include <vector>

#include "lending/clock.h"
#include "lending/model.h"
#include "lending/store.h"

namespace hondana::lending {

inline constexpr size_t max_locator_bytes = 512;

struct PositionRecord {
    std::string title_id;
    std::string locator;
    base::Timestamp updated_at;
    std::string device_id; // the device that wrote it
};

// What a PUT did: `stored` is the position the service now keeps (the one
// sent, or a newer one that won).
struct PositionUpdate {
    PositionRecord stored;
    bool accepted { false };
};

class ReadingPositions {
public:
    ReadingPositions(Store& store, const Clock& clock);

    // MalformedRequest for an empty or oversized locator; NotFound when the
    // title is not the caller's tenant's.
    [[nodiscard]] Result<PositionUpdate> put(
        const Caller& caller, std::string_view title_id, std::string_view locator, base::Timestamp client_time);
    // Every position of the caller, most recent first.
    [[nodiscard]] Result<std::vector<PositionRecord>> list(const Caller& caller);

private:
    Store& m_store;
    const Clock& m_clock;
};

}
