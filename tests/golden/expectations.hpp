// The text format of tests/golden/expected.txt: every field of every golden
// file, readable by a person reviewing a diff.
//
//   # a comment
//   [event event_v1_1.bin]       starts the section of one file; the kind says
//   [receipt receipt_v1_1.bin]   which decoder reads it
//   key = value                  a decimal number, lower-case hex, or a
//                                "quoted" string
//
// Quoted strings keep printable ASCII and well-formed UTF-8 as they are (so
// Russian text stays readable) and write every other byte as \xNN; `"` and `\`
// are escaped with a backslash. quote() is canonical: the same bytes always
// give the same text, so values compare as strings.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zhurnal::golden {

struct Section {
  std::string kind;  // "event" or "receipt"
  std::string file;  // a file name in the golden directory
  int line = 0;      // 1-based line of the section header, for messages
  std::vector<std::pair<std::string, std::string>> entries;  // in file order
};

std::string quote(std::string_view bytes);

// Reverses quote(). Returns false when `text` is not a well-formed quoted
// string.
bool unquote(std::string_view text, std::string* out);

// Parses a whole expectations file. On a syntax error returns false and sets
// *error to "line N: what".
bool parse_expectations(std::string_view text, std::vector<Section>* sections, std::string* error);

}  // namespace zhurnal::golden
