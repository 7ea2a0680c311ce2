#include "lending/event_hub.h"

#include <algorithm>
#include <charconv>
#include <deque>

#include "hondana/drm/crypto.h"

namespace hondana::lending {

bool Subscriber::receives(const Event& event) const
{
    if (event.tenant_id != tenant_id)
        return false;
    if (std::find(event.audience.users.begin(), event.audience.users.end(), user_id) != event.audience.users.end())
        return true;
    if (event.audience.class_id == 0 || !class_ids.contains(event.audience.class_id))
        return false;
    return staff || !event.audience.staff_only;
}

namespace {

struct Entry {
    Subscriber who;
    EventSink sink;
};

struct LoggedEvent {
    uint64_t seq;
    std::shared_ptr<const Event> event;
};

}

// Subscribers are indexed by class and by user, so an event reaches its
// audience without looking at every open stream of the tenant.
struct InProcessEventHub::Core {
    struct Tenant {
        std::deque<LoggedEvent> log;
        uint64_t evicted_through { 0 }; // the newest sequence number dropped from the log
        std::unordered_map<int64_t, std::vector<std::shared_ptr<Entry>>> by_class;
        std::unordered_map<int64_t, std::vector<std::shared_ptr<Entry>>> by_user;
    };

    EventHubOptions options;
    std::string epoch;
    mutable std::mutex mutex;
    uint64_t next_seq { 1 };
    std::unordered_map<int64_t, Tenant> tenants;
    size_t streams { 0 };

    [[nodiscard]] std::optional<uint64_t> parse_id(const std::string& id) const
    {
        auto dash = id.rfind('-');
        if (dash == std::string::npos || std::string_view(id).substr(0, dash) != epoch)
            return std::nullopt;
        uint64_t seq = 0;
        auto digits = std::string_view(id).substr(dash + 1);
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
        if (ec != std::errc() || end != digits.data() + digits.size())
            return std::nullopt;
        return seq;
    }

    void remove(const std::shared_ptr<Entry>& entry)
    {
        std::lock_guard lock(mutex);
        auto found = tenants.find(entry->who.tenant_id);
        if (found == tenants.end())
            return;
        auto drop = [&](std::vector<std::shared_ptr<Entry>>& list) {
            list.erase(std::remove(list.begin(), list.end(), entry), list.end());
        };
        for (auto class_id : entry->who.class_ids)
            drop(found->second.by_class[class_id]);
        drop(found->second.by_user[entry->who.user_id]);
        if (found->second.by_user[entry->who.user_id].empty())
            found->second.by_user.erase(entry->who.user_id);
        --streams;
    }
};

class InProcessEventHub::Handle final : public Subscription {
public:
    Handle(std::weak_ptr<Core> core, std::shared_ptr<Entry> entry)
        : m_core(std::move(core))
        , m_entry(std::move(entry))
    {
    }
    ~Handle() override
    {
        if (auto core = m_core.lock())
            core->remove(m_entry);
    }
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;

private:
    std::weak_ptr<Core> m_core;
    std::shared_ptr<Entry> m_entry;
};

InProcessEventHub::InProcessEventHub(EventHubOptions options)
    : m_core(std::make_shared<Core>())
{
    m_core->options = options;
    m_core->options.log_capacity = std::max<size_t>(1, options.log_capacity);
    m_core->epoch = drm::random_hex(6).value_or("000000000000");
}

InProcessEventHub::~InProcessEventHub() = default;

const std::string& InProcessEventHub::epoch() const
{
    return m_core->epoch;
}

std::string InProcessEventHub::publish(Event event)
{
    auto& core = *m_core;
    std::lock_guard lock(core.mutex);
    uint64_t seq = core.next_seq++;
    event.id = core.epoch + "-" + std::to_string(seq);
    auto shared = std::make_shared<const Event>(std::move(event));
    auto& tenant = core.tenants[shared->tenant_id];
    tenant.log.push_back({ seq, shared });
    while (tenant.log.size() > core.options.log_capacity) {
        tenant.evicted_through = tenant.log.front().seq;
        tenant.log.pop_front();
    }
    // A subscriber reached both by class and by name gets the event once.
    std::vector<Entry*> delivered;
    auto deliver = [&](const std::shared_ptr<Entry>& entry) {
        if (!entry->who.receives(*shared)
            || std::find(delivered.begin(), delivered.end(), entry.get()) != delivered.end())
            return;
        delivered.push_back(entry.get());
        entry->sink(shared);
    };
    if (shared->audience.class_id != 0) {
        if (auto found = tenant.by_class.find(shared->audience.class_id); found != tenant.by_class.end())
            for (const auto& entry : found->second)
                deliver(entry);
    }
    for (auto user : shared->audience.users) {
        if (auto found = tenant.by_user.find(user); found != tenant.by_user.end())
            for (const auto& entry : found->second)
                deliver(entry);
    }
    return shared->id;
}

SubscribeResult InProcessEventHub::subscribe(
    Subscriber who, const std::optional<std::string>& last_event_id, EventSink sink)
{
    auto& core = *m_core;
    auto entry = std::make_shared<Entry>(Entry { std::move(who), std::move(sink) });
    SubscribeResult result;
    std::lock_guard lock(core.mutex);
    auto& tenant = core.tenants[entry->who.tenant_id];
    // Sequence numbers are shared by all tenants, so "up to now" is the hub's last one.
    result.latest_id = core.epoch + "-" + std::to_string(core.next_seq - 1);
    if (last_event_id) {
        auto seq = core.parse_id(*last_event_id);
        if (!seq || *seq >= core.next_seq || *seq < tenant.evicted_through) {
            result.gap = true;
        } else {
            auto first = std::upper_bound(tenant.log.begin(), tenant.log.end(), *seq,
                [](uint64_t value, const LoggedEvent& logged) { return value < logged.seq; });
            for (auto it = first; it != tenant.log.end(); ++it)
                if (entry->who.receives(*it->event))
                    result.backlog.push_back(it->event);
        }
    }
    for (auto class_id : entry->who.class_ids)
        tenant.by_class[class_id].push_back(entry);
    tenant.by_user[entry->who.user_id].push_back(entry);
    ++core.streams;
    result.subscription = std::make_unique<Handle>(m_core, entry);
    return result;
}

size_t InProcessEventHub::streams_of(int64_t tenant_id, int64_t user_id) const
{
    std::lock_guard lock(m_core->mutex);
    auto tenant = m_core->tenants.find(tenant_id);
    if (tenant == m_core->tenants.end())
        return 0;
    auto user = tenant->second.by_user.find(user_id);
    return user == tenant->second.by_user.end() ? 0 : user->second.size();
}

size_t InProcessEventHub::stream_count() const
{
    std::lock_guard lock(m_core->mutex);
    return m_core->streams;
}

}
