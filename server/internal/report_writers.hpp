// A Report (report_tables.hpp) as a file: CSV for Russian Excel (UTF-8 with
// a BOM, ';' between fields, decimal comma) or XLSX (libxlsxwriter).
//
// Thread safety: any thread; to_xlsx uses a private temporary file.
#pragma once

#include <expected>
#include <string>

#include "report_tables.hpp"

namespace zhurnal::server::internal {

// Every sheet in turn: its name, its captions, the header and the rows,
// with an empty line between sheets. Text that a spreadsheet would take
// for a formula (starting with = + - @ or a tab) is prefixed with an
// apostrophe. Lines end with CRLF (RFC 4180).
std::string to_csv(const Report& report);

// One worksheet per sheet: captions, a bold header frozen above the rows,
// counts as integers, shares as percentages (0.00%), hundredths as 0.00.
// The error is a message for the log.
std::expected<std::string, std::string> to_xlsx(const Report& report);

}  // namespace zhurnal::server::internal
