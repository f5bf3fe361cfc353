// The columns of the two lists: Russian headers as a secretary writes them,
// English aliases, and where the header row is (a title such as «Список
// учащихся на 01.09.2026» may stand above it). Header cells are matched by
// their folded text with punctuation dropped: «Дата рождения*», «дата
// рождения:» and "date of birth" all name the birth date.
#pragma once

#include <cstddef>
#include <expected>
#include <map>
#include <string>
#include <vector>

#include "csv_reader.hpp"
#include "zhurnal/import/import.hpp"

namespace zhurnal::import::internal {

enum class Column : uint8_t {
  kLastName,
  kFirstName,
  kMiddleName,
  kFullName,  // «ФИО» in one cell, instead of the three
  kBirthDate,
  kClass,  // students: the class
  kFrom,   // students: first day in the class
  kOrder,  // students: the order (приказ)
  kSubjects,
  kClasses,  // teachers: classes taught
  kSubgroup,
  kClassTeacher,  // teachers: the class(es) she leads, or «да» with one class
};

struct Header {
  size_t record = 0;  // index of the header record in CsvTable::records
  int line = 0;
  std::map<Column, size_t> index;    // column -> field index
  std::vector<std::string> ignored;  // header cells that name no known column
};

// The header: the first of the first 10 records in which at least two cells
// name known columns. Errors (Russian): no header, a column named twice, a
// required column missing.
std::expected<Header, std::string> find_header(const CsvTable& table, ListKind list);

// The tidied cell of a column, "" when the file has no such column.
std::string cell(const CsvRecord& record, const Header& header, Column column);

// True when every known column of the record is empty (e.g. a row with only
// «№ п/п» filled in): such rows are skipped.
bool blank_row(const CsvRecord& record, const Header& header);

struct PersonName {
  std::string last, first, middle;
  std::string full() const;  // "Фамилия Имя Отчество" without empty parts
};

// The name from the three columns or from «ФИО» (surname, name, the rest as
// the patronymic). Adds Russian errors for missing parts.
PersonName read_name(const CsvRecord& record, const Header& header,
                     std::vector<std::string>& errors);

}  // namespace zhurnal::import::internal
