#pragma once

// Network trust (REQ NET-1): online work happens only after every configured
// probe endpoint answers a TLS handshake whose key matches its pin. The
// handshake itself is done by sync/ (it owns TLS); this class holds the rule
// and the state, and is safe to share between threads.
//
//   all probes verified                → Trusted
//   any probe answered with a wrong key → Untrusted (someone else answers)
//   every probe unreachable             → Offline
//   some verified, some unreachable     → Untrusted (not the approved network)

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "hondana/base/time.h"
#include "hondana/platform/policy.h"

namespace hondana::platform {

enum class NetworkTrustState { Unknown, Trusted, Untrusted, Offline };

[[nodiscard]] std::string_view network_trust_state_name(NetworkTrustState state);

enum class ProbeStatus {
    Verified,    // handshake done, key matched a pin, chain verified
    Unreachable, // no route, refused, DNS failure, timeout
    Mismatch,    // something answered, but not with the pinned key / tenant chain / our TLS policy
};

struct ProbeResult {
    Endpoint endpoint;
    ProbeStatus status { ProbeStatus::Unreachable };
    std::string detail; // for people: which check failed
};

struct NetworkTrustReport {
    NetworkTrustState state { NetworkTrustState::Unknown };
    std::string reason; // one line a student or admin can act on
    std::optional<base::Timestamp> checked_at;
    std::vector<ProbeResult> probes;
};

// Runs one probe (blocking). Supplied by sync/ (sync::TlsProbe).
using Prober = std::function<ProbeResult(const Endpoint&)>;

[[nodiscard]] NetworkTrustReport evaluate_probes(std::vector<ProbeResult> results);

class NetworkTrust {
public:
    NetworkTrust(std::vector<Endpoint> probes, Prober prober);

    // Probes every endpoint (blocking; call from a worker thread) and stores
    // the report. Called before each sync and when the network changes.
    NetworkTrustReport check();
    // The last report (Unknown before the first check).
    [[nodiscard]] NetworkTrustReport last() const;
    [[nodiscard]] bool trusted() const { return last().state == NetworkTrustState::Trusted; }
    // Marks the last report stale (the network changed); state becomes Unknown.
    void invalidate(std::string reason);

private:
    std::vector<Endpoint> m_probes;
    Prober m_prober;
    mutable std::mutex m_mutex;
    NetworkTrustReport m_last;
};

}
