#pragma once

// Devices (stage 1, REQ AUTH-1, NET-2). An admin registers device IDs; each
// gets a one-time enrolment code (only its SHA-256 is stored). At enrolment
// the device proves it holds a P-256 key (an ECDSA signature over the ID and
// code) and receives a client certificate (CN = device ID) from the device
// CA. From then on every request arrives over mutual TLS, and authenticate()
// checks on every request that the device is enrolled, not revoked, and that
// the certificate's key is the very key enrolled (a re-enrolled or revoked
// device's old certificate stops working at once).

#include <string>
#include <vector>

#include "hondana/drm/crypto.h"
#include "lending/clock.h"
#include "lending/model.h"
#include "lending/pki.h"
#include "lending/store.h"

namespace hondana::lending {

struct RegisteredDevice {
    std::string id;
    std::string enrolment_code;
    std::string school;
};

struct EnrolmentRequest {
    std::string device_id;
    std::string enrolment_code;
    drm::Bytes public_key; // SPKI DER, P-256
    drm::Bytes proof;      // ECDSA-SHA256 r||s over enrolment_proof_message()
};

struct Enrolment {
    std::string device_certificate_pem;
    std::string ca_certificates_pem;
    std::string tenant;
    std::string school;
};

// The bytes a device signs to enrol: "hondana-enrol-v1\n" + device_id + "\n" + code.
[[nodiscard]] std::string enrolment_proof_message(std::string_view device_id, std::string_view enrolment_code);

inline constexpr int device_certificate_days = 5 * 365;

class Devices {
public:
    Devices(Store& store, const Clock& clock, const Pki& pki);

    // Registers devices of a school; each gets a fresh enrolment code.
    [[nodiscard]] Result<std::vector<RegisteredDevice>> add(const std::string& actor, std::string_view tenant_slug,
        const std::string& school, const std::vector<std::string>& ids, const std::string& label);
    // A new code for a device (a replaced tablet): it must enrol again, and
    // its old certificate stops working.
    [[nodiscard]] Result<RegisteredDevice> reissue_code(
        const std::string& actor, std::string_view tenant_slug, const std::string& device_id);
    // Revokes: every session of the device ends, and its next request gets device-revoked.
    [[nodiscard]] Result<void> revoke(
        const std::string& actor, std::string_view tenant_slug, const std::string& device_id);

    // EnrolmentInvalid for an unknown ID, a wrong or spent code, a key that
    // is not P-256 or a proof that does not verify (one answer for all).
    [[nodiscard]] Result<Enrolment> enrol(const EnrolmentRequest& request);

    // The device presenting `certificate_der` (already chain-checked by TLS
    // against the device CA). DeviceUnknown / DeviceRevoked.
    [[nodiscard]] Result<DeviceIdentity> authenticate(drm::ByteView certificate_der);

private:
    Store& m_store;
    const Clock& m_clock;
    const Pki& m_pki;
};

}
