// Encoding of view rows (schema/views.capnp) and small key helpers.
#pragma once

#include <capnp/message.h>
#include <capnp/serialize.h>

#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schema/message_reader.hpp"
#include "schema/views.capnp.h"

namespace zhurnal::projections::internal {

// The message as messageToFlatArray() frames it, written straight into the
// string: the segment table as capnp::writeMessage() writes it (32-bit
// little-endian words: the segment count minus one, each segment's size in
// words, a zero to pad the table to a whole word), then the segments. The
// string is not zeroed first, and no stream is set up for the copy (a fold
// frames a row per event: writeMessage() and its stream were a fifth of a
// row's encoding).
inline std::string to_bytes(capnp::MessageBuilder& m) {
  const auto segments = m.getSegmentsForOutput();
  const size_t table_words = (segments.size() + 2) / 2;
  size_t words = table_words;
  for (const auto& segment : segments) words += segment.size();
  std::string out;
  out.resize_and_overwrite(words * sizeof(capnp::word), [&](char* p, size_t n) {
    auto put_u32 = [&p](uint64_t v) {
      for (int i = 0; i < 4; ++i) *p++ = static_cast<char>(v >> (8 * i) & 0xff);
    };
    put_u32(segments.size() - 1);
    for (const auto& segment : segments) put_u32(segment.size());
    if (segments.size() % 2 == 0) put_u32(0);
    for (const auto& segment : segments) {
      std::memcpy(p, segment.begin(), segment.size() * sizeof(capnp::word));
      p += segment.size() * sizeof(capnp::word);
    }
    return n;
  });
  return out;
}

// A MallocMessageBuilder whose first segment (the default 1024 words) comes
// zeroed from a per-thread pool instead of calloc(): a fold builds several
// rows per event, and allocating and zeroing a fresh 8 KiB first segment for
// each was a third of a rebuild's instructions under callgrind (a few per
// cent of its time natively; docs/benchmarks.md). Segments and bytes
// are the same as MallocMessageBuilder() gives: a provided first segment is
// used whole, and later segments grow from its size exactly as from an owned
// one (capnp/message.c++, MallocMessageBuilder::allocateSegment);
// tests/projections/row_message_test.cpp checks this. The builder zeroes
// what it used of the segment when destroyed, so it goes back zeroed.
class PooledMessageBuilder {
 public:
  static constexpr unsigned kFirstSegmentWords = capnp::SUGGESTED_FIRST_SEGMENT_WORDS;

  PooledMessageBuilder() : segment_(take()), message_(kj::arrayPtr(segment_.get(), kFirstSegmentWords)) {}
  ~PooledMessageBuilder() = default;  // message_ first (it zeroes the segment), then give back
  PooledMessageBuilder(const PooledMessageBuilder&) = delete;
  PooledMessageBuilder& operator=(const PooledMessageBuilder&) = delete;

  capnp::MallocMessageBuilder& message() { return message_; }

 private:
  using Segment = std::unique_ptr<capnp::word[]>;
  struct Lease {
    Segment words;
    explicit Lease(Segment w) : words(std::move(w)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (!words) return;
      auto& pool = free_list();
      if (pool.size() < kPoolMax) pool.push_back(std::move(words));
    }
    capnp::word* get() { return words.get(); }
  };
  static constexpr size_t kPoolMax = 32;  // per thread; more in use at once are freed
  static std::vector<Segment>& free_list() {
    thread_local std::vector<Segment> pool;
    return pool;
  }
  static Lease take() {
    auto& pool = free_list();
    if (pool.empty()) return Lease(Segment(new capnp::word[kFirstSegmentWords]()));
    Lease l(std::move(pool.back()));
    pool.pop_back();
    return l;
  }

  Lease segment_;  // declared before message_: outlives it
  capnp::MallocMessageBuilder message_;
};

// A row being written: fresh, or a copy of the stored row to modify.
template <typename T>
class RowBuilder {
 public:
  RowBuilder() : root_(pooled_.message().initRoot<T>()) {}
  explicit RowBuilder(const std::optional<std::string>& stored)
      : RowBuilder(stored ? &*stored : nullptr) {}
  // A copy of `stored` (ProjectionTx::find()), or fresh when it is null.
  // The copy is the message's root: the root pointer, then the struct and
  // its objects depth first, with no empty root before it (journal and
  // people version 1 and compliance 1 and 2 copied after one, which left a
  // struct's worth of zeroed words in every copied row). Copying bytes laid
  // out so gives them back.
  explicit RowBuilder(const std::string* stored) : root_(copy_or_init(stored)) {}
  typename T::Builder* operator->() { return &root_; }
  typename T::Builder get() { return root_; }
  std::string bytes() { return to_bytes(pooled_.message()); }
  // Words allocated so far: grows when a change allocates (a text or list
  // set, a struct upgraded), not when it sets scalar fields.
  size_t words() {
    size_t n = 0;
    for (auto segment : pooled_.message().getSegmentsForOutput()) n += segment.size();
    return n;
  }

 private:
  typename T::Builder copy_or_init(const std::string* stored) {
    if (!stored) return pooled_.message().initRoot<T>();
    schema::BoundedMessageReader reader(*stored);
    pooled_.message().setRoot(reader.root<T>());
    return pooled_.message().getRoot<T>();
  }

  PooledMessageBuilder pooled_;  // declared before root_, which is made in it
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

// A stored row, read in place: `bytes` must outlive the view.
template <typename T>
class RowView {
 public:
  explicit RowView(std::string_view bytes) : reader_(bytes) {}
  typename T::Reader get() { return reader_.root<T>(); }

 private:
  schema::BoundedMessageReader reader_;
};

// Any struct reader stored as its own message (e.g. an event's sub-struct).
template <typename Reader>
std::string struct_bytes(Reader r) {
  PooledMessageBuilder m;
  m.message().setRoot(r);
  return to_bytes(m.message());
}

inline std::string str(capnp::Text::Reader t) { return {t.cStr(), t.size()}; }
inline std::string str(capnp::Text::Builder t) { return {t.cStr(), t.size()}; }
// The text in place: valid while the message's bytes are (and, for a
// builder, until that text is replaced).
inline std::string_view text_view(capnp::Text::Reader t) { return {t.cStr(), t.size()}; }

// A row key (or topic) put together from parts in a buffer on the stack: no
// heap allocation for keys up to kInline bytes; longer ones spill into a
// std::string. For keys that are looked up far more often than stored.
class RowKey {
 public:
  static constexpr size_t kInline = 200;

  template <typename... Parts>
  explicit RowKey(const Parts&... parts) {
    (append(std::string_view(parts)), ...);
  }
  RowKey(const RowKey&) = delete;
  RowKey& operator=(const RowKey&) = delete;

  RowKey& append(std::string_view part) {
    if (spill_.empty() && size_ + part.size() <= kInline) {
      part.copy(inline_ + size_, part.size());
      size_ += part.size();
    } else {
      if (spill_.empty()) spill_.assign(inline_, size_);
      spill_.append(part);
    }
    return *this;
  }
  std::string_view view() const { return spill_.empty() ? std::string_view(inline_, size_) : spill_; }
  operator std::string_view() const { return view(); }  // NOLINT: a key is a string_view

 private:
  char inline_[kInline];
  size_t size_ = 0;
  std::string spill_;  // non-empty once the key outgrew inline_
};

// "2026-10-05" -> "2026-10".
inline std::string month_of(std::string_view date) { return std::string(date.substr(0, 7)); }

// Fixed-width hex so that keys sort numerically.
inline std::string hex16(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace zhurnal::projections::internal
