#include "request_decoder.hpp"

#include <initializer_list>
#include <utility>

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

// The text after `key` in a KJ exception's description ("...; key = value"),
// up to the next "; " or the end; empty when absent.
std::string_view detail(std::string_view description, std::string_view key) {
  const size_t at = description.find(key);
  if (at == std::string_view::npos) return {};
  std::string_view value = description.substr(at + key.size());
  return value.substr(0, value.find("; "));
}

}  // namespace

std::string codec_reason_ru(std::string_view d) {
  const auto has = [d](std::string_view s) { return d.find(s) != std::string_view::npos; };
  const auto quoted = [](std::string_view s) { return "«" + std::string(s) + "»"; };
  if (has("Unknown field")) {
    std::string_view name = detail(d, "field.getName() = ");
    if (name.empty()) name = detail(d, "name = ");
    return name.empty() ? "неизвестное поле" : "неизвестное поле " + quoted(name);
  }
  if (has("invalid enum value") || has("no such enumerant")) {
    std::string_view value = detail(d, "input.getString() = ");
    if (value.empty()) value = detail(d, "name = ");
    return value.empty() ? "недопустимое значение" : "недопустимое значение " + quoted(value);
  }
  if (has("String does not contain valid number")) {
    const std::string_view value = detail(d, "s = ");
    return value.empty() ? "ожидается число" : "ожидается число, а не " + quoted(value);
  }
  // Longer patterns before the shorter ones they contain.
  static constexpr std::pair<std::string_view, std::string_view> kReasons[] = {
      {"Expected text value", "ожидается строка"},
      {"Expected string value", "ожидается строка"},
      {"Expected integer value", "ожидается целое число"},
      {"Expected float value", "ожидается число"},
      {"Expected number in JSON input", "ожидается число"},
      {"Expected boolean value", "ожидается true или false"},
      {"Expected list value", "ожидается список"},
      {"Expected object value", "ожидается объект JSON"},
      {"Expected enum value", "ожидается одно из допустимых значений (строка)"},
      {"Expected data value", "ожидается массив байтов"},
      {"Value out-of-range", "число вне допустимого диапазона"},
      {"Value type mismatch", "значение не того типа"},
      {"JSON message ends prematurely", "JSON обрывается"},
      {"Input remains after parsing JSON", "после JSON есть лишние символы"},
      {"Unexpected input in JSON message", "это не JSON"},
      {"Invalid escape in JSON string", "неверная escape-последовательность в строке"},
      {"Invalid hex digit in unicode escape", "неверная escape-последовательность \\u в строке"},
      {"JSON message nested too deeply", "слишком глубокая вложенность"},
  };
  for (const auto& [pattern, reason] : kReasons) {
    if (has(pattern)) return std::string(reason);
  }
  return std::string(d);  // a reason not foreseen: the codec's own words
}

std::optional<std::string> decode_request(std::string_view frame, schema::Request::Builder out) {
  try {
    from_json(frame, out);
  } catch (const kj::Exception& e) {
    return "Некорректный запрос: " + codec_reason_ru(e.getDescription().cStr());
  }
  if (!names_a_request(frame)) return std::string("Некорректный запрос: не указано, что сделать");
  return std::nullopt;
}

}  // namespace zhurnal::server::internal
