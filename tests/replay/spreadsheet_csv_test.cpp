// CSV for Russian Excel (the reports' and `replay history --format csv`'s):
// quoting and the guard against formulas in teachers' texts.
#include "zhurnal/replay/spreadsheet_csv.hpp"

#include <gtest/gtest.h>

namespace zhurnal::replay {
namespace {

TEST(SpreadsheetCsvTest, TextIsQuotedAndNeverAFormula) {
  EXPECT_EQ(csv_text("Ошибка ввода"), "Ошибка ввода");
  EXPECT_EQ(csv_text("a;b"), "\"a;b\"");
  EXPECT_EQ(csv_text("он сказал \"да\""), "\"он сказал \"\"да\"\"\"");
  EXPECT_EQ(csv_text("две\nстроки"), "\"две\nстроки\"");
  EXPECT_EQ(csv_text("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
  EXPECT_EQ(csv_text("+1"), "'+1");
  EXPECT_EQ(csv_text("-5"), "'-5");
  EXPECT_EQ(csv_text("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(csv_text("\tx"), "'\tx");
  EXPECT_EQ(csv_text(""), "");
  std::string out(kCsvBom);
  append_csv_line(out, {"1", csv_text("a;b"), ""});
  EXPECT_EQ(out,
            "\xEF\xBB\xBF"
            "1;\"a;b\";\r\n");
}

}  // namespace
}  // namespace zhurnal::replay
