#include "lending/export.h"

#include <gtest/gtest.h>

using hondana::lending::csv_cell;

TEST(CsvCell, plain_text_and_numbers_stay_as_they_are)
{
    EXPECT_EQ(csv_cell("hanako"), "hanako");
    EXPECT_EQ(csv_cell("5"), "5");
    EXPECT_EQ(csv_cell(""), "");
    EXPECT_EQ(csv_cell("北小学校"), "北小学校");
}

TEST(CsvCell, commas_quotes_and_line_breaks_are_quoted_with_quotes_doubled)
{
    EXPECT_EQ(csv_cell("a,b"), "\"a,b\"");
    EXPECT_EQ(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(csv_cell("one\r\ntwo"), "\"one\r\ntwo\"");
}

TEST(CsvCell, cells_that_start_like_a_formula_get_an_apostrophe)
{
    for (const char* formula : { "=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx" })
        EXPECT_EQ(csv_cell(formula).find('\''), csv_cell(formula).front() == '"' ? 1u : 0u) << formula;
    EXPECT_EQ(csv_cell("=HYPERLINK(\"x\",\"y\")"), "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"");
    EXPECT_EQ(csv_cell("a=b"), "a=b") << "only the first character matters";
}

TEST(ExportTables, every_name_parses_back)
{
    for (auto table : hondana::lending::export_tables())
        EXPECT_EQ(hondana::lending::parse_export_table(hondana::lending::export_table_name(table)), table);
    EXPECT_FALSE(hondana::lending::parse_export_table("passwords"));
}
