// CSV for Russian Excel, as the reports (docs/protocol.md, "Reports over
// HTTP") and `replay history --format csv` write it: UTF-8 with a BOM, `;`
// between fields, CRLF line ends; a field with `;`, `"` or a line break is
// quoted, and text that starts with `=`, `+`, `-`, `@`, a tab or a carriage
// return gets a leading `'`, so that a teacher's reason «=HYPERLINK(…)»
// stays text when the file is opened (CSV formula injection).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace zhurnal::replay {

inline constexpr std::string_view kCsvBom = "\xEF\xBB\xBF";

// A text field, guarded and quoted as above.
std::string csv_text(std::string_view text);

// Appends the fields (each already a field: csv_text() or a number) and CRLF.
void append_csv_line(std::string& out, const std::vector<std::string>& fields);

}  // namespace zhurnal::replay
