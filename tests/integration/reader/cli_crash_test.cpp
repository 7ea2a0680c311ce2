// Crash safety through hondana-cli against the real service: kill -9 the CLI
// at random points while it signs in (making the store), borrows, downloads
// and opens, many times (bounded); after every kill the device database
// passes its integrity check, and in the end the same commands finish with
// verified content that opens.

#include <random>
#include <thread>

#include "hondana/drm/crypto.h"
#include "service_fixture.h"

using namespace hondana;
using namespace std::chrono_literals;
using test::contains;

namespace {

class CliCrash : public test::ReaderServiceTest { };

}

TEST_F(CliCrash, kill_9_at_random_points_leaves_a_valid_store_and_every_run_resumes)
{
    auto tablet = this->tablet(0);
    ASSERT_EQ(cli(tablet, { "enrol" }).exit_code, 0);
    auto [login, password] = service().student(0);
    auto pw = password + "\n";
    auto titles = service().titles();

    uint32_t seed = 0;
    ASSERT_TRUE(drm::random_bytes({ reinterpret_cast<uint8_t*>(&seed), sizeof seed }));
    std::cout << "random seed " << seed << "\n";
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> delay(0, 1200);
    const std::vector<std::vector<std::string>> steps { { "login", login }, { "borrow", titles[0] },
        { "download", titles[0] }, { "open", titles[0] }, { "borrow", titles[1] }, { "download", titles[1] },
        { "loans" } };
    constexpr int rounds = 30;
    for (int round = 0; round < rounds; ++round) {
        const auto& step = steps[static_cast<size_t>(round) % steps.size()];
        test::run_and_kill(tablet, step, pw, std::chrono::milliseconds(delay(rng)));
        auto doctor = cli(tablet, { "doctor" });
        ASSERT_TRUE(contains(doctor.out, "store.device_db: ok")) << "round " << round << ":\n" << doctor.out;
    }

    // Every run resumes: the same commands now finish.
    ASSERT_EQ(cli(tablet, { "login", login }, pw).exit_code, 0);
    for (size_t i = 0; i < 2; ++i) {
        auto borrowed = cli(tablet, { "borrow", titles[i] }, pw);
        ASSERT_TRUE(borrowed.exit_code == 0 || contains(borrowed.err, "[sync.already_borrowed]")) << borrowed.err;
        auto downloaded = cli(tablet, { "download", titles[i] }, pw);
        ASSERT_EQ(downloaded.exit_code, 0) << downloaded.err;
        EXPECT_TRUE(contains(downloaded.out, "verified")) << downloaded.out;
        auto opened = cli(tablet, { "open", titles[i] }, pw);
        ASSERT_EQ(opened.exit_code, 0) << opened.err;
    }
    auto doctor = cli(tablet, { "doctor" });
    EXPECT_EQ(doctor.exit_code, 0) << doctor.out;
}
