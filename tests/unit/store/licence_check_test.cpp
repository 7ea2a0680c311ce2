#include "hondana/store/licence_check.h"

#include <gtest/gtest.h>

#include "test_pki.h"

using namespace hondana;
using namespace hondana::store;
using namespace std::chrono_literals;

namespace {

struct LicenceFixture {
    test::TestPki pki = test::TestPki::create();
    drm::PrivateKey device_key = *drm::PrivateKey::generate_p256();
    drm::PublicKey device_public = device_key.public_key();
    base::Timestamp now = base::now_utc();

    test::LicenceSpec spec()
    {
        test::LicenceSpec spec;
        spec.device_key = &device_public;
        spec.start = now - 24h;
        spec.end = now + 24h * 14;
        spec.offline_until = now + 24h * 7;
        return spec;
    }

    LicenceCheckContext context()
    {
        return { &pki.root, "tablet-0001", device_public.spki_sha256_pin(),
            { now, platform::ClockState::Synced, false, 0s }, 14, now - 1h, "active" };
    }
};

void expect_refused(const Result<drm::Licence>& result, ErrorKind kind)
{
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, kind) << result.error().message;
}

}

TEST(LicenceCheck, accepts_a_valid_licence_and_unwraps_its_key)
{
    LicenceFixture f;
    auto licence = check_licence(test::make_licence(f.pki, f.spec()), f.context());
    ASSERT_TRUE(licence) << licence.error().message;
    auto key = unwrap_licence_key(*licence, f.device_key, "tablet-0001");
    ASSERT_TRUE(key) << key.error().message;
    EXPECT_TRUE(drm::constant_time_equal(key->view(), drm::Bytes(32, 0x42)));
}

TEST(LicenceCheck, rejects_tampered_licence)
{
    LicenceFixture f;
    auto text = test::make_licence(f.pki, f.spec());
    auto at = text.find("\"end\":\"");
    ASSERT_NE(at, std::string::npos);
    text[at + 8] = text[at + 8] == '9' ? '8' : '9'; // move the loan end by years
    expect_refused(check_licence(text, f.context()), ErrorKind::LicenceInvalid);
}

TEST(LicenceCheck, rejects_licence_signed_by_another_tenant)
{
    LicenceFixture f;
    auto other = test::TestPki::create("Other Tenant");
    expect_refused(check_licence(test::make_licence(other, f.spec()), f.context()), ErrorKind::LicenceInvalid);
}

TEST(LicenceCheck, rejects_licence_for_another_device)
{
    LicenceFixture f;
    auto spec = f.spec();
    spec.device_id = "tablet-0002";
    expect_refused(check_licence(test::make_licence(f.pki, spec), f.context()), ErrorKind::LicenceWrongDevice);
    auto other_key = *drm::PrivateKey::generate_p256();
    auto other_public = other_key.public_key();
    spec = f.spec();
    spec.device_key = &other_public;
    expect_refused(check_licence(test::make_licence(f.pki, spec), f.context()), ErrorKind::LicenceWrongDevice);
}

TEST(LicenceCheck, refuses_before_start_and_after_end)
{
    LicenceFixture f;
    auto spec = f.spec();
    spec.start = f.now + 1h;
    expect_refused(check_licence(test::make_licence(f.pki, spec), f.context()), ErrorKind::LicenceNotYetValid);
    spec = f.spec();
    spec.end = f.now - 1s;
    spec.offline_until = f.now - 1s;
    expect_refused(check_licence(test::make_licence(f.pki, spec), f.context()), ErrorKind::LicenceExpired);
}

TEST(LicenceCheck, refuses_an_expired_offline_lease_from_either_side)
{
    LicenceFixture f;
    auto spec = f.spec();
    spec.offline_until = f.now - 1s;
    expect_refused(check_licence(test::make_licence(f.pki, spec), f.context()), ErrorKind::OfflineLeaseExpired);
    auto context = f.context();
    context.checked_online_at = f.now - 24h * 15;
    expect_refused(check_licence(test::make_licence(f.pki, f.spec()), context), ErrorKind::OfflineLeaseExpired);
    context.offline_lease_days = 0;
    context.checked_online_at = f.now;
    expect_refused(check_licence(test::make_licence(f.pki, f.spec()), context), ErrorKind::OfflineLeaseExpired);
}

TEST(LicenceCheck, refuses_a_licence_the_service_marked_returned)
{
    LicenceFixture f;
    auto context = f.context();
    context.last_status = "returned";
    expect_refused(check_licence(test::make_licence(f.pki, f.spec()), context), ErrorKind::LicenceRevoked);
    EXPECT_TRUE(status_ends_use("revoked"));
    EXPECT_FALSE(status_ends_use("active"));
}

TEST(LicenceCheck, garbage_is_a_clear_error)
{
    LicenceFixture f;
    expect_refused(check_licence("{not json", f.context()), ErrorKind::LicenceInvalid);
    expect_refused(check_licence("", f.context()), ErrorKind::LicenceInvalid);
}
