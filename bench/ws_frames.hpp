// Reading and writing the server's JSON frames in load generators and tests
// that drive a real `zhurnal serve` (zhurnal-bench ws, the server crash
// test). Enough for the server's compact frames; not a JSON parser.
#pragma once

#include <string>
#include <string_view>

namespace zhurnal::bench {

// The value of "key": a JSON string's contents or a bare scalar (first
// occurrence); empty when absent.
std::string field(std::string_view frame, std::string_view key);
bool is_push(std::string_view frame);
bool is_ok(std::string_view frame);
// "code (message)" of an error answer.
std::string describe_error(std::string_view frame);
// `s` as a JSON string literal (escapes only '"' and '\').
std::string json_string(std::string_view s);

}  // namespace zhurnal::bench
