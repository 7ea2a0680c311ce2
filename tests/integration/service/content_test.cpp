#include "integration_fixture.h"

#include "hondana/drm/crypto.h"

using namespace hondana;
using namespace hondana::test;

namespace {

class ContentDownload : public ServiceTest { };

}

TEST_F(ContentDownload, range_download_resumes_to_the_same_bytes)
{
    auto client = device_client(0);
    auto path = "/v1/content/" + service().titles()[1].id;
    auto whole = client->get(path);
    ASSERT_EQ(whole.status, 200u);
    auto etag = whole.header("etag");
    EXPECT_EQ(whole.header("accept-ranges"), "bytes");
    ASSERT_GT(whole.body.size(), 100u);
    size_t half = whole.body.size() / 2;
    auto first = client->request("GET", path, {}, {}, { { "Range", "bytes=0-" + std::to_string(half - 1) } });
    ASSERT_EQ(first.status, 206u);
    EXPECT_EQ(
        first.header("content-range"), "bytes 0-" + std::to_string(half - 1) + "/" + std::to_string(whole.body.size()));
    client->disconnect(); // the download was interrupted
    auto rest = client->request(
        "GET", path, {}, {}, { { "Range", "bytes=" + std::to_string(half) + "-" }, { "If-Range", etag } });
    ASSERT_EQ(rest.status, 206u);
    auto joined = first.body + rest.body;
    EXPECT_EQ(joined, whole.body);
    auto digest = drm::sha256(drm::as_bytes(joined));
    EXPECT_EQ("\"" + drm::hex_encode(digest) + "\"", etag);
}

TEST_F(ContentDownload, changed_etag_in_if_range_sends_the_whole_file)
{
    auto client = device_client(0);
    auto path = "/v1/content/" + service().titles()[0].id;
    auto reply = client->request("GET", path, {}, {}, { { "Range", "bytes=10-" }, { "If-Range", "\"stale\"" } });
    EXPECT_EQ(reply.status, 200u);
}

TEST_F(ContentDownload, if_none_match_gives_304_and_bad_range_416)
{
    auto client = device_client(0);
    auto path = "/v1/content/" + service().titles()[0].id;
    auto whole = client->get(path);
    ASSERT_EQ(whole.status, 200u);
    auto cached = client->request("GET", path, {}, {}, { { "If-None-Match", whole.header("etag") } });
    EXPECT_EQ(cached.status, 304u);
    EXPECT_TRUE(cached.body.empty());
    auto beyond = client->request(
        "GET", path, {}, {}, { { "Range", "bytes=" + std::to_string(whole.body.size() + 10) + "-" } });
    EXPECT_EQ(beyond.status, 416u);
    EXPECT_EQ(beyond.problem(), "range-not-satisfiable");
    EXPECT_EQ(beyond.header("content-range"), "bytes */" + std::to_string(whole.body.size()));
}

TEST_F(ContentDownload, content_needs_an_enrolled_device)
{
    TlsClient anonymous(service());
    EXPECT_EQ(anonymous.get("/v1/content/" + service().titles()[0].id).problem(), "device-required");
}
