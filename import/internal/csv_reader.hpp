// Reading a secretary's CSV file into records of UTF-8 fields.
//
// Accepts what spreadsheets actually save: UTF-8 with or without a BOM,
// Windows-1251 (Russian Excel's "CSV (разделители - запятые)"), UTF-16 with a
// BOM ("Текст Юникод"); ';', ',' or tab as the separator, detected from the
// first line that has any; quoted fields with separators, doubled quotes and
// line breaks; CRLF, LF or CR line ends. Quoting is checked strictly (libcsv's
// CSV_STRICT): a stray quote is an error with its line, not a silently
// mangled name. Blank lines and rows whose fields are all empty are skipped.
//
// Line numbers are the file's physical lines (1-based) where a record starts:
// what a spreadsheet shows as the row number unless a field holds a line break.
#pragma once

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "zhurnal/import/import.hpp"

namespace zhurnal::import::internal {

inline constexpr size_t kMaxCsvBytes = kMaxFileBytes;
inline constexpr size_t kMaxCsvRecords = 20000;
inline constexpr size_t kMaxFieldBytes = 1000;

struct CsvRecord {
  int line = 0;
  std::vector<std::string> fields;  // UTF-8, unquoted; spaces around unquoted fields trimmed
};

struct CsvTable {
  char delimiter = ',';
  std::string encoding;            // "UTF-8", "Windows-1251" or "UTF-16"
  std::vector<CsvRecord> records;  // the non-blank records in file order
};

// The file's bytes as UTF-8 without a BOM; `encoding` names what was found.
// Errors are Russian messages for the secretary.
std::expected<std::string, std::string> decode_to_utf8(std::string_view bytes,
                                                       std::string* encoding);

// ';', '\t' or ',': the most frequent outside quotes on the first line that
// has any of them (';' wins ties: Russian Excel's choice); ',' when none.
char detect_delimiter(std::string_view utf8);

std::expected<CsvTable, std::string> read_csv(std::string_view bytes);

}  // namespace zhurnal::import::internal
