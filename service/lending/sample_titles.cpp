#include "lending/sample_titles.h"

#include <array>
#include <cstdint>

#include "hondana/drm/crypto.h"
#include "lending/files.h"
#include "lending/xml_text.h"

namespace hondana::lending {

namespace {

std::string pdf_escape(std::string_view text)
{
    std::string out;
    for (char c : text) {
        if (c == '(' || c == ')' || c == '\\')
            out += '\\';
        out += (static_cast<unsigned char>(c) < 0x80) ? c : '?';
    }
    return out;
}

std::string page_stream(const std::string& title, const SampleChapter& chapter)
{
    std::string text = "BT /F1 20 Tf 72 760 Td (" + pdf_escape(title) + ") Tj ET\n";
    text += "BT /F1 16 Tf 72 720 Td (" + pdf_escape(chapter.heading) + ") Tj ET\n";
    int y = 690;
    for (const auto& paragraph : chapter.paragraphs) {
        text += "BT /F1 12 Tf 72 " + std::to_string(y) + " Td (" + pdf_escape(paragraph) + ") Tj ET\n";
        y -= 20;
    }
    text += "BT /F1 12 Tf 72 " + std::to_string(y - 10) + " Td (" + pdf_escape(sample_canary) + ") Tj ET\n";
    return text;
}

uint32_t crc32(std::string_view bytes)
{
    static const auto table = [] {
        std::array<uint32_t, 256> t {};
        for (uint32_t i = 0; i < 256; ++i) {
            uint32_t c = i;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    uint32_t crc = 0xFFFFFFFFu;
    for (unsigned char b : bytes)
        crc = table[(crc ^ b) & 0xff] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFu;
}

void put16(std::string& out, uint32_t v)
{
    out += static_cast<char>(v & 0xff);
    out += static_cast<char>((v >> 8) & 0xff);
}

void put32(std::string& out, uint32_t v)
{
    put16(out, v & 0xffff);
    put16(out, v >> 16);
}

// A ZIP with every entry stored (method 0), as EPUB allows.
std::string stored_zip(const std::vector<std::pair<std::string, std::string>>& entries)
{
    std::string body, directory;
    for (const auto& [name, data] : entries) {
        uint32_t offset = static_cast<uint32_t>(body.size());
        uint32_t crc = crc32(data);
        std::string common;
        put16(common, 20);     // version needed
        put16(common, 0x0800); // UTF-8 names
        put16(common, 0);      // stored
        put16(common, 0);      // time
        put16(common, 0x21);   // date 1980-01-01
        put32(common, crc);
        put32(common, static_cast<uint32_t>(data.size()));
        put32(common, static_cast<uint32_t>(data.size()));
        put16(common, static_cast<uint32_t>(name.size()));
        put16(common, 0); // extra
        put32(body, 0x04034b50);
        body += common + name + data;
        put32(directory, 0x02014b50);
        put16(directory, 20); // made by
        directory += common;
        put16(directory, 0); // comment
        put16(directory, 0); // disk
        put16(directory, 0); // internal attributes
        put32(directory, 0); // external attributes
        put32(directory, offset);
        directory += name;
    }
    std::string end;
    put32(end, 0x06054b50);
    put16(end, 0);
    put16(end, 0);
    put16(end, static_cast<uint32_t>(entries.size()));
    put16(end, static_cast<uint32_t>(entries.size()));
    put32(end, static_cast<uint32_t>(directory.size()));
    put32(end, static_cast<uint32_t>(body.size()));
    put16(end, 0);
    return body + directory + end;
}

std::string chapter_xhtml(const std::string& language, const SampleChapter& chapter)
{
    std::string body = "<h1>" + xml_escape(chapter.heading) + "</h1>\n";
    for (const auto& paragraph : chapter.paragraphs)
        body += "<p>" + xml_escape(paragraph) + "</p>\n";
    body += "<p>" + xml_escape(std::string(sample_canary)) + "</p>\n";
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n"
           "<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\""
        + language + "\" lang=\"" + language + "\">\n<head><meta charset=\"UTF-8\"/><title>"
        + xml_escape(chapter.heading) + "</title></head>\n<body>\n" + body + "</body>\n</html>\n";
}

}

Result<void> write_sample_pdf(
    const std::filesystem::path& path, const std::string& title, const std::vector<SampleChapter>& chapters)
{
    if (chapters.empty())
        return fail(ErrorKind::InvalidArgument, "a sample needs a chapter");
    // Objects: 1 catalog, 2 pages, 3 font, 4 info, then per page: page, contents.
    std::vector<std::string> objects;
    std::string kids;
    for (size_t i = 0; i < chapters.size(); ++i)
        kids += std::to_string(5 + 2 * i) + " 0 R ";
    objects.push_back("<< /Type /Catalog /Pages 2 0 R >>");
    objects.push_back("<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(chapters.size()) + " >>");
    objects.push_back("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
    objects.push_back("<< /Title (" + pdf_escape(title) + ") /Producer (Hondana sample generator) >>");
    for (size_t i = 0; i < chapters.size(); ++i) {
        auto stream = page_stream(title, chapters[i]);
        objects.push_back("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
                          "/Contents "
            + std::to_string(6 + 2 * i) + " 0 R >>");
        objects.push_back("<< /Length " + std::to_string(stream.size()) + " >>\nstream\n" + stream + "endstream");
    }
    std::string pdf = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
    std::vector<size_t> offsets;
    for (size_t i = 0; i < objects.size(); ++i) {
        offsets.push_back(pdf.size());
        pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
    }
    size_t xref = pdf.size();
    pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
    for (auto offset : offsets) {
        auto number = std::to_string(offset);
        pdf += std::string(10 - number.size(), '0') + number + " 00000 n \n";
    }
    pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R /Info 4 0 R >>\nstartxref\n"
        + std::to_string(xref) + "\n%%EOF\n";
    return write_file(path, drm::as_bytes(pdf), 0644, Overwrite::Yes);
}

Result<void> write_sample_epub(const std::filesystem::path& path, const std::string& title,
    const std::string& identifier, const std::string& language, const std::vector<SampleChapter>& chapters)
{
    if (chapters.empty())
        return fail(ErrorKind::InvalidArgument, "a sample needs a chapter");
    std::vector<std::pair<std::string, std::string>> entries;
    entries.emplace_back("mimetype", "application/epub+zip");
    entries.emplace_back("META-INF/container.xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<container version=\"1.0\" "
        "xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">\n<rootfiles><rootfile "
        "full-path=\"OEBPS/content.opf\" "
        "media-type=\"application/oebps-package+xml\"/></rootfiles>\n</container>\n");
    std::string manifest
        = "<item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>\n";
    std::string spine, nav_items;
    for (size_t i = 0; i < chapters.size(); ++i) {
        auto name = "chapter" + std::to_string(i + 1) + ".xhtml";
        manifest += "<item id=\"c" + std::to_string(i + 1) + "\" href=\"" + name
            + "\" media-type=\"application/xhtml+xml\"/>\n";
        spine += "<itemref idref=\"c" + std::to_string(i + 1) + "\"/>\n";
        nav_items += "<li><a href=\"" + name + "\">" + xml_escape(chapters[i].heading) + "</a></li>\n";
    }
    entries.emplace_back("OEBPS/content.opf",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" "
        "unique-identifier=\"uid\">\n<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<dc:identifier "
        "id=\"uid\">"
            + xml_escape(identifier) + "</dc:identifier>\n<dc:title>" + xml_escape(title) + "</dc:title>\n<dc:language>"
            + xml_escape(language)
            + "</dc:language>\n<meta property=\"dcterms:modified\">2026-01-01T00:00:00Z</meta>\n"
              "</metadata>\n<manifest>\n"
            + manifest + "</manifest>\n<spine>\n" + spine + "</spine>\n</package>\n");
    entries.emplace_back("OEBPS/nav.xhtml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" "
        "xmlns:epub=\"http://www.idpf.org/2007/ops\"><head><meta charset=\"UTF-8\"/><title>"
            + xml_escape(title) + "</title></head>\n<body><nav epub:type=\"toc\"><ol>\n" + nav_items
            + "</ol></nav></body></html>\n");
    for (size_t i = 0; i < chapters.size(); ++i)
        entries.emplace_back("OEBPS/chapter" + std::to_string(i + 1) + ".xhtml", chapter_xhtml(language, chapters[i]));
    return write_file(path, drm::as_bytes(stored_zip(entries)), 0644, Overwrite::Yes);
}

}
