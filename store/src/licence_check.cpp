#include "hondana/store/licence_check.h"

#include "convert.h"
#include "hondana/drm/key_wrap.h"

namespace hondana::store {

namespace {

Result<void> check_binding(const drm::Licence& licence, const LicenceCheckContext& context)
{
    if (licence.profile != drm::hondana_device_profile)
        return fail(ErrorKind::LicenceWrongDevice, "licence profile " + licence.profile + " is not bound to a device");
    if (licence.user_key.device_id.value_or("") != context.device_id)
        return fail(ErrorKind::LicenceWrongDevice,
            "licence is for device '" + licence.user_key.device_id.value_or("") + "', not this device");
    if (!licence.user_key.device_key_pin || *licence.user_key.device_key_pin != context.device_key_pin) // not-secret: public key pins
        return fail(ErrorKind::LicenceWrongDevice, "licence is bound to another device key");
    return {};
}

Result<void> check_rights(const drm::Licence& licence, const LicenceCheckContext& context)
{
    auto now = context.now.now;
    if (licence.rights.start && now < *licence.rights.start)
        return fail(ErrorKind::LicenceNotYetValid, "the loan starts at " + base::format_rfc3339(*licence.rights.start));
    if (licence.rights.end && now >= *licence.rights.end)
        return fail(ErrorKind::LicenceExpired, "the loan ended at " + base::format_rfc3339(*licence.rights.end));
    if (licence.rights.offline_until && now >= *licence.rights.offline_until)
        return fail(ErrorKind::OfflineLeaseExpired, "the licence may be used offline only until "
                + base::format_rfc3339(*licence.rights.offline_until) + ": connect to the school network");
    auto lease_end = context.checked_online_at + std::chrono::days(context.offline_lease_days);
    if (now >= lease_end)
        return fail(ErrorKind::OfflineLeaseExpired, "the licence was last checked online at "
                + base::format_rfc3339(context.checked_online_at) + "; the offline lease of "
                + std::to_string(context.offline_lease_days) + " days is over: connect to the school network");
    return {};
}

}

bool status_ends_use(std::string_view status)
{
    return status == "revoked" || status == "returned" || status == "cancelled" || status == "expired";
}

Result<drm::Licence> check_licence(std::string_view licence_json, const LicenceCheckContext& context)
{
    if (!context.tenant_root)
        return fail(ErrorKind::InvalidArgument, "no tenant root to check the licence against");
    auto licence = drm::parse_licence(licence_json);
    if (!licence)
        return fail(ErrorKind::LicenceInvalid, "licence does not parse: " + licence.error().message);
    auto verified = drm::verify_licence(*licence, *context.tenant_root);
    if (!verified)
        return fail(ErrorKind::LicenceInvalid, "licence signature does not verify ("
                + std::string(drm::error_code(verified.error().kind)) + "): " + verified.error().message);
    TRY(check_binding(*licence, context));
    TRY(check_rights(*licence, context));
    if (status_ends_use(context.last_status))
        return fail(ErrorKind::LicenceRevoked, "the service marked this licence " + context.last_status);
    return std::move(*licence);
}

Result<drm::SecretBytes> unwrap_licence_key(
    const drm::Licence& licence, const drm::PrivateKey& device_key, std::string_view device_id)
{
    drm::KeyWrapContext context { licence.id, device_id };
    auto key = drm::unwrap_content_key(licence.content_key.encrypted_value, device_key, context);
    if (!key)
        return fail(ErrorKind::LicenceWrongDevice, "the content key does not unwrap with this device's key: "
                + key.error().message);
    return std::move(*key);
}

}
