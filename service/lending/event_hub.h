#pragma once

// The fan-out of class-session events (issue 6): rules publish events, event
// streams (GET /v1/events) subscribe. Behind an interface so a multi-instance
// deployment (PostgreSQL LISTEN/NOTIFY or similar) plugs in without touching
// the rules; InProcessEventHub is the one-process implementation.
//
// Every event gets an id "<epoch>-<seq>" (the epoch names the hub instance, so
// an id from before a restart is recognised as foreign). Each tenant keeps a
// bounded log of its latest events: a stream that reconnects with
// Last-Event-ID gets every event it missed while that id is still in the log,
// and is told it has a gap otherwise (it then rebuilds from a snapshot).

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace hondana::lending {

// Who receives an event: the members of a class (all, or only its staff:
// teachers and admins), and/or named users.
struct Audience {
    int64_t class_id { 0 }; // 0: no class
    bool staff_only { false };
    std::vector<int64_t> users;
};

struct Event {
    std::string id; // assigned by publish()
    int64_t tenant_id { 0 };
    Audience audience;
    std::string type; // "session.started", "student.state", …
    std::string data; // JSON text, one line
};

// One open event stream's identity, as the rules resolved it.
struct Subscriber {
    int64_t tenant_id { 0 };
    int64_t user_id { 0 };
    bool staff { false }; // teacher or admin
    std::set<int64_t> class_ids;
    [[nodiscard]] bool receives(const Event& event) const;
};

// Called for each matching event, on the publishing thread, in publish order.
// Must not block (a stream queues it and returns).
using EventSink = std::function<void(const std::shared_ptr<const Event>&)>;

// Unsubscribes when destroyed.
class Subscription {
public:
    virtual ~Subscription() = default;
};

struct SubscribeResult {
    std::unique_ptr<Subscription> subscription;
    // The events after the Last-Event-ID, oldest first (empty when none was given).
    std::vector<std::shared_ptr<const Event>> backlog;
    // Last-Event-ID was given but is not in the log (too old, or another epoch).
    bool gap { false };
    // An id meaning "everything published up to the moment of subscribing"
    // (what a stream starting from a snapshot resumes from).
    std::string latest_id;
};

class EventHub {
public:
    virtual ~EventHub() = default;
    // Assigns the id and delivers to every matching subscriber. Thread-safe.
    virtual std::string publish(Event event) = 0;
    // Registers `sink` and, atomically with it, collects what was missed after `last_event_id`.
    [[nodiscard]] virtual SubscribeResult subscribe(
        Subscriber who, const std::optional<std::string>& last_event_id, EventSink sink)
        = 0;
    // Open streams of a user (presence: "connected" on the teacher's roster).
    [[nodiscard]] virtual size_t streams_of(int64_t tenant_id, int64_t user_id) const = 0;
    [[nodiscard]] virtual size_t stream_count() const = 0;
};

struct EventHubOptions {
    size_t log_capacity { 65536 }; // events kept per tenant for resumption
};

class InProcessEventHub final : public EventHub {
public:
    explicit InProcessEventHub(EventHubOptions options = {});
    ~InProcessEventHub() override;

    std::string publish(Event event) override;
    [[nodiscard]] SubscribeResult subscribe(
        Subscriber who, const std::optional<std::string>& last_event_id, EventSink sink) override;
    [[nodiscard]] size_t streams_of(int64_t tenant_id, int64_t user_id) const override;
    [[nodiscard]] size_t stream_count() const override;
    [[nodiscard]] const std::string& epoch() const;

private:
    struct Core;
    class Handle;
    std::shared_ptr<Core> m_core; // shared with the subscriptions, which may outlive the hub
};

}
