#include "adapters/system/spreadsheet.h"

#include <gtest/gtest.h>

#include "tests/adapters/test_support.h"

namespace ontzorg {
namespace {

using testing_support::ExcelWouldRun;
using testing_support::ReadAsDutchExcel;

TEST(SpreadsheetCsvTest, DutchExcelOpensItAsColumnsWithDecimalCommas) {
  SpreadsheetCsv csv({"cliënt", "bedrag", "datum", "aantal"});
  csv.Text("C000001").Amount(Money::FromCents(123456)).Day(Date::FromYmd(2027, 3, 31).value());
  csv.Number(3).EndRow();
  csv.Text("Élodie; \"de Vries\"").Amount(Money::FromCents(-50)).Text("").Number(-2).EndRow();
  EXPECT_EQ(csv.rows(), 2U);
  const auto sheet = ReadAsDutchExcel(csv.str());
  ASSERT_TRUE(sheet.ok) << sheet.why;
  ASSERT_EQ(sheet.rows.size(), 3U);
  EXPECT_EQ(sheet.rows[0][0], "cliënt");
  EXPECT_EQ(sheet.rows[1][1], "1234,56");
  EXPECT_EQ(sheet.rows[1][2], "31-03-2027");
  EXPECT_EQ(sheet.rows[2][0], "Élodie; \"de Vries\"");
  EXPECT_EQ(sheet.rows[2][1], "-0,50");
  EXPECT_NE(csv.str().find("\r\n"), std::string::npos);
}

TEST(SpreadsheetCsvTest, AFormulaInATextCellComesOutInert) {
  for (const char* evil : {"=HYPERLINK(\"http://x.example\",\"klik\")", "+31 6 1234", "-2+3",
                           "@SUM(A1)", "\t=1+1", "\r=1+1", "=cmd|' /C calc'!A0"}) {
    SpreadsheetCsv csv({"naam", "x"});
    csv.Text(evil).Text("ok").EndRow();
    const auto sheet = ReadAsDutchExcel(csv.str());
    ASSERT_TRUE(sheet.ok) << sheet.why;
    EXPECT_FALSE(ExcelWouldRun(sheet.rows[1][0])) << evil;
    EXPECT_EQ(sheet.rows[1][0], std::string("'") + evil) << "shown as typed after the apostrophe";
  }
  // Amounts are numbers, not formulas: a negative amount keeps its sign.
  SpreadsheetCsv csv({"a", "b"});
  csv.Amount(Money::FromCents(-1234)).Text("x").EndRow();
  EXPECT_EQ(ReadAsDutchExcel(csv.str()).rows[1][0], "-12,34");
  EXPECT_FALSE(ExcelWouldRun("-12,34"));
}

TEST(SpreadsheetCsvTest, TheReaderRefusesWhatDutchExcelWouldShowAsOneColumn) {
  EXPECT_FALSE(ReadAsDutchExcel("a,b\n1,2\n").ok);  // no BOM
  EXPECT_FALSE(ReadAsDutchExcel("\xEF\xBB\xBF"
                                "a,b\n1,2\n")
                   .ok);  // commas
  EXPECT_TRUE(ReadAsDutchExcel("\xEF\xBB\xBF"
                               "a;b\n1;2\n")
                  .ok);
}

}  // namespace
}  // namespace ontzorg
