// JSON output of Cap'n Proto messages without the per-value allocations of
// capnp::JsonCodec::encode. The codec first builds a JsonValue message and
// then a kj::StringTree with one heap string per value (a 15 KB diary push is
// thousands of small allocations); this writer walks the same schema and
// appends to one std::string. It reads values from the struct's data and
// pointer sections through a per-struct plan (field names, types, offsets,
// defaults) built once per thread, not through the dynamic API, whose
// get()/has() decode the field's type from the schema on every call.
//
// The output is byte-for-byte what the project's configured codec
// (json.hpp: no handlers, no annotations, HasMode::NON_NULL) writes for the
// same message: the same field order (non-union fields in code order with
// the active union member at its place), the same omission of null
// pointers, 64-bit integers as strings, enums by name, NaN and infinities
// as null, Data as a list of numbers, and the same string escaping.
// tests/server/json_writer_test.cpp compares the two on real views.
//
// Thread safety: any thread; the plans are per thread.
#pragma once

#include <capnp/dynamic.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace zhurnal::server::internal {

// Appends the JSON of `value` to `*out`.
void write_json(capnp::DynamicStruct::Reader value, std::string* out);

// The frame of a push of one view: {"push":{"subscription":..,"position":..,
// "<member>":<view>}}, as the codec writes a ServerMessage whose Push has
// `member` (diary, register, compliance, classRoster) set to a copy of
// `view`, without making that copy.
std::string write_view_push(std::string_view subscription, uint64_t position,
                            std::string_view member, capnp::DynamicStruct::Reader view);

template <typename Reader>
std::string write_json(Reader r) {
  std::string out;
  out.reserve(512);
  write_json(capnp::DynamicStruct::Reader(r), &out);
  return out;
}

}  // namespace zhurnal::server::internal
