// The scanner must find the canary wherever the no-plaintext test relies on it.

#include <gtest/gtest.h>
#include <zlib.h>

#include "hondana/drm/crypto.h"
#include "hondana/drm/segmented.h"
#include "plaintext_scan.h"

using namespace hondana;

namespace {

const std::string canary = "Hondana canary: the quick brown fox reads in Kyoto.";

std::string zlib(const std::string& text, bool raw)
{
    z_stream stream {};
    deflateInit2(&stream, 6, Z_DEFLATED, raw ? -15 : 15, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&stream, text.size()), '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    stream.avail_in = static_cast<uInt>(text.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    deflate(&stream, Z_FINISH);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    return out;
}

bool has(const std::vector<std::string>& found, const std::string& encoding)
{
    return std::find(found.begin(), found.end(), encoding) != found.end();
}

}

TEST(PlaintextScan, finds_plain_utf16_and_pdf_hex)
{
    EXPECT_TRUE(has(test::find_encodings("xx" + canary + "yy", canary), "utf-8"));
    std::string le, be;
    for (char c : canary) {
        le += c;
        le += '\0';
        be += '\0';
        be += c;
    }
    EXPECT_TRUE(has(test::find_encodings(le, canary), "utf-16le"));
    EXPECT_TRUE(has(test::find_encodings(be, canary), "utf-16be"));
    EXPECT_TRUE(has(test::find_encodings("<486f6e64616e612063616e6172793a20746865"
                                         "20717569636b2062726f776e20666f7820726561647320696e204b796f746f2e>",
                    canary),
        "pdf-hex"));
}

TEST(PlaintextScan, finds_text_inside_flate_streams_and_zip_entries)
{
    auto pdf = "%PDF-1.7\n1 0 obj <</Filter /FlateDecode>>\nstream\n" + zlib("BT (" + canary + ") Tj ET", false)
        + "\nendstream\n";
    EXPECT_TRUE(has(test::find_encodings(pdf, canary), "deflate/utf-8"));
    std::string zip = std::string("PK\x03\x04", 4) + std::string(4, '\0') + std::string("\x08\x00", 2)
        + std::string(16, '\0') + std::string("\x01\x00", 2) + std::string("\x00\x00", 2) + "a" + zlib(canary, true);
    EXPECT_TRUE(has(test::find_encodings(zip, canary), "deflate/utf-8"));
}

TEST(PlaintextScan, finds_nothing_in_protected_content)
{
    drm::Bytes key(32, 7);
    auto sealed = drm::encrypt_segmented(drm::as_bytes(canary + canary), key);
    ASSERT_TRUE(sealed);
    EXPECT_TRUE(test::find_encodings(std::string(sealed->begin(), sealed->end()), canary).empty());
}
