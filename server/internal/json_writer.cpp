#include "json_writer.hpp"

#include <capnp/schema.h>
#include <kj/string.h>

#include <charconv>
#include <cmath>
#include <string_view>

namespace zhurnal::server::internal {
namespace {

std::string_view view_of(capnp::Text::Reader t) { return {t.cStr(), t.size()}; }

// As Cap'n Proto 0.9.2's JsonCodec: the quote, the backslash and the control
// characters are escaped; other bytes ('/' and UTF-8 included) pass through.
void write_string(std::string_view chars, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char c : chars) {
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        if (c >= 0 && c < 0x20) {
          const auto u = static_cast<uint8_t>(c);
          out->append("\\u00");
          out->push_back(kHex[u / 16]);
          out->push_back(kHex[u % 16]);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

template <typename Int>
void write_integer(Int v, std::string* out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, end);
}

// The codec writes every number through a double and kj's formatting
// (shortest of %.15g / %.17g that round-trips); 32-bit integers print the
// same as their decimal digits, so only floats take kj's path.
void write_double(double v, std::string* out) {
  if (std::isnan(v) || std::isinf(v)) {
    out->append("null");
    return;
  }
  auto text = kj::toCharSequence(v);
  out->append(text.begin(), text.size());
}

void write_value(const capnp::DynamicValue::Reader& value, capnp::Type type, std::string* out);

void write_struct(capnp::DynamicStruct::Reader s, std::string* out) {
  out->push_back('{');
  bool first = true;
  auto field_out = [&](capnp::StructSchema::Field field, bool null) {
    if (!first) out->push_back(',');
    first = false;
    write_string(view_of(field.getProto().getName()), out);
    out->push_back(':');
    if (null) {
      out->append("null");
    } else {
      write_value(s.get(field), field.getType(), out);
    }
  };
  // The active union member, unless it is the union's default member and null.
  kj::Maybe<capnp::StructSchema::Field> which = s.which();
  bool union_null = false;
  KJ_IF_MAYBE(field, which) {
    union_null = !s.has(*field);
    if (field->getProto().getDiscriminantValue() == 0 && union_null) which = nullptr;
  }
  for (capnp::StructSchema::Field field : s.getSchema().getNonUnionFields()) {
    KJ_IF_MAYBE(union_field, which) {
      if (union_field->getIndex() < field.getIndex()) {
        field_out(*union_field, union_null);
        which = nullptr;
      }
    }
    if (s.has(field)) field_out(field, false);
  }
  KJ_IF_MAYBE(union_field, which) { field_out(*union_field, union_null); }
  out->push_back('}');
}

void write_value(const capnp::DynamicValue::Reader& value, capnp::Type type, std::string* out) {
  switch (type.which()) {
    case capnp::schema::Type::VOID:
      out->append("null");
      return;
    case capnp::schema::Type::BOOL:
      out->append(value.as<bool>() ? "true" : "false");
      return;
    case capnp::schema::Type::INT8:
    case capnp::schema::Type::INT16:
    case capnp::schema::Type::INT32:
      write_integer(value.as<int32_t>(), out);
      return;
    case capnp::schema::Type::UINT8:
    case capnp::schema::Type::UINT16:
    case capnp::schema::Type::UINT32:
      write_integer(value.as<uint32_t>(), out);
      return;
    case capnp::schema::Type::FLOAT32:
    case capnp::schema::Type::FLOAT64:
      write_double(value.as<double>(), out);
      return;
    case capnp::schema::Type::INT64:
      out->push_back('"');
      write_integer(value.as<int64_t>(), out);
      out->push_back('"');
      return;
    case capnp::schema::Type::UINT64:
      out->push_back('"');
      write_integer(value.as<uint64_t>(), out);
      out->push_back('"');
      return;
    case capnp::schema::Type::TEXT:
      write_string(view_of(value.as<capnp::Text>()), out);
      return;
    case capnp::schema::Type::DATA: {
      auto bytes = value.as<capnp::Data>();
      out->push_back('[');
      for (size_t i = 0; i < bytes.size(); ++i) {
        if (i) out->push_back(',');
        write_integer(static_cast<uint32_t>(bytes[i]), out);
      }
      out->push_back(']');
      return;
    }
    case capnp::schema::Type::LIST: {
      auto list = value.as<capnp::DynamicList>();
      const capnp::Type element = type.asList().getElementType();
      out->push_back('[');
      for (uint i = 0; i < list.size(); ++i) {
        if (i) out->push_back(',');
        write_value(list[i], element, out);
      }
      out->push_back(']');
      return;
    }
    case capnp::schema::Type::ENUM: {
      auto e = value.as<capnp::DynamicEnum>();
      KJ_IF_MAYBE(symbol, e.getEnumerant()) {
        write_string(view_of(symbol->getProto().getName()), out);
      } else {
        write_integer(static_cast<uint32_t>(e.getRaw()), out);
      }
      return;
    }
    case capnp::schema::Type::STRUCT:
      write_struct(value.as<capnp::DynamicStruct>(), out);
      return;
    case capnp::schema::Type::INTERFACE:
      KJ_FAIL_REQUIRE("don't know how to JSON-encode capabilities");
    case capnp::schema::Type::ANY_POINTER:
      KJ_FAIL_REQUIRE("don't know how to JSON-encode AnyPointer");
  }
}

}  // namespace

void write_json(capnp::DynamicStruct::Reader value, std::string* out) { write_struct(value, out); }

std::string write_view_push(std::string_view subscription, uint64_t position,
                            std::string_view member, capnp::DynamicStruct::Reader view) {
  std::string out;
  out.reserve(16 * 1024);
  out.append("{\"push\":{\"subscription\":");
  write_string(subscription, &out);
  out.append(",\"position\":\"");
  write_integer(position, &out);
  out.append("\",\"");
  out.append(member);
  out.append("\":");
  write_struct(view, &out);
  out.append("}}");
  return out;
}

}  // namespace zhurnal::server::internal
