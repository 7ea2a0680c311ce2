#include "hondana/sync/downloader.h"

#include <fstream>

#include <gtest/gtest.h>

#include "test_https_server.h"
#include "tls_fixture.h"

using namespace hondana;
using namespace hondana::sync;

namespace {

std::string sample(size_t size)
{
    std::string bytes(size, '\0');
    for (size_t i = 0; i < size; ++i)
        bytes[i] = static_cast<char>((i * 131 + i / 7) & 0xff);
    return bytes;
}

std::string hex_sha256(const std::string& bytes)
{
    return drm::hex_encode(drm::sha256(drm::as_bytes(bytes)));
}

std::string read(const std::filesystem::path& path)
{
    std::ifstream file(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(file), {});
}

struct DownloadFixture {
    test::TlsFixture tls;
    test::TestHttpsServer server { tls.server_key, tls.server_cert.pem() };
    std::string bytes = sample(700 * 1024 + 13);
    std::unique_ptr<HttpClient> client;
    DownloadRequest request;

    DownloadFixture()
    {
        server.set_file("/v1/content/title-1", bytes);
        client = std::move(*HttpClient::create(tls.config(server.port()), test::quick_retries()));
        request.url = server.url("/v1/content/title-1");
        request.destination = tls.dir.path() / "title-1.hpub";
        request.expected_sha256 = hex_sha256(bytes);
        request.expected_length = bytes.size();
    }
    std::filesystem::path part() const { return request.destination.string() + ".part"; }
};

}

TEST(Downloader, downloads_verifies_and_moves_into_place_with_progress)
{
    DownloadFixture f;
    uint64_t last = 0;
    auto result = download(*f.client, f.request, [&](uint64_t have, uint64_t) { last = have; });
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(read(f.request.destination), f.bytes);
    EXPECT_EQ(result->transferred, f.bytes.size());
    EXPECT_EQ(last, f.bytes.size());
    EXPECT_FALSE(std::filesystem::exists(f.part()));
    auto again = download(*f.client, f.request);
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->already_complete);
}

TEST(Downloader, dropped_connections_cost_only_the_missing_bytes)
{
    DownloadFixture f;
    f.server.drop_after(100 * 1024, 3);
    auto result = download(*f.client, f.request);
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(read(f.request.destination), f.bytes);
    EXPECT_EQ(result->resumes, 3);
    EXPECT_EQ(f.server.body_bytes_sent(), f.bytes.size()) << "bytes were sent twice";
}

TEST(Downloader, resumes_a_part_file_left_by_an_earlier_run)
{
    DownloadFixture f;
    f.server.drop_after(300 * 1024, 1);
    f.request.max_resumes = 0;
    ASSERT_FALSE(download(*f.client, f.request));
    ASSERT_EQ(std::filesystem::file_size(f.part()), 300u * 1024);
    f.request.max_resumes = 8;
    auto result = download(*f.client, f.request);
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(result->transferred, f.bytes.size() - 300 * 1024);
    EXPECT_NE(f.server.last_request_headers().find("Range: bytes=307200-"), std::string::npos);
    EXPECT_EQ(read(f.request.destination), f.bytes);
}

TEST(Downloader, changed_content_restarts_from_zero)
{
    DownloadFixture f;
    {
        std::ofstream(f.part(), std::ios::binary) << std::string(1000, 'x');
        std::ofstream(f.request.destination.string() + ".part.etag") << "\"stale\"";
    }
    auto result = download(*f.client, f.request);
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(read(f.request.destination), f.bytes);
}

TEST(Downloader, content_not_matching_the_licence_is_discarded)
{
    DownloadFixture f;
    f.request.expected_sha256 = std::string(64, '0');
    auto result = download(*f.client, f.request);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, ErrorKind::HashMismatch);
    EXPECT_FALSE(std::filesystem::exists(f.request.destination));
    EXPECT_FALSE(std::filesystem::exists(f.part()));
}

TEST(Downloader, cancel_keeps_the_part_file_for_later)
{
    DownloadFixture f;
    auto result = download(*f.client, f.request, [&](uint64_t have, uint64_t) {
        if (have > 0)
            f.client->cancel();
    });
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, ErrorKind::Cancelled) << result.error().message;
    f.client->reset_cancel();
    auto resumed = download(*f.client, f.request);
    ASSERT_TRUE(resumed) << resumed.error().message;
    EXPECT_EQ(read(f.request.destination), f.bytes);
}
