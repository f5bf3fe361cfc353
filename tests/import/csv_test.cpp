// Reading the secretary's CSV files and the cells in them: encodings, BOM,
// separators, quoting, line ends, line numbers; names, dates, class names.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "import/internal/csv_reader.hpp"
#include "import/internal/text.hpp"

namespace zhurnal::import::internal {
namespace {

using Rows = std::vector<std::vector<std::string>>;

Rows fields(const CsvTable& t) {
  Rows out;
  for (const CsvRecord& r : t.records) out.push_back(r.fields);
  return out;
}

std::vector<int> lines(const CsvTable& t) {
  std::vector<int> out;
  for (const CsvRecord& r : t.records) out.push_back(r.line);
  return out;
}

TEST(CsvReaderTest, SemicolonHeaderWithBomAndCrlf) {
  auto t = read_csv(
      "\xEF\xBB\xBF"
      "Фамилия;Имя;Класс\r\nИванов;Пётр;5А\r\nЁлкина;Анна;6Б\r\n");
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(t->delimiter, ';');
  EXPECT_EQ(t->encoding, "UTF-8");
  EXPECT_EQ(
      fields(*t),
      (Rows{{"Фамилия", "Имя", "Класс"}, {"Иванов", "Пётр", "5А"}, {"Ёлкина", "Анна", "6Б"}}));
  EXPECT_EQ(lines(*t), (std::vector<int>{1, 2, 3}));
}

TEST(CsvReaderTest, CommaHeaderWithQuotedListsAndQuotes) {
  auto t = read_csv(
      "Фамилия,Предметы,Приказ\n"
      "Иванова,\"Математика, Алгебра\",\"№ 5 \"\"О приёме\"\"\"\n");
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(t->delimiter, ',');
  EXPECT_EQ(fields(*t), (Rows{{"Фамилия", "Предметы", "Приказ"},
                              {"Иванова", "Математика, Алгебра", "№ 5 \"О приёме\""}}));
}

TEST(CsvReaderTest, SeparatorComesFromTheHeaderNotTheData) {
  // Commas inside the data must not make ',' the separator of a ';' file.
  auto t = read_csv("Фамилия;Предметы\nИванова;Математика, Алгебра, Геометрия\n");
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(t->delimiter, ';');
  EXPECT_EQ(fields(*t)[1], (std::vector<std::string>{"Иванова", "Математика, Алгебра, Геометрия"}));
}

TEST(CsvReaderTest, TabSeparatedUtf16FromExcelUnicodeText) {
  static const char kUtf16le[] =
      "\xFF\xFE\x24\x04\x18\x04\x1e\x04\x09\x00\x1a\x04\x3b\x04\x30\x04\x41\x04\x41\x04\x0a\x00"
      "\x01\x04\x3b\x04\x3a\x04\x38\x04\x3d\x04\x30\x04\x20\x00\x10\x04\x3d\x04\x3d\x04\x30\x04"
      "\x09\x00\x35\x00\x10\x04\x0a\x00";
  auto t = read_csv(std::string_view(kUtf16le, sizeof kUtf16le - 1));
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(t->encoding, "UTF-16");
  EXPECT_EQ(t->delimiter, '\t');
  EXPECT_EQ(fields(*t), (Rows{{"ФИО", "Класс"}, {"Ёлкина Анна", "5А"}}));
}

TEST(CsvReaderTest, Windows1251IsConverted) {
  // "Фамилия;Класс\r\nЁлкина;5А\r\n" as Russian Excel saves plain CSV.
  auto t = read_csv(
      "\xd4\xe0\xec\xe8\xeb\xe8\xff;\xca\xeb\xe0\xf1\xf1\r\n\xa8\xeb\xea\xe8\xed\xe0;"
      "5\xc0\r\n");
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(t->encoding, "Windows-1251");
  EXPECT_EQ(fields(*t), (Rows{{"Фамилия", "Класс"}, {"Ёлкина", "5А"}}));
}

TEST(CsvReaderTest, BlankLinesAreSkippedAndLinesCounted) {
  auto t = read_csv("a;b\n\n;\n  ;  \nx;y\r\n\r\n\"multi\nline\";z\nlast;row");
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(fields(*t), (Rows{{"a", "b"}, {"x", "y"}, {"multi\nline", "z"}, {"last", "row"}}));
  EXPECT_EQ(lines(*t), (std::vector<int>{1, 5, 7, 9}));
}

TEST(CsvReaderTest, OldMacLineEnds) {
  auto t = read_csv("a;b\rx;y\r");
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(fields(*t), (Rows{{"a", "b"}, {"x", "y"}}));
  EXPECT_EQ(lines(*t), (std::vector<int>{1, 2}));
}

TEST(CsvReaderTest, SpacesAroundUnquotedFieldsAreTrimmedNotInsideQuotes) {
  auto t = read_csv("a , b\n\" x \",  y  \n");
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(fields(*t), (Rows{{"a", "b"}, {" x ", "y"}}));
}

TEST(CsvReaderTest, StrayQuoteIsAnErrorWithItsLine) {
  auto t = read_csv("Фамилия;Имя\nИванов;Пётр\nО\"Коннор;Шон\n");
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().find("строка 3"), std::string::npos) << t.error();
}

TEST(CsvReaderTest, UnclosedQuoteIsAnError) {
  auto t = read_csv("Фамилия;Имя\n\"Иванов;Пётр\n");
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().find("строка 2"), std::string::npos) << t.error();
}

TEST(CsvReaderTest, ExcelWorkbookIsRefusedWithAHint) {
  auto t = read_csv(std::string("PK\x03\x04\x14\x00", 6));
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().find("CSV UTF-8"), std::string::npos) << t.error();
}

TEST(CsvReaderTest, LimitsAreEnforced) {
  EXPECT_FALSE(read_csv(std::string(kMaxCsvBytes + 1, 'a')));
  EXPECT_FALSE(read_csv("a;b\n" + std::string(kMaxFieldBytes + 1, 'x') + ";y\n"));
}

TEST(TextTest, FoldMakesOneKeyForSpellingsOfAName) {
  EXPECT_EQ(fold("  ПЁТР  Иванович\u00a0Сидоров "), fold("пётр иванович сидоров"));
  EXPECT_EQ(fold("Пётр"), fold("Петр"));
  EXPECT_EQ(tidy(" a \t b\r\n"), "a b");
  EXPECT_EQ(split_list(" Математика, Алгебра;; Геометрия ,"),
            (std::vector<std::string>{"Математика", "Алгебра", "Геометрия"}));
}

TEST(TextTest, Utf8Validation) {
  EXPECT_TRUE(valid_utf8("Ёлкина Анна, № 5 — «5А» 😀"));
  EXPECT_FALSE(valid_utf8("\xD0"));          // truncated
  EXPECT_FALSE(valid_utf8("\xC0\xAF"));      // overlong '/'
  EXPECT_FALSE(valid_utf8("\xED\xA0\x80"));  // a surrogate
  EXPECT_FALSE(valid_utf8("\xD4\xE0\xEC"));  // Windows-1251 «Фам»
}

TEST(TextTest, Dates) {
  struct Case {
    const char* text;
    const char* iso;  // nullptr: refused
  } cases[] = {
      {"01.09.2026", "2026-09-01"},   {"1.9.2026", "2026-09-01"}, {"2026-09-01", "2026-09-01"},
      {" 29.02.2024 ", "2024-02-29"}, {"29.02.2026", nullptr},    {"31.04.2026", nullptr},
      {"01.09.26", nullptr},          {"2026/09/01", nullptr},    {"", nullptr},
      {"01.13.2026", nullptr},        {"1.9.2026г", nullptr},
  };
  for (const Case& c : cases) {
    auto d = parse_day(c.text);
    if (c.iso) {
      ASSERT_TRUE(d) << c.text;
      EXPECT_EQ(iso_day(*d), c.iso) << c.text;
    } else {
      EXPECT_FALSE(d) << c.text << " -> " << iso_day(*d);
    }
  }
  EXPECT_EQ(russian_day(*parse_day("2026-09-01")), "01.09.2026");
}

TEST(TextTest, ClassNames) {
  struct Case {
    const char* text;
    int grade;  // 0: refused
    const char* letter;
  } cases[] = {
      {"5А", 5, "А"}, {"5а", 5, "А"}, {"5 А", 5, "А"},     {"11-Б", 11, "Б"}, {"10 «В»", 10, "В"},
      {"5A", 5, "А"}, {"5a", 5, "А"}, {"10 ФМ", 10, "ФМ"}, {"12А", 0, ""},    {"0А", 0, ""},
      {"А5", 0, ""},  {"5", 0, ""},   {"5А1", 0, ""},      {"", 0, ""},
  };
  for (const Case& c : cases) {
    auto n = parse_class_name(c.text);
    if (c.grade == 0) {
      EXPECT_FALSE(n) << c.text;
      continue;
    }
    ASSERT_TRUE(n) << c.text;
    EXPECT_EQ(n->grade, c.grade) << c.text;
    EXPECT_EQ(n->letter, c.letter) << c.text;
  }
  EXPECT_EQ(transliterate_letter("Б"), "b");
  EXPECT_EQ(transliterate_letter("ФМ"), "fm");
  EXPECT_FALSE(transliterate_letter("Ъ"));
}

}  // namespace
}  // namespace zhurnal::import::internal
