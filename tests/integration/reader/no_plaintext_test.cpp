// No plaintext on disk (issue 4): after enrol, sign-in, borrow, download and
// opening every sample title (each contains the canary sentence), no file
// under the reader's home (which holds its state directory) or /tmp contains
// the canary in UTF-8, UTF-16LE/BE, PDF hex strings or inside deflate streams.
//
// Other tests on this machine (render samples, UI runs) leave sample
// plaintext in the shared /tmp, so every reader command runs in a mount
// namespace whose /tmp is a private folder, and that folder is what is
// scanned as "/tmp". Where mount namespaces are not permitted the test skips.

#include "plaintext_scan.h"
#include "service_fixture.h"

using namespace hondana;

namespace {

const std::string canary = "Hondana canary: the quick brown fox reads in Kyoto.";

class NoPlaintext : public test::ReaderServiceTest { };

}

TEST_F(NoPlaintext, no_file_of_the_reader_or_in_tmp_holds_the_canary_after_reading_every_title)
{
    // The scanner sees the canary in the service's own sample sources (the
    // forms it takes in a PDF or EPUB): the search below can find it.
    size_t sample_files = 0;
    auto in_samples = test::scan_for_plaintext({ service().data_dir() / "samples" }, canary, &sample_files);
    ASSERT_GT(sample_files, 0u);
    ASSERT_GE(in_samples.size(), sample_files) << "the sample titles no longer contain the canary";

    if (std::system("unshare -m true >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "mount namespaces are not permitted here (`unshare -m` failed): cannot give the reader a /tmp "
                        "of its own, and the shared /tmp holds other tests' plaintext samples";
    auto under_tmp = [](const std::filesystem::path& path) {
        auto text = std::filesystem::weakly_canonical(path).string();
        return text == "/tmp" || text.starts_with("/tmp/");
    };
    if (under_tmp(HONDANA_CLI) || under_tmp(dir()))
        GTEST_SKIP() << "the build tree is under /tmp, which this test hides behind a private /tmp for the reader: "
                        "build outside /tmp to run it";
    auto private_tmp = dir() / "tmp";
    std::filesystem::create_directories(private_tmp);
    std::vector<std::string> own_tmp { "unshare", "-m", "sh", "-c", "mount --bind \"$0\" /tmp && exec \"$@\"",
        private_tmp.string() };

    auto tablet = this->tablet(0);
    ASSERT_EQ(cli(tablet, { "enrol" }, {}, own_tmp).exit_code, 0);
    auto [login, password] = service().student(0);
    auto pw = password + "\n";
    ASSERT_EQ(cli(tablet, { "login", login }, pw, own_tmp).exit_code, 0);
    for (const auto& title : service().titles()) {
        ASSERT_EQ(cli(tablet, { "borrow", title }, pw, own_tmp).exit_code, 0) << title;
        ASSERT_EQ(cli(tablet, { "download", title }, pw, own_tmp).exit_code, 0) << title;
        auto opened = cli(tablet, { "open", title }, pw, own_tmp);
        ASSERT_EQ(opened.exit_code, 0) << opened.err;
    }
    ASSERT_EQ(cli(tablet, { "logout" }, pw, own_tmp).exit_code, 0);

    size_t scanned = 0;
    auto hits = test::scan_for_plaintext({ tablet.home, private_tmp }, canary, &scanned);
    EXPECT_GT(scanned, 5u) << "the reader's state was not where the scan looked";
    for (const auto& hit : hits)
        ADD_FAILURE() << "canary found in " << hit.file << " as " << hit.encoding;
}
