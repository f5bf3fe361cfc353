// Encoding of view rows (schema/views.capnp) and small key helpers.
#pragma once

#include <capnp/message.h>
#include <capnp/serialize.h>

#include <optional>
#include <string>
#include <string_view>

#include "schema/message_reader.hpp"
#include "schema/views.capnp.h"

namespace zhurnal::projections::internal {

inline std::string to_bytes(capnp::MessageBuilder& m) {
  kj::Array<capnp::word> words = capnp::messageToFlatArray(m);
  auto bytes = words.asBytes();
  return std::string(reinterpret_cast<const char*>(bytes.begin()), bytes.size());
}

// A row being written: fresh, or a copy of the stored row to modify.
template <typename T>
class RowBuilder {
 public:
  RowBuilder() : root_(message_.initRoot<T>()) {}
  explicit RowBuilder(const std::optional<std::string>& stored) : RowBuilder() {
    if (stored) {
      schema::BoundedMessageReader reader(*stored);
      message_.setRoot(reader.root<T>());
      root_ = message_.getRoot<T>();
    }
  }
  typename T::Builder* operator->() { return &root_; }
  typename T::Builder get() { return root_; }
  std::string bytes() { return to_bytes(message_); }

 private:
  capnp::MallocMessageBuilder message_;
  typename T::Builder root_;
};

// A stored row, read.
template <typename T>
class RowReader {
 public:
  explicit RowReader(std::string bytes) : bytes_(std::move(bytes)), reader_(bytes_) {}
  typename T::Reader get() { return reader_.root<T>(); }

 private:
  std::string bytes_;  // before reader_: it must outlive it
  schema::BoundedMessageReader reader_;
};

// Any struct reader stored as its own message (e.g. an event's sub-struct).
template <typename Reader>
std::string struct_bytes(Reader r) {
  capnp::MallocMessageBuilder m;
  m.setRoot(r);
  return to_bytes(m);
}

inline std::string str(capnp::Text::Reader t) { return {t.cStr(), t.size()}; }
inline std::string str(capnp::Text::Builder t) { return {t.cStr(), t.size()}; }

// "2026-10-05" -> "2026-10".
inline std::string month_of(std::string_view date) { return std::string(date.substr(0, 7)); }

// Fixed-width hex so that keys sort numerically.
inline std::string hex16(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace zhurnal::projections::internal
