#pragma once

// The trusted-network probe (REQ NET-1): a TLS handshake with one endpoint
// under the full TLS policy (pins, tenant root, CRYPTREC suites), no request
// sent. Plugs into platform::NetworkTrust as its Prober.

#include "hondana/platform/network_trust.h"
#include "hondana/sync/http_client.h"

namespace hondana::sync {

// Blocking; at most the config's connect timeout. The endpoint need not be
// in the allowlist (the policy loader already requires probes to be).
[[nodiscard]] platform::ProbeResult probe_endpoint(const TlsConfig& config, const platform::Endpoint& endpoint);

// A Prober bound to `config`, for platform::NetworkTrust.
[[nodiscard]] platform::Prober make_prober(TlsConfig config);

}
