#include "hondana/platform/network_trust.h"

#include <gtest/gtest.h>

using namespace hondana::platform;

namespace {

ProbeResult probe(const char* host, ProbeStatus status)
{
    return { Endpoint { host, 443 }, status, status == ProbeStatus::Verified ? "ok" : "refused" };
}

}

TEST(NetworkTrust, all_probes_verified_is_trusted)
{
    auto report = evaluate_probes({ probe("a", ProbeStatus::Verified), probe("b", ProbeStatus::Verified) });
    EXPECT_EQ(report.state, NetworkTrustState::Trusted);
}

TEST(NetworkTrust, one_mismatch_makes_the_network_untrusted_and_names_it)
{
    auto report = evaluate_probes({ probe("a", ProbeStatus::Verified), probe("b", ProbeStatus::Mismatch) });
    EXPECT_EQ(report.state, NetworkTrustState::Untrusted);
    EXPECT_NE(report.reason.find("b:443"), std::string::npos) << report.reason;
}

TEST(NetworkTrust, nothing_reachable_is_offline)
{
    auto report = evaluate_probes({ probe("a", ProbeStatus::Unreachable) });
    EXPECT_EQ(report.state, NetworkTrustState::Offline);
}

TEST(NetworkTrust, partly_reachable_is_untrusted)
{
    auto report = evaluate_probes({ probe("a", ProbeStatus::Verified), probe("b", ProbeStatus::Unreachable) });
    EXPECT_EQ(report.state, NetworkTrustState::Untrusted);
}

TEST(NetworkTrust, no_probe_configured_is_untrusted)
{
    EXPECT_EQ(evaluate_probes({}).state, NetworkTrustState::Untrusted);
}

TEST(NetworkTrust, check_runs_every_probe_and_invalidate_forgets_the_result)
{
    int calls = 0;
    NetworkTrust trust({ { "a", 443 }, { "b", 8443 } }, [&](const Endpoint& endpoint) {
        ++calls;
        return ProbeResult { endpoint, ProbeStatus::Verified, "ok" };
    });
    EXPECT_EQ(trust.last().state, NetworkTrustState::Unknown);
    EXPECT_TRUE(trust.check().state == NetworkTrustState::Trusted);
    EXPECT_EQ(calls, 2);
    EXPECT_TRUE(trust.trusted());
    trust.invalidate("network changed");
    EXPECT_FALSE(trust.trusted());
    EXPECT_EQ(trust.last().reason, "network changed");
}
