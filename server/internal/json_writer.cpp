#include "json_writer.hpp"

#include <capnp/any.h>
#include <capnp/schema.h>
#include <kj/string.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace zhurnal::server::internal {
namespace {

using capnp::schema::Type;

std::string_view view_of(capnp::Text::Reader t) { return {t.cStr(), t.size()}; }

// As Cap'n Proto 0.9.2's JsonCodec: the quote, the backslash and the control
// characters are escaped; other bytes ('/' and UTF-8 included) pass through.
void write_string(std::string_view chars, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t plain = 0;  // start of the run of bytes copied as they are
  for (size_t i = 0; i < chars.size(); ++i) {
    const char c = chars[i];
    if (c != '"' && c != '\\' && !(c >= 0 && c < 0x20)) continue;
    out->append(chars.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default: {
        const auto u = static_cast<uint8_t>(c);
        out->append("\\u00");
        out->push_back(kHex[u / 16]);
        out->push_back(kHex[u % 16]);
      }
    }
  }
  out->append(chars.data() + plain, chars.size() - plain);
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

// ---------------------------------------------------------------------------
// The schema, decoded once per struct type: Cap'n Proto's dynamic API decodes
// a field's type from the schema node on every get() and has() (the largest
// item of the writer's profile), so each struct type gets a plan with its
// fields' names, types, offsets and defaults, and values are read from the
// struct's data and pointer sections (AnyStruct) directly.

struct StructPlan;

struct EnumPlan {
  std::vector<std::string> names;  // quoted, by ordinal
};

struct FieldPlan {
  std::string key;  // "\"name\":"
  capnp::StructSchema::Field field;
  capnp::Type type;
  Type::Which which = Type::VOID;
  bool group = false;
  uint32_t offset = 0;          // slot offset in units of the type's size
  uint64_t default_bits = 0;    // primitives: stored value XOR default
  uint16_t discriminant = 0xffff;  // union members only
  const EnumPlan* enumeration = nullptr;
};

struct StructPlan {
  capnp::StructSchema schema;
  std::vector<FieldPlan> fields;  // non-union fields in code order (by index)
  std::vector<FieldPlan> members;  // union members
  std::vector<uint32_t> field_index;  // of each non-union field
  std::vector<uint32_t> member_index;
  uint32_t discriminant_offset = 0;  // in 16-bit units
  bool has_union = false;
};

uint64_t default_bits(capnp::schema::Value::Reader v) {
  switch (v.which()) {
    case capnp::schema::Value::BOOL: return v.getBool() ? 1 : 0;
    case capnp::schema::Value::INT8: return static_cast<uint8_t>(v.getInt8());
    case capnp::schema::Value::INT16: return static_cast<uint16_t>(v.getInt16());
    case capnp::schema::Value::INT32: return static_cast<uint32_t>(v.getInt32());
    case capnp::schema::Value::INT64: return static_cast<uint64_t>(v.getInt64());
    case capnp::schema::Value::UINT8: return v.getUint8();
    case capnp::schema::Value::UINT16: return v.getUint16();
    case capnp::schema::Value::UINT32: return v.getUint32();
    case capnp::schema::Value::UINT64: return v.getUint64();
    case capnp::schema::Value::FLOAT32: {
      const float f = v.getFloat32();
      uint32_t bits;
      std::memcpy(&bits, &f, sizeof bits);
      return bits;
    }
    case capnp::schema::Value::FLOAT64: {
      const double d = v.getFloat64();
      uint64_t bits;
      std::memcpy(&bits, &d, sizeof bits);
      return bits;
    }
    case capnp::schema::Value::ENUM: return v.getEnum();
    default: return 0;
  }
}

class Plans {
 public:
  const StructPlan& of(capnp::StructSchema schema) {
    const uint64_t id = schema.getProto().getId();
    auto it = structs_.find(id);
    if (it != structs_.end()) return *it->second;
    auto plan = std::make_unique<StructPlan>();
    plan->schema = schema;
    auto proto = schema.getProto().getStruct();
    plan->has_union = proto.getDiscriminantCount() > 0;
    plan->discriminant_offset = proto.getDiscriminantOffset();
    for (capnp::StructSchema::Field f : schema.getFields()) {
      FieldPlan fp{"", f, f.getType()};
      std::string name;
      write_string(view_of(f.getProto().getName()), &name);
      fp.key = name + ":";
      fp.which = fp.type.which();
      auto fproto = f.getProto();
      fp.group = fproto.isGroup();
      if (fproto.isSlot()) {
        fp.offset = fproto.getSlot().getOffset();
        fp.default_bits = default_bits(fproto.getSlot().getDefaultValue());
      }
      if (fp.which == Type::ENUM) fp.enumeration = &enum_of(fp.type.asEnum());
      if (fproto.getDiscriminantValue() != capnp::schema::Field::NO_DISCRIMINANT) {
        fp.discriminant = fproto.getDiscriminantValue();
        plan->member_index.push_back(f.getIndex());
        plan->members.push_back(std::move(fp));
      } else {
        plan->field_index.push_back(f.getIndex());
        plan->fields.push_back(std::move(fp));
      }
    }
    return *structs_.emplace(id, std::move(plan)).first->second;
  }

 private:
  const EnumPlan& enum_of(capnp::EnumSchema schema) {
    const uint64_t id = schema.getProto().getId();
    auto it = enums_.find(id);
    if (it != enums_.end()) return *it->second;
    auto plan = std::make_unique<EnumPlan>();
    for (auto e : schema.getEnumerants()) {
      std::string name;
      write_string(view_of(e.getProto().getName()), &name);
      plan->names.push_back(std::move(name));
    }
    return *enums_.emplace(id, std::move(plan)).first->second;
  }

  std::unordered_map<uint64_t, std::unique_ptr<StructPlan>> structs_;
  std::unordered_map<uint64_t, std::unique_ptr<EnumPlan>> enums_;
};

// Plans per thread: built once per struct type on each worker, no locking.
Plans& plans() {
  thread_local Plans p;
  return p;
}

// A primitive of `Bytes` bytes at `offset` (in its own size) of the data
// section; zero beyond it (a struct written by an older schema).
template <typename T>
T data_field(const kj::ArrayPtr<const capnp::byte>& data, uint32_t offset, uint64_t default_bits) {
  using U = std::conditional_t<sizeof(T) == 1, uint8_t,
                               std::conditional_t<sizeof(T) == 2, uint16_t,
                                                  std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>>>;
  U bits = 0;
  const size_t at = static_cast<size_t>(offset) * sizeof(T);
  if (at + sizeof(T) <= data.size()) std::memcpy(&bits, data.begin() + at, sizeof(T));
  bits ^= static_cast<U>(default_bits);
  T v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

bool bool_field(const kj::ArrayPtr<const capnp::byte>& data, uint32_t offset, uint64_t default_bits) {
  bool b = false;
  if (offset / 8 < data.size()) b = (data[offset / 8] >> (offset % 8)) & 1;
  return b != (default_bits != 0);
}

void write_struct(capnp::AnyStruct::Reader s, const StructPlan& plan, std::string* out);
void write_dynamic(const capnp::DynamicValue::Reader& value, capnp::Type type, std::string* out);

void write_enum(uint16_t raw, const EnumPlan& e, std::string* out) {
  if (raw < e.names.size()) {
    out->append(e.names[raw]);
  } else {
    write_integer(static_cast<uint32_t>(raw), out);
  }
}

// A list of `element` from pointer `p`.
void write_list(capnp::AnyPointer::Reader p, capnp::Type element, std::string* out) {
  out->push_back('[');
  switch (element.which()) {
    case Type::STRUCT: {
      const StructPlan& plan = plans().of(element.asStruct());
      auto list = p.getAs<capnp::DynamicList>(capnp::ListSchema::of(element));
      for (uint i = 0; i < list.size(); ++i) {
        if (i) out->push_back(',');
        write_struct(list[i].as<capnp::DynamicStruct>().as<capnp::AnyStruct>(), plan, out);
      }
      break;
    }
    case Type::TEXT: {
      auto list = p.getAs<capnp::List<capnp::Text>>();
      for (uint i = 0; i < list.size(); ++i) {
        if (i) out->push_back(',');
        write_string(view_of(list[i]), out);
      }
      break;
    }
    case Type::ENUM: {
      // Enums are 16-bit values on the wire.
      auto list = p.getAs<capnp::List<uint16_t>>();
      capnp::EnumSchema e = element.asEnum();
      for (uint i = 0; i < list.size(); ++i) {
        if (i) out->push_back(',');
        const uint16_t raw = list[i];
        auto enumerants = e.getEnumerants();
        if (raw < enumerants.size()) {
          write_string(view_of(enumerants[raw].getProto().getName()), out);
        } else {
          write_integer(static_cast<uint32_t>(raw), out);
        }
      }
      break;
    }
    default: {
      // Numbers, booleans, data, nested lists: the dynamic API (rare).
      auto list = p.getAs<capnp::DynamicList>(capnp::ListSchema::of(element));
      for (uint i = 0; i < list.size(); ++i) {
        if (i) out->push_back(',');
        write_dynamic(list[i], element, out);
      }
    }
  }
  out->push_back(']');
}

// Whether a field has a value to write (HasMode::NON_NULL): primitives and
// groups always; pointers when not null.
bool has_value(const FieldPlan& f, const capnp::List<capnp::AnyPointer>::Reader& ptrs) {
  if (f.group) return true;
  switch (f.which) {
    case Type::TEXT:
    case Type::DATA:
    case Type::LIST:
    case Type::STRUCT:
    case Type::ANY_POINTER:
    case Type::INTERFACE:
      return f.offset < ptrs.size() && !ptrs[f.offset].isNull();
    default:
      return true;
  }
}

void write_field(capnp::AnyStruct::Reader s, const FieldPlan& f,
                 const kj::ArrayPtr<const capnp::byte>& data,
                 const capnp::List<capnp::AnyPointer>::Reader& ptrs, std::string* out) {
  if (f.group) {
    write_struct(s, plans().of(f.type.asStruct()), out);
    return;
  }
  switch (f.which) {
    case Type::VOID: out->append("null"); return;
    case Type::BOOL: out->append(bool_field(data, f.offset, f.default_bits) ? "true" : "false"); return;
    case Type::INT8: write_integer(static_cast<int32_t>(data_field<int8_t>(data, f.offset, f.default_bits)), out); return;
    case Type::INT16: write_integer(static_cast<int32_t>(data_field<int16_t>(data, f.offset, f.default_bits)), out); return;
    case Type::INT32: write_integer(data_field<int32_t>(data, f.offset, f.default_bits), out); return;
    case Type::UINT8: write_integer(static_cast<uint32_t>(data_field<uint8_t>(data, f.offset, f.default_bits)), out); return;
    case Type::UINT16: write_integer(static_cast<uint32_t>(data_field<uint16_t>(data, f.offset, f.default_bits)), out); return;
    case Type::UINT32: write_integer(data_field<uint32_t>(data, f.offset, f.default_bits), out); return;
    case Type::INT64:
      out->push_back('"');
      write_integer(data_field<int64_t>(data, f.offset, f.default_bits), out);
      out->push_back('"');
      return;
    case Type::UINT64:
      out->push_back('"');
      write_integer(data_field<uint64_t>(data, f.offset, f.default_bits), out);
      out->push_back('"');
      return;
    case Type::FLOAT32: write_double(data_field<float>(data, f.offset, f.default_bits), out); return;
    case Type::FLOAT64: write_double(data_field<double>(data, f.offset, f.default_bits), out); return;
    case Type::ENUM: write_enum(data_field<uint16_t>(data, f.offset, f.default_bits), *f.enumeration, out); return;
    case Type::TEXT: write_string(view_of(ptrs[f.offset].getAs<capnp::Text>()), out); return;
    case Type::STRUCT:
      write_struct(ptrs[f.offset].getAs<capnp::AnyStruct>(), plans().of(f.type.asStruct()), out);
      return;
    case Type::LIST: write_list(ptrs[f.offset], f.type.asList().getElementType(), out); return;
    default:
      // Data, AnyPointer, interfaces: as the dynamic writer does.
      write_dynamic(s.as<capnp::DynamicStruct>(f.field.getContainingStruct()).get(f.field), f.type, out);
  }
}

void write_struct(capnp::AnyStruct::Reader s, const StructPlan& plan, std::string* out) {
  out->push_back('{');
  const auto data = s.getDataSection();
  const auto ptrs = s.getPointerSection();
  bool first = true;
  auto field_out = [&](const FieldPlan& f, bool null) {
    if (!first) out->push_back(',');
    first = false;
    out->append(f.key);
    if (null) {
      out->append("null");
    } else {
      write_field(s, f, data, ptrs, out);
    }
  };
  // The active union member, unless it is the union's default member and null.
  const FieldPlan* which = nullptr;
  uint32_t which_index = 0;
  bool union_null = false;
  if (plan.has_union) {
    const uint16_t d = data_field<uint16_t>(data, plan.discriminant_offset, 0);
    for (size_t i = 0; i < plan.members.size(); ++i) {
      if (plan.members[i].discriminant == d) {
        which = &plan.members[i];
        which_index = plan.member_index[i];
        break;
      }
    }
    if (which) {
      union_null = !has_value(*which, ptrs);
      if (which->discriminant == 0 && union_null) which = nullptr;
    }
  }
  for (size_t i = 0; i < plan.fields.size(); ++i) {
    if (which && which_index < plan.field_index[i]) {
      field_out(*which, union_null);
      which = nullptr;
    }
    if (has_value(plan.fields[i], ptrs)) field_out(plan.fields[i], false);
  }
  if (which) field_out(*which, union_null);
  out->push_back('}');
}

// The dynamic API's path, for the rare types above.
void write_dynamic(const capnp::DynamicValue::Reader& value, capnp::Type type, std::string* out) {
  switch (type.which()) {
    case Type::VOID:
      out->append("null");
      return;
    case Type::BOOL:
      out->append(value.as<bool>() ? "true" : "false");
      return;
    case Type::INT8:
    case Type::INT16:
    case Type::INT32:
      write_integer(value.as<int32_t>(), out);
      return;
    case Type::UINT8:
    case Type::UINT16:
    case Type::UINT32:
      write_integer(value.as<uint32_t>(), out);
      return;
    case Type::FLOAT32:
    case Type::FLOAT64:
      write_double(value.as<double>(), out);
      return;
    case Type::INT64:
      out->push_back('"');
      write_integer(value.as<int64_t>(), out);
      out->push_back('"');
      return;
    case Type::UINT64:
      out->push_back('"');
      write_integer(value.as<uint64_t>(), out);
      out->push_back('"');
      return;
    case Type::TEXT:
      write_string(view_of(value.as<capnp::Text>()), out);
      return;
    case Type::DATA: {
      auto bytes = value.as<capnp::Data>();
      out->push_back('[');
      for (size_t i = 0; i < bytes.size(); ++i) {
        if (i) out->push_back(',');
        write_integer(static_cast<uint32_t>(bytes[i]), out);
      }
      out->push_back(']');
      return;
    }
    case Type::LIST: {
      auto list = value.as<capnp::DynamicList>();
      const capnp::Type element = type.asList().getElementType();
      out->push_back('[');
      for (uint i = 0; i < list.size(); ++i) {
        if (i) out->push_back(',');
        write_dynamic(list[i], element, out);
      }
      out->push_back(']');
      return;
    }
    case Type::ENUM: {
      auto e = value.as<capnp::DynamicEnum>();
      KJ_IF_MAYBE(symbol, e.getEnumerant()) {
        write_string(view_of(symbol->getProto().getName()), out);
      } else {
        write_integer(static_cast<uint32_t>(e.getRaw()), out);
      }
      return;
    }
    case Type::STRUCT: {
      auto s = value.as<capnp::DynamicStruct>();
      write_struct(s.as<capnp::AnyStruct>(), plans().of(s.getSchema()), out);
      return;
    }
    case Type::INTERFACE:
      KJ_FAIL_REQUIRE("don't know how to JSON-encode capabilities");
    case Type::ANY_POINTER:
      KJ_FAIL_REQUIRE("don't know how to JSON-encode AnyPointer");
  }
}

}  // namespace

void write_json(capnp::DynamicStruct::Reader value, std::string* out) {
  write_struct(value.as<capnp::AnyStruct>(), plans().of(value.getSchema()), out);
}

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
  write_json(view, &out);
  out.append("}}");
  return out;
}

}  // namespace zhurnal::server::internal
