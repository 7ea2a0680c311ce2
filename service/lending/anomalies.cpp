#include "lending/anomalies.h"

#include "lending/policy.h"

#include <deque>
#include <set>

namespace hondana::lending {

namespace {

struct Row {
    int64_t seq { 0 };
    std::string time_text;
    base::Timestamp time;
    std::string tenant, actor, device, action, target, outcome;
};

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
    Detector(const AnomalyRules& rules, std::map<std::string, SchoolHours> tenant_hours)
        : m_rules(rules)
        , m_tenant_hours(std::move(tenant_hours))
    {
    }

    void visit(const Row& row)
    {
        if (row.action == "auth.login" && row.outcome == "ok") {
            off_hours(row);
            many_devices(row);
        }
        // A wrong current password in a password change counts towards the lockout too.
        if ((row.action == "auth.login" || row.action == "auth.password_change") && row.outcome == "locked")
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

    const SchoolHours& hours_of(const std::string& tenant) const
    {
        if (m_rules.hours)
            return *m_rules.hours;
        auto found = m_tenant_hours.find(tenant);
        return found == m_tenant_hours.end() ? m_default_hours : found->second;
    }

    void off_hours(const Row& row)
    {
        const auto& hours = hours_of(row.tenant);
        if (within_school_hours(hours, row.time))
            return;
        auto local = local_time(hours, row.time);
        add(row, "off_hours_sign_in", row.target,
            "signed in at " + format_clock(local.minute) + " local time (" + std::string(day_name(local.day))
                + (closed_on(hours, local.day) ? ", schools closed" : "") + ") on device " + row.device);
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
    std::map<std::string, SchoolHours> m_tenant_hours; // by tenant slug
    SchoolHours m_default_hours;                       // an entry of no (or no longer a) tenant
    std::map<std::string, Window> m_devices, m_lockouts, m_licences;
    std::vector<Anomaly> m_found;
};

}

namespace {

// Each tenant's timetable from its stored policy.
Result<std::map<std::string, SchoolHours>> tenant_timetables(storage::Database& db)
{
    std::map<std::string, SchoolHours> timetables;
    auto rows = TRY_DB(db.prepare("SELECT slug, policy FROM tenants"));
    while (TRY_DB(rows.step())) {
        auto policy = TRY(parse_policy_text(rows.text(1)));
        timetables.emplace(rows.text(0), policy.school);
    }
    return timetables;
}

}

Result<std::vector<Anomaly>> find_anomalies(
    storage::Database& db, const AnomalyRules& rules, base::Timestamp since, base::Timestamp until)
{
    // RFC 3339 UTC text compares as time (storage/migrations.cpp).
    auto rows = TRY_DB(db.prepare(
        "SELECT seq, time, coalesce(tenant, ''), actor, coalesce(device, ''), action, coalesce(target, ''), outcome "
        "FROM audit_log WHERE time >= ?1 AND time < ?2 AND action IN ('auth.login', 'auth.password_change', "
        "'licence.issue') ORDER BY seq"));
    rows.bind(1, base::format_rfc3339(since)).bind(2, base::format_rfc3339(until));
    Detector detector(rules, rules.hours ? std::map<std::string, SchoolHours> {} : TRY(tenant_timetables(db)));
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
