#include "hondana/platform/network_trust.h"

#include <algorithm>

namespace hondana::platform {

std::string_view network_trust_state_name(NetworkTrustState state)
{
    switch (state) {
    case NetworkTrustState::Unknown: return "unknown";
    case NetworkTrustState::Trusted: return "trusted";
    case NetworkTrustState::Untrusted: return "untrusted";
    case NetworkTrustState::Offline: return "offline";
    }
    return "unknown";
}

NetworkTrustReport evaluate_probes(std::vector<ProbeResult> results)
{
    NetworkTrustReport report;
    report.checked_at = base::now_utc();
    auto count = [&](ProbeStatus status) {
        return std::count_if(results.begin(), results.end(), [&](const auto& r) { return r.status == status; });
    };
    auto first = [&](ProbeStatus status) {
        return *std::find_if(results.begin(), results.end(), [&](const auto& r) { return r.status == status; });
    };
    if (results.empty()) {
        report.state = NetworkTrustState::Untrusted;
        report.reason = "no trusted-network probe is configured";
    } else if (count(ProbeStatus::Mismatch) > 0) {
        const auto& bad = first(ProbeStatus::Mismatch);
        report.state = NetworkTrustState::Untrusted;
        report.reason = bad.endpoint.to_string() + " answered but could not be verified: " + bad.detail;
    } else if (count(ProbeStatus::Unreachable) == static_cast<long>(results.size())) {
        const auto& bad = first(ProbeStatus::Unreachable);
        report.state = NetworkTrustState::Offline;
        report.reason = "no probe endpoint is reachable (" + bad.endpoint.to_string() + ": " + bad.detail + ")";
    } else if (count(ProbeStatus::Unreachable) > 0) {
        const auto& bad = first(ProbeStatus::Unreachable);
        report.state = NetworkTrustState::Untrusted;
        report.reason = "not the approved network: " + bad.endpoint.to_string() + " is unreachable (" + bad.detail + ")";
    } else {
        report.state = NetworkTrustState::Trusted;
        report.reason = "every probe endpoint verified its pinned key";
    }
    report.probes = std::move(results);
    return report;
}

NetworkTrust::NetworkTrust(std::vector<Endpoint> probes, Prober prober)
    : m_probes(std::move(probes))
    , m_prober(std::move(prober))
{
    m_last.reason = "not checked yet";
}

NetworkTrustReport NetworkTrust::check()
{
    std::vector<ProbeResult> results;
    results.reserve(m_probes.size());
    for (const auto& endpoint : m_probes)
        results.push_back(m_prober(endpoint));
    auto report = evaluate_probes(std::move(results));
    std::lock_guard lock(m_mutex);
    m_last = report;
    return report;
}

NetworkTrustReport NetworkTrust::last() const
{
    std::lock_guard lock(m_mutex);
    return m_last;
}

void NetworkTrust::invalidate(std::string reason)
{
    std::lock_guard lock(m_mutex);
    m_last.state = NetworkTrustState::Unknown;
    m_last.reason = std::move(reason);
}

}
