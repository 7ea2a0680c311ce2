#include "lending/anomalies.h"

#include <charconv>
#include <deque>
#include <set>

namespace hondana::lending {

namespace {

constexpr std::array<std::string_view, 7> day_names = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };

struct Row {
    int64_t seq { 0 };
    std::string time_text;
    base::Timestamp time;
    std::string tenant, actor, device, action, target, outcome;
};

std::optional<int> parse_clock(std::string_view text)
{
    int hours = 0, minutes = 0;
    if (text.size() != 5 || text[2] != ':')
        return std::nullopt;
    auto h = std::from_chars(text.data(), text.data() + 2, hours);
    auto m = std::from_chars(text.data() + 3, text.data() + 5, minutes);
    if (h.ec != std::errc() || m.ec != std::errc() || hours > 24 || minutes > 59 || (hours == 24 && minutes > 0))
        return std::nullopt;
    return hours * 60 + minutes;
}

std::optional<size_t> day_index(std::string_view name)
{
    for (size_t i = 0; i < day_names.size(); ++i)
        if (day_names[i] == name)
            return i;
    return std::nullopt;
}

// Events of one key in a sliding window, and when it was last reported.
struct Window {
    std::deque<std::pair<base::Timestamp, std::string>> items;
    std::optional<base::Timestamp> reported;

    void add(base::Timestamp time, std::string value, std::chrono::seconds span)
    {
        items.emplace_back(time, std::move(value));
        while (!items.empty() && items.front().first <= time - span)
            items.pop_front();
    }
    [[nodiscard]] size_t distinct() const
    {
        std::set<std::string> values;
        for (const auto& item : items)
            values.insert(item.second);
        return values.size();
    }
    [[nodiscard]] std::string joined() const
    {
        std::set<std::string> values;
        for (const auto& item : items)
            values.insert(item.second);
        std::string text;
        for (const auto& value : values)
            text += (text.empty() ? "" : ",") + value;
        return text;
    }
    // True once per span: the caller reports now.
    bool report(base::Timestamp time, std::chrono::seconds span)
    {
        if (reported && time - *reported < span)
            return false;
        reported = time;
        return true;
    }
};

class Detector {
public:
    explicit Detector(const AnomalyRules& rules)
        : m_rules(rules)
    {
    }

    void visit(const Row& row)
    {
        if (row.action == "auth.login" && row.outcome == "ok") {
            off_hours(row);
            many_devices(row);
        }
        if (row.action == "auth.login" && row.outcome == "locked")
            lockouts(row);
        if (row.action == "licence.issue")
            licences(row);
    }
    std::vector<Anomaly> take() { return std::move(m_found); }

private:
    void add(const Row& row, std::string kind, std::string subject, std::string detail)
    {
        m_found.push_back(
            { std::move(kind), row.time_text, row.tenant, std::move(subject), std::move(detail), row.seq });
    }

    void off_hours(const Row& row)
    {
        if (within_school_hours(m_rules.hours, row.time))
            return;
        auto local = row.time + std::chrono::minutes(m_rules.hours.utc_offset_minutes);
        auto day = std::chrono::floor<std::chrono::days>(local);
        auto minute = std::chrono::duration_cast<std::chrono::minutes>(local - day).count();
        auto two = [](int64_t n) { return std::string(n < 10 ? "0" : "") + std::to_string(n); };
        auto clock = two(minute / 60) + ":" + two(minute % 60);
        auto weekday = std::chrono::weekday(day).c_encoding();
        add(row, "off_hours_sign_in", row.target,
            "signed in at " + clock + " local time (" + std::string(day_names[weekday]) + ") on device " + row.device);
    }

    void many_devices(const Row& row)
    {
        auto span = std::chrono::hours(m_rules.device_window_hours);
        auto& window = m_devices[row.tenant + "\n" + row.target];
        window.add(row.time, row.device, span);
        if (window.distinct() >= static_cast<size_t>(m_rules.device_limit) && window.report(row.time, span))
            add(row, "account_many_devices", row.target,
                std::to_string(window.distinct()) + " devices within " + std::to_string(m_rules.device_window_hours)
                    + " h: " + window.joined());
    }

    void lockouts(const Row& row)
    {
        auto span = std::chrono::minutes(m_rules.lockout_window_minutes);
        auto& window = m_lockouts[row.tenant];
        window.add(row.time, row.target, span);
        if (window.distinct() >= static_cast<size_t>(m_rules.lockout_burst) && window.report(row.time, span))
            add(row, "lockout_burst", window.joined(),
                std::to_string(window.distinct()) + " login IDs locked within "
                    + std::to_string(m_rules.lockout_window_minutes) + " min");
    }

    void licences(const Row& row)
    {
        auto span = std::chrono::minutes(m_rules.licence_window_minutes);
        auto& window = m_licences[row.tenant + "\n" + row.actor];
        window.add(row.time, row.target, span);
        if (window.items.size() > static_cast<size_t>(m_rules.licence_rate) && window.report(row.time, span))
            add(row, "licence_rate", row.actor,
                std::to_string(window.items.size()) + " licences within "
                    + std::to_string(m_rules.licence_window_minutes) + " min");
    }

    const AnomalyRules& m_rules;
    std::map<std::string, Window> m_devices, m_lockouts, m_licences;
    std::vector<Anomaly> m_found;
};

}

Result<void> parse_school_hours(std::string_view hours, SchoolHours& out)
{
    auto dash = hours.find('-');
    auto first = dash == std::string_view::npos ? std::nullopt : parse_clock(hours.substr(0, dash));
    auto last = dash == std::string_view::npos ? std::nullopt : parse_clock(hours.substr(dash + 1));
    if (!first || !last || *first >= *last)
        return fail(
            ErrorKind::InvalidArgument, "school hours are HH:MM-HH:MM (e.g. 07:00-18:00), not " + std::string(hours));
    out.first_minute = *first;
    out.last_minute = *last;
    return {};
}

Result<void> parse_school_days(std::string_view days, SchoolHours& out)
{
    std::array<bool, 7> chosen {};
    auto bad = [&] {
        return fail(
            ErrorKind::InvalidArgument, "school days are like mon-fri or mon,wed,fri, not " + std::string(days));
    };
    size_t start = 0;
    while (start < days.size()) {
        auto comma = std::min(days.find(',', start), days.size());
        auto part = days.substr(start, comma - start);
        auto dash = part.find('-');
        auto from = day_index(part.substr(0, dash == std::string_view::npos ? part.size() : dash));
        auto to = dash == std::string_view::npos ? from : day_index(part.substr(dash + 1));
        if (!from || !to || *from > *to)
            return bad();
        for (size_t d = *from; d <= *to; ++d)
            chosen[d] = true;
        start = comma + 1;
    }
    if (std::none_of(chosen.begin(), chosen.end(), [](bool d) { return d; }))
        return bad();
    out.days = chosen;
    return {};
}

Result<void> parse_utc_offset(std::string_view offset, SchoolHours& out)
{
    auto clock = offset.size() == 6 ? parse_clock(offset.substr(1)) : std::nullopt;
    if (!clock || (offset[0] != '+' && offset[0] != '-') || *clock > 14 * 60)
        return fail(
            ErrorKind::InvalidArgument, "a UTC offset is +HH:MM or -HH:MM (Japan: +09:00), not " + std::string(offset));
    out.utc_offset_minutes = offset[0] == '-' ? -*clock : *clock;
    return {};
}

bool within_school_hours(const SchoolHours& hours, base::Timestamp time)
{
    auto local = time + std::chrono::minutes(hours.utc_offset_minutes);
    auto day = std::chrono::floor<std::chrono::days>(local);
    auto minute = std::chrono::duration_cast<std::chrono::minutes>(local - day).count();
    auto weekday = std::chrono::weekday(day).c_encoding();
    return hours.days[weekday] && minute >= hours.first_minute && minute < hours.last_minute;
}

Result<std::vector<Anomaly>> find_anomalies(
    storage::Database& db, const AnomalyRules& rules, base::Timestamp since, base::Timestamp until)
{
    // RFC 3339 UTC text compares as time (storage/migrations.cpp).
    auto rows = TRY_DB(db.prepare(
        "SELECT seq, time, coalesce(tenant, ''), actor, coalesce(device, ''), action, coalesce(target, ''), outcome "
        "FROM audit_log WHERE time >= ?1 AND time < ?2 AND action IN ('auth.login', 'licence.issue') ORDER BY seq"));
    rows.bind(1, base::format_rfc3339(since)).bind(2, base::format_rfc3339(until));
    Detector detector(rules);
    while (TRY_DB(rows.step())) {
        Row row { rows.integer(0), rows.text(1), {}, rows.text(2), rows.text(3), rows.text(4), rows.text(5),
            rows.text(6), rows.text(7) };
        auto parsed = base::parse_rfc3339(row.time_text);
        if (!parsed)
            continue; // not ours to judge here: audit verify reports damaged entries
        row.time = *parsed;
        detector.visit(row);
    }
    return detector.take();
}

std::map<std::string, int64_t> count_anomalies(const std::vector<Anomaly>& anomalies)
{
    std::map<std::string, int64_t> counts;
    for (auto kind : anomaly_kinds)
        counts[std::string(kind)] = 0;
    for (const auto& anomaly : anomalies)
        ++counts[anomaly.kind];
    return counts;
}

}
