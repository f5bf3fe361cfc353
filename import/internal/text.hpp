// Text in the secretary's lists: UTF-8 checks, the matching key of a name
// (case, «ё» and spacing folded), dates as Russian spreadsheets write them,
// class names such as «5А», and comma-separated lists inside one cell.
// Pure functions, no state; safe from any thread.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zhurnal::import::internal {

bool valid_utf8(std::string_view s);

// Whitespace runs (spaces, tabs, line breaks, no-break spaces) collapsed to
// one space, trimmed. For display and for storing names.
std::string tidy(std::string_view s);

// The matching key: tidy, lower case (Latin and Cyrillic), «ё» as «е».
// "  ИВАНОВ  Пётр " and "иванов петр" have the same key.
std::string fold(std::string_view s);

// A cell holding a list: split at ',' and ';', each item tidied, empty items
// dropped. "Математика, Алгебра" -> {"Математика", "Алгебра"}.
std::vector<std::string> split_list(std::string_view s);

// A civil date: days since 1970-01-01, no time zone.
struct Day {
  int32_t days = 0;
  auto operator<=>(const Day&) const = default;
};

// "ДД.ММ.ГГГГ" (day and month may have one digit, as Excel writes them) or
// ISO "ГГГГ-ММ-ДД"; a real calendar date in 1900..2200. nullopt otherwise
// (two-digit years are refused: 15 could be 1915 or 2015).
std::optional<Day> parse_day(std::string_view text);
std::string iso_day(Day d);      // "2026-09-01", as events carry dates
std::string russian_day(Day d);  // "01.09.2026", for the report

// A class name: grade 1..11 and a letter part, e.g. «5А», «5 а», «11-Б»,
// «10 ФМ». The letter part is upper-cased; a single Latin look-alike
// ("5A" typed in the English layout) becomes the Cyrillic letter.
struct ClassName {
  int grade = 0;
  std::string letter;
  std::string display() const { return std::to_string(grade) + letter; }
  bool operator==(const ClassName&) const = default;
};
std::optional<ClassName> parse_class_name(std::string_view text);
// The letter as stored in the log, normalised the same way (for matching).
std::string normalize_letter(std::string_view letter);

// Latin transliteration of a class letter for ids ("А" -> "a", "Б" -> "b");
// nullopt when a character has no transliteration.
std::optional<std::string> transliterate_letter(std::string_view letter);

}  // namespace zhurnal::import::internal
