#pragma once

// Helpers of the package tests: a PDF and an EPUB of our own (made at run
// time), opening packages from files or bytes, reading a resource whole.

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "content_test_support.h"
#include "hondana/drm/package.h"
#include "zip_builder.h"

namespace hondana::drm::test {

using Method = ZipBuilder::Method;

// A small PDF of our own: a real header and trailer around pseudo-random body
// bytes, long enough to span several segments.
inline Bytes sample_pdf(size_t body_size)
{
    std::string head = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
    Bytes pdf(head.begin(), head.end());
    Bytes body = pattern_bytes(body_size, 77);
    pdf.insert(pdf.end(), body.begin(), body.end());
    std::string tail = "\n%%EOF\n";
    pdf.insert(pdf.end(), tail.begin(), tail.end());
    return pdf;
}

inline std::unique_ptr<Package> open_package(const std::filesystem::path& path, const PackageLimits& limits = {})
{
    auto file = FileByteSource::open(path);
    EXPECT_TRUE(file) << file.error().message;
    auto package = Package::open(std::move(*file), limits);
    EXPECT_TRUE(package) << path << ": " << package.error().message;
    return package ? std::move(*package) : nullptr;
}

inline Result<std::unique_ptr<Package>> open_bytes(Bytes bytes, const PackageLimits& limits = {})
{
    return Package::open(std::make_shared<MemoryByteSource>(std::move(bytes)), limits);
}

inline Bytes resource(Package& package, const std::string& path, const SecretBytes* key)
{
    auto source = package.open_resource(path, key);
    EXPECT_TRUE(source) << path << ": " << source.error().message;
    if (!source)
        return {};
    auto bytes = read_all(**source, 512 << 20);
    EXPECT_TRUE(bytes) << path << ": " << bytes.error().message;
    return bytes.value_or(Bytes {});
}

inline Bytes bytes_of(std::string_view text)
{
    return Bytes(text.begin(), text.end());
}

inline std::vector<std::string> folder_listing(const std::filesystem::path& folder)
{
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(folder))
        names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

inline const char* minimal_container
    = R"(<?xml version="1.0"?><container xmlns="urn:oasis:names:tc:opendocument:xmlns:container" version="1.0"><rootfiles><rootfile full-path="OPS/package.opf" media-type="application/oebps-package+xml"/></rootfiles></container>)";

inline const char* minimal_opf
    = R"(<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata/><manifest>)"
      R"(<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>)"
      R"(<item id="c1" href="text/chapter%201.xhtml" media-type="application/xhtml+xml"/>)"
      R"(<item id="img" href="images/cover.png" media-type="image/png" properties="cover-image"/>)"
      R"(<item id="pic" href="images/pic.jpg" media-type="image/jpeg"/>)"
      R"(</manifest><spine><itemref idref="c1"/></spine></package>)";

// An EPUB of our own with a resource name that needs percent-encoding.
inline Bytes sample_epub()
{
    std::string chapter = "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body>";
    for (int i = 0; i < 3000; ++i)
        chapter += "<p>本棚 paragraph " + std::to_string(i) + "</p>";
    chapter += "</body></html>";
    return ZipBuilder()
        .add("mimetype", "application/epub+zip")
        .add("META-INF/container.xml", minimal_container, Method::Deflate)
        .add("OPS/package.opf", minimal_opf, Method::Deflate)
        .add("OPS/nav.xhtml", "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><nav/></body></html>")
        .add("OPS/text/chapter 1.xhtml", chapter, Method::Deflate)
        .add("OPS/images/cover.png", pattern_bytes(3000, 1))
        .add("OPS/images/pic.jpg", pattern_bytes(150000, 2))
        .add("OPS/extra.bin", pattern_bytes(1500000, 3))
        .build();
}

}
