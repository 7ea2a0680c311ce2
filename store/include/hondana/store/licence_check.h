#pragma once

// The checks a licence passes before its title opens, offline or online, in
// this order (the first failure is the answer):
//   1. signature, and certificate chain to the tenant root valid at signing time;
//   2. Hondana device profile, bound to this device ID and this device key;
//   3. rights.start ≤ trusted now < rights.end;
//   4. the offline lease: trusted now < rights.offline_until and
//      trusted now < last online check + policy's offline_lease_days;
//   5. the last status the service gave is usable (not revoked/returned/…).
// Then the content key is unwrapped with the device key.

#include <optional>
#include <string>

#include "hondana/drm/keys.h"
#include "hondana/drm/licence.h"
#include "hondana/platform/trusted_clock.h"
#include "hondana/store/error.h"

namespace hondana::store {

struct LicenceCheckContext {
    const drm::Certificate* tenant_root { nullptr };
    std::string device_id;
    std::string device_key_pin; // base64 SPKI SHA-256 of the device key
    platform::TrustedTime now;
    int offline_lease_days { 14 };
    base::Timestamp checked_online_at; // last time the service confirmed this licence
    std::string last_status { "active" };
};

// Parses and checks; the error kind says which check failed (LicenceInvalid,
// LicenceWrongDevice, LicenceNotYetValid, LicenceExpired, OfflineLeaseExpired,
// LicenceRevoked) and the message says why, for people and for the audit log.
[[nodiscard]] Result<drm::Licence> check_licence(std::string_view licence_json, const LicenceCheckContext& context);

// A status from the service (License Status Document) that ends use on this device.
[[nodiscard]] bool status_ends_use(std::string_view status);

// Unwraps the content key of a checked licence with the device key.
[[nodiscard]] Result<drm::SecretBytes> unwrap_licence_key(
    const drm::Licence& licence, const drm::PrivateKey& device_key, std::string_view device_id);

}
