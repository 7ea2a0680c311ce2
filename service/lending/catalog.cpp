#include "lending/catalog.h"

#include <fstream>

#include "hondana/base/text.h"
#include "hondana/drm/crypto.h"
#include "hondana/drm/key_wrap.h"
#include "hondana/drm/package.h"
#include "lending/audit.h"
#include "lending/directory.h"
#include "lending/ids.h"

namespace hondana::lending {

std::string_view holding_name(Holding holding)
{
    switch (holding) {
    case Holding::Copies:
        return "copies";
    case Holding::Unlimited:
        return "unlimited";
    case Holding::ClassSet:
        return "class_set";
    }
    return "copies";
}

std::optional<Holding> parse_holding(std::string_view name)
{
    if (name == "copies")
        return Holding::Copies;
    if (name == "unlimited")
        return Holding::Unlimited;
    if (name == "class_set")
        return Holding::ClassSet;
    return std::nullopt;
}

std::string TitleRecord::media_type() const
{
    return format == "pdf" ? "application/pdf+lcp" : "application/epub+zip";
}

namespace {

constexpr std::string_view title_columns
    = "id, tenant_id, title, author, language, reading_level, format, content_file, "
      "content_length, content_sha256, holding, copies, created_at";

TitleRecord read_title(const storage::Statement& row)
{
    TitleRecord title;
    title.id = row.text(0);
    title.tenant_id = row.integer(1);
    title.title = row.text(2);
    title.author = row.text(3);
    title.language = row.text(4);
    if (auto level = row.optional_integer(5))
        title.reading_level = static_cast<int>(*level);
    title.format = row.text(6);
    title.content_file = row.text(7);
    title.content_length = static_cast<uint64_t>(row.integer(8));
    title.content_sha256 = row.text(9);
    title.holding = parse_holding(row.text(10)).value_or(Holding::Copies);
    title.copies = row.integer(11);
    title.created_at = row.text(12);
    return title;
}

Result<std::string> detect_format(const std::filesystem::path& source)
{
    std::ifstream in(source, std::ios::binary);
    char magic[5] = {};
    if (!in || !in.read(magic, sizeof magic))
        return fail(ErrorKind::InvalidArgument, "cannot read " + source.string());
    if (std::string_view(magic, 5) == "%PDF-")
        return std::string("pdf");
    if (std::string_view(magic, 4) == std::string_view("PK\x03\x04", 4))
        return std::string("epub");
    return fail(ErrorKind::InvalidArgument, source.string() + " is neither a PDF nor an EPUB");
}

std::string like_pattern(std::string_view q)
{
    std::string pattern = "%";
    for (char c : q) {
        if (c == '%' || c == '_' || c == '\\')
            pattern += '\\';
        pattern += c;
    }
    return pattern + "%";
}

std::string page_href(const CatalogQuery& query, int page)
{
    std::string href = "/v1/catalog?page=" + std::to_string(page) + "&per_page=" + std::to_string(query.per_page);
    if (!query.q.empty())
        href += "&q=" + base::percent_encode(query.q);
    return href;
}

nlohmann::json publication_json(const TitleRecord& title, const Availability& availability)
{
    nlohmann::json metadata = { { "@type", "http://schema.org/Book" }, { "identifier", "urn:uuid:" + title.id },
        { "title", title.title }, { "language", title.language } };
    if (!title.author.empty())
        metadata["author"] = title.author;
    if (title.reading_level)
        metadata["hondana:readingLevel"] = *title.reading_level;
    nlohmann::json borrow = { { "rel", "http://opds-spec.org/acquisition/borrow" },
        { "href", "/v1/titles/" + title.id + "/borrow" }, { "type", "application/vnd.readium.lcp.license.v1.0+json" },
        { "properties",
            { { "indirectAcquisition", nlohmann::json::array({ { { "type", title.media_type() } } }) } } } };
    nlohmann::json reserve = { { "rel", "urn:hondana:rel:reserve" }, { "href", "/v1/titles/" + title.id + "/reserve" },
        { "type", "application/json" } };
    return { { "metadata", metadata }, { "links", nlohmann::json::array({ borrow, reserve }) },
        { "images",
            nlohmann::json::array(
                { { { "href", "/v1/titles/" + title.id + "/cover" }, { "type", "image/svg+xml" } } }) },
        { "hondana:availability", availability_json(availability) } };
}

}

Result<TitleRecord> load_title(storage::Database& db, int64_t tenant_id, std::string_view title_id)
{
    auto row
        = TRY_DB(db.prepare("SELECT " + std::string(title_columns) + " FROM titles WHERE id = ?1 AND tenant_id = ?2"));
    row.bind(1, title_id).bind(2, tenant_id);
    if (!TRY_DB(row.step()))
        return fail(ErrorKind::NotFound, "no such title");
    return read_title(row);
}

Result<Availability> title_availability(storage::Database& db, const TitleRecord& title)
{
    auto counts = TRY_DB(
        db.prepare("SELECT (SELECT count(*) FROM loans WHERE title_id = ?1 AND status = 'active'), "
                   "(SELECT count(*) FROM reservations WHERE title_id = ?1 AND status = 'ready'), "
                   "(SELECT count(*) FROM reservations WHERE title_id = ?1 AND status IN ('waiting', 'ready'))"));
    counts.bind(1, title.id);
    TRY_DB(counts.step());
    Availability availability;
    availability.unlimited = title.holding == Holding::Unlimited;
    availability.copies = title.copies;
    availability.available
        = availability.unlimited ? 0 : std::max<int64_t>(0, title.copies - counts.integer(0) - counts.integer(1));
    availability.queue = counts.integer(2);
    return availability;
}

nlohmann::json availability_json(const Availability& availability)
{
    if (availability.unlimited)
        return { { "unlimited", true }, { "queue", availability.queue } };
    return { { "unlimited", false }, { "copies", availability.copies }, { "available", availability.available },
        { "queue", availability.queue } };
}

bool may_see(const UserInfo& user, const TitleRecord& title)
{
    if (user.role != Role::Student || !user.reading_level || !title.reading_level)
        return true;
    return *title.reading_level <= *user.reading_level;
}

Result<TitleRecord> visible_title(storage::Database& db, const Caller& caller, std::string_view title_id)
{
    auto title = TRY(load_title(db, caller.device.tenant_id, title_id));
    if (!may_see(caller.user, title))
        return fail(ErrorKind::Forbidden, "this title is above the student's reading level");
    return title;
}

Catalog::Catalog(Store& store, const Clock& clock, std::filesystem::path content_dir)
    : m_store(store)
    , m_clock(clock)
    , m_content_dir(std::move(content_dir))
{
}

Result<TitleRecord> Catalog::add_title(const std::string& actor, std::string_view tenant_slug, const NewTitle& title)
{
    if (title.title.empty() || title.title.size() > 500)
        return fail(ErrorKind::InvalidArgument, "a title is 1-500 bytes");
    if (title.holding != Holding::Unlimited && (title.copies < 1 || title.copies > 100000))
        return fail(ErrorKind::InvalidArgument, "copies must be 1-100000");
    auto tenant = TRY(m_store.read([&](storage::Database& db) { return load_tenant(db, tenant_slug); }));
    auto format = TRY(detect_format(title.source));
    if (!title.reading_progression.empty() && format != "pdf")
        return fail(ErrorKind::InvalidArgument,
            "--progression is for PDFs; an EPUB declares it in its OPF (spine page-progression-direction)");
    if (!title.reading_progression.empty() && title.reading_progression != "rtl" && title.reading_progression != "ltr")
        return fail(ErrorKind::InvalidArgument, "the reading progression is rtl or ltr");
    auto id = TRY(new_uuid());
    auto content_key = drm::random_secret(drm::content_key_size);
    if (!content_key)
        return fail(ErrorKind::Internal, content_key.error().message);
    auto file_name = id + (format == "pdf" ? ".lcpdf" : ".epub");
    auto output = m_content_dir / file_name;
    auto packaged = format == "pdf" ? drm::package_pdf(title.source, output, content_key->view(),
                        { title.title, "urn:uuid:" + id, title.language, title.reading_progression })
                                    : drm::package_epub(title.source, output, content_key->view());
    if (!packaged)
        return fail(
            ErrorKind::InvalidArgument, "cannot package " + title.source.string() + ": " + packaged.error().message);
    auto now = m_clock.now();
    auto added = m_store.write([&](storage::Database& db) -> Result<TitleRecord> {
        auto insert = TRY_DB(
            db.prepare("INSERT INTO titles (id, tenant_id, title, author, language, reading_level, "
                       "format, content_file, content_length, content_sha256, content_key, holding, "
                       "copies, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"));
        insert.bind(1, id).bind(2, tenant.id).bind(3, title.title).bind(4, title.author).bind(5, title.language);
        insert.bind(6, title.reading_level).bind(7, format).bind(8, file_name);
        insert.bind(9, static_cast<int64_t>(packaged->length)).bind(10, packaged->sha256_hex);
        insert.bind(11, content_key->view()).bind(12, holding_name(title.holding));
        insert.bind(13, title.holding == Holding::Unlimited ? 0 : title.copies).bind(14, base::format_rfc3339(now));
        TRY_DB(insert.run());
        nlohmann::json after = { { "title", title.title }, { "format", format },
            { "holding", holding_name(title.holding) }, { "copies", title.copies } };
        TRY(append_audit(db, now,
            { .tenant = tenant.slug,
                .actor = actor,
                .action = "admin.title.add",
                .target = id,
                .after = after.dump() }));
        return load_title(db, tenant.id, id);
    });
    if (!added) {
        std::error_code ignored;
        std::filesystem::remove(output, ignored);
    }
    return added;
}

Result<nlohmann::json> Catalog::feed(const Caller& caller, const CatalogQuery& request)
{
    CatalogQuery query = request;
    query.page = std::max(1, query.page);
    query.per_page = std::clamp(query.per_page, 1, max_per_page);
    std::optional<int64_t> level;
    if (caller.user.role == Role::Student && caller.user.reading_level)
        level = *caller.user.reading_level;
    return m_store.read([&](storage::Database& db) -> Result<nlohmann::json> {
        std::string where = " FROM titles WHERE tenant_id = ?1 AND (?2 = '' OR title LIKE ?3 ESCAPE '\\' OR author "
                            "LIKE ?3 ESCAPE '\\') AND (?4 IS NULL OR reading_level IS NULL OR reading_level <= ?4)";
        auto bind = [&](storage::Statement& statement) {
            statement.bind(1, caller.device.tenant_id).bind(2, query.q).bind(3, like_pattern(query.q)).bind(4, level);
        };
        auto count = TRY_DB(db.prepare("SELECT count(*)" + where));
        bind(count);
        TRY_DB(count.step());
        int64_t total = count.integer(0);
        auto rows = TRY_DB(
            db.prepare("SELECT " + std::string(title_columns) + where + " ORDER BY title, id LIMIT ?5 OFFSET ?6"));
        bind(rows);
        rows.bind(5, query.per_page).bind(6, static_cast<int64_t>(query.page - 1) * query.per_page);
        std::vector<TitleRecord> titles;
        while (TRY_DB(rows.step()))
            titles.push_back(read_title(rows));
        nlohmann::json publications = nlohmann::json::array();
        for (const auto& title : titles)
            publications.push_back(publication_json(title, TRY(title_availability(db, title))));
        nlohmann::json links = nlohmann::json::array(
            { { { "rel", "self" }, { "href", page_href(query, query.page) }, { "type", "application/opds+json" } } });
        if (static_cast<int64_t>(query.page) * query.per_page < total)
            links.push_back({ { "rel", "next" }, { "href", page_href(query, query.page + 1) },
                { "type", "application/opds+json" } });
        if (query.page > 1)
            links.push_back({ { "rel", "prev" }, { "href", page_href(query, query.page - 1) },
                { "type", "application/opds+json" } });
        return nlohmann::json { { "metadata",
                                    { { "title", "Catalog" }, { "numberOfItems", total },
                                        { "itemsPerPage", query.per_page }, { "currentPage", query.page } } },
            { "links", links }, { "publications", publications } };
    });
}

Result<TitleRecord> Catalog::title_for_device(const DeviceIdentity& device, std::string_view title_id)
{
    return m_store.read([&](storage::Database& db) { return load_title(db, device.tenant_id, title_id); });
}

}
