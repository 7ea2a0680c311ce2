#pragma once

// Titles and holdings, and the catalog as an OPDS 2.0 feed with search,
// paging and a reading-level filter for students. Titles are packaged with
// drm/ into the content directory when they are added (a fresh content key
// each), so the directory can be served by any static server too.

#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "lending/clock.h"
#include "lending/model.h"
#include "lending/store.h"

namespace hondana::lending {

enum class Holding {
    Copies,    // N simultaneous loans
    Unlimited, // any number
    ClassSet,  // N copies meant for a whole class (borrowable one by one too)
};

[[nodiscard]] std::string_view holding_name(Holding holding);
[[nodiscard]] std::optional<Holding> parse_holding(std::string_view name);

struct TitleRecord {
    std::string id;
    int64_t tenant_id { 0 };
    std::string title;
    std::string author;
    std::string language;
    std::optional<int> reading_level;
    std::string format;       // "pdf" or "epub"
    std::string content_file; // file name inside the content directory
    uint64_t content_length { 0 };
    std::string content_sha256;
    Holding holding { Holding::Copies };
    int64_t copies { 0 };
    std::string created_at;
    [[nodiscard]] std::string media_type() const;
};

struct Availability {
    bool unlimited { false };
    int64_t copies { 0 };
    int64_t available { 0 }; // copies minus active loans minus copies held for the next in line
    int64_t queue { 0 };     // open reservations (waiting or ready)
};

struct NewTitle {
    std::filesystem::path source; // a PDF or an EPUB, in clear
    std::string title;
    std::string author;
    std::string language { "ja" };
    // "rtl" or "ltr": written into a PDF package's manifest (right-to-left
    // spreads for picture books and manga); empty keeps the PDF's own. An
    // EPUB declares it in its OPF, so it is refused for EPUBs.
    std::string reading_progression;
    std::optional<int> reading_level;
    Holding holding { Holding::Copies };
    int64_t copies { 1 };
};

struct CatalogQuery {
    std::string q;
    int page { 1 };
    int per_page { 20 };
};

inline constexpr int max_per_page = 100;

class Catalog {
public:
    Catalog(Store& store, const Clock& clock, std::filesystem::path content_dir);

    // Packages `title.source` with a new content key and adds it.
    [[nodiscard]] Result<TitleRecord> add_title(
        const std::string& actor, std::string_view tenant_slug, const NewTitle& title);

    // The OPDS 2.0 feed the caller may see.
    [[nodiscard]] Result<nlohmann::json> feed(const Caller& caller, const CatalogQuery& query);

    // A title of the device's tenant (content is served to enrolled devices).
    [[nodiscard]] Result<TitleRecord> title_for_device(const DeviceIdentity& device, std::string_view title_id);

    [[nodiscard]] const std::filesystem::path& content_dir() const { return m_content_dir; }

private:
    Store& m_store;
    const Clock& m_clock;
    std::filesystem::path m_content_dir;
};

// Inside a transaction. NotFound when the title is not of this tenant.
[[nodiscard]] Result<TitleRecord> load_title(storage::Database& db, int64_t tenant_id, std::string_view title_id);
[[nodiscard]] Result<Availability> title_availability(storage::Database& db, const TitleRecord& title);
// Students see titles at their reading level or below; others see all.
[[nodiscard]] bool may_see(const UserInfo& user, const TitleRecord& title);
// NotFound / Forbidden unless the caller may borrow the title.
[[nodiscard]] Result<TitleRecord> visible_title(storage::Database& db, const Caller& caller, std::string_view title_id);
[[nodiscard]] nlohmann::json availability_json(const Availability& availability);

}
