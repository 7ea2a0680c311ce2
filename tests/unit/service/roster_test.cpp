#include "lending_fixture.h"

#include <iconv.h>

using namespace hondana;
using namespace hondana::lending;
using hondana::test::LendingFixture;

namespace {

class RosterImport : public LendingFixture { };

const std::string header = "login_id,display_name,role,school,class,reading_level,password\n";

// Our test's own converter, to make a Shift_JIS file from UTF-8 text.
std::string to_shift_jis(const std::string& utf8)
{
    iconv_t cd = iconv_open("CP932", "UTF-8");
    std::string in = utf8, out(utf8.size() * 2 + 16, '\0');
    char* in_ptr = in.data();
    char* out_ptr = out.data();
    size_t in_left = in.size(), out_left = out.size();
    iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
    iconv_close(cd);
    out.resize(out.size() - out_left);
    return out;
}

}

TEST(RosterCsv, parses_quotes_escapes_and_line_numbers)
{
    auto records = parse_csv("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n\n\"two\nlines\",z\n");
    ASSERT_TRUE(records);
    ASSERT_EQ(records->size(), 3u);
    EXPECT_EQ((*records)[1].fields, (std::vector<std::string> { "x, y", "say \"hi\"" }));
    EXPECT_EQ((*records)[1].line, 2u);
    EXPECT_EQ((*records)[2].fields[0], "two\nlines");
    EXPECT_EQ((*records)[2].line, 4u);
    EXPECT_FALSE(parse_csv("\"never closed\n"));
}

TEST(RosterEncoding, reads_utf8_with_bom_and_shift_jis)
{
    std::string utf8 = "login_id,display_name\nhanako,山田 花子\n";
    auto plain = decode_roster("\xEF\xBB\xBF" + utf8, RosterEncoding::Auto);
    ASSERT_TRUE(plain);
    EXPECT_EQ(*plain, utf8);
    auto sjis = to_shift_jis(utf8);
    ASSERT_NE(sjis, utf8);
    auto decoded = decode_roster(sjis, RosterEncoding::Auto);
    ASSERT_TRUE(decoded) << decoded.error().message;
    EXPECT_EQ(*decoded, utf8);
    EXPECT_FALSE(decode_roster(sjis, RosterEncoding::Utf8));
}

TEST_F(RosterImport, dry_run_reports_every_bad_line_with_its_number)
{
    std::string csv = header
        + "hanako,山田 花子,student,North School,5-1,4,Kyoto-Reads-2026!\n"
          "bad id!,名前,student,North School,5-1,,Kyoto-Reads-2026!\n"
          "taro,田中 太郎,pirate,North School,5-1,,Kyoto-Reads-2026!\n"
          "jiro,佐藤 次郎,student,Nowhere School,,,Kyoto-Reads-2026!\n"
          "saburo,三郎,student,North School,5-9,,Kyoto-Reads-2026!\n"
          "shiro,四郎,student,North School,5-1,,weak\n"
          "hanako,山田 花子,student,North School,5-1,4,Kyoto-Reads-2026!\n"
          "goro,五郎,student,North School,5-1,abc,\n"
          "too,few,fields\n";
    auto report = m_service->roster().check("city", csv);
    ASSERT_TRUE(report) << report.error().message;
    ASSERT_EQ(report->valid.size(), 1u);
    std::vector<size_t> lines;
    for (const auto& error : report->errors)
        lines.push_back(error.line);
    EXPECT_EQ(lines, (std::vector<size_t> { 3, 4, 5, 6, 7, 8, 9, 10 }));
    EXPECT_NE(report->errors[4].message.find("password"), std::string::npos);
    EXPECT_NE(report->errors[5].message.find("twice"), std::string::npos);
}

TEST_F(RosterImport, imports_all_lines_in_one_transaction_with_generated_passwords)
{
    std::string csv = header
        + "hanako,山田 花子,student,North School,5-1,4,\n"
          "sensei,先生,teacher,North School,5-1;5-2,,Kyoto-Reads-2026!\n";
    auto report = m_service->roster().check(
        "city", to_shift_jis(csv).empty() ? csv : *decode_roster(to_shift_jis(csv), RosterEncoding::Auto));
    ASSERT_TRUE(report);
    ASSERT_TRUE(report->errors.empty());
    auto credentials = m_service->roster().import(admin, "city", *report);
    ASSERT_TRUE(credentials) << credentials.error().message;
    ASSERT_EQ(credentials->size(), 2u);
    EXPECT_FALSE((*credentials)[0].password.empty()) << "generated for hanako";
    EXPECT_TRUE((*credentials)[1].totp_uri) << "teachers get a TOTP secret";
    auto device = enrol("tab-1");
    EXPECT_TRUE(login(device, "hanako", (*credentials)[0].password));
    auto sensei = m_service->accounts().find_user("city", "sensei");
    ASSERT_TRUE(sensei);
    EXPECT_EQ(sensei->classes, (std::vector<std::string> { "5-1", "5-2" }));
    EXPECT_EQ(sensei->display_name, "先生");
}

TEST_F(RosterImport, partial_import_takes_only_the_good_lines)
{
    std::string csv = header
        + "hanako,山田 花子,student,North School,5-1,4,Kyoto-Reads-2026!\n"
          "taro,田中 太郎,pirate,North School,5-1,,Kyoto-Reads-2026!\n";
    auto report = m_service->roster().check("city", csv);
    ASSERT_TRUE(report);
    EXPECT_EQ(report->errors.size(), 1u);
    ASSERT_TRUE(m_service->roster().import(admin, "city", *report));
    EXPECT_TRUE(m_service->accounts().find_user("city", "hanako"));
    EXPECT_FALSE(m_service->accounts().find_user("city", "taro"));
}

TEST_F(RosterImport, login_id_of_a_deleted_account_is_refused)
{
    add_user("hanako", Role::Student);
    ASSERT_TRUE(m_service->accounts().remove(admin, "city", "hanako"));
    auto report
        = m_service->roster().check("city", header + "hanako,山田 花子,student,North School,5-1,4,Kyoto-Reads-2026!\n");
    ASSERT_TRUE(report);
    ASSERT_EQ(report->errors.size(), 1u);
    EXPECT_NE(report->errors[0].message.find("never reused"), std::string::npos);
}

TEST_F(RosterImport, file_without_the_header_is_refused)
{
    auto report = m_service->roster().check("city", "hanako,山田 花子,student,North School,5-1,4,x\n");
    ASSERT_FALSE(report);
    EXPECT_EQ(report.error().kind, ErrorKind::MalformedRequest);
}
