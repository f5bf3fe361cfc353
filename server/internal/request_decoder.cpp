#include "request_decoder.hpp"

#include <initializer_list>

#include "json.hpp"

namespace zhurnal::server::internal {
namespace {

// Cap'n Proto reads a union left out as its first member; a request must
// name what it wants, and so must its command and subscription.
bool names_member(const capnp::JsonValue::Reader& object, std::initializer_list<const char*> other) {
  if (!object.isObject()) return false;
  for (auto field : object.getObject()) {
    bool ordinary = false;
    for (const char* name : other) ordinary |= field.getName() == name;
    if (!ordinary) return true;
  }
  return false;
}

bool names_a_request(std::string_view frame) {
  capnp::MallocMessageBuilder m;
  auto root = m.initRoot<capnp::JsonValue>();
  try {
    codec().decodeRaw(kj::ArrayPtr<const char>(frame.data(), frame.size()), root);
  } catch (const kj::Exception&) {
    return false;
  }
  auto r = root.asReader();
  if (!names_member(r, {"id"})) return false;
  for (auto field : r.getObject()) {
    if (field.getName() == "command") {
      for (auto inner : field.getValue().getObject()) {
        if (inner.getName() == "command" && !names_member(inner.getValue(), {})) return false;
      }
      if (!names_member(field.getValue(), {"commandId"})) return false;
    } else if (field.getName() == "subscribe" && !names_member(field.getValue(), {"lastPosition"})) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<std::string> decode_request(std::string_view frame, schema::Request::Builder out) {
  try {
    from_json(frame, out);
  } catch (const kj::Exception& e) {
    return std::string("Некорректный запрос: ") + e.getDescription().cStr();
  }
  if (!names_a_request(frame)) return std::string("Некорректный запрос: не указано, что сделать");
  return std::nullopt;
}

}  // namespace zhurnal::server::internal
