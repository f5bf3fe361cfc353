// Reading a Cap'n Proto message from untrusted bytes (a stored payload, a
// network frame): word alignment is ensured (copying when needed) and the
// traversal and nesting limits are always set (capnp/message.h: "exists for
// security reasons").
#pragma once

#include <capnp/serialize.h>

#include <cstring>
#include <string_view>
#include <vector>

namespace zhurnal::schema {

inline constexpr int kNestingLimit = 16;
inline constexpr uint64_t kMaxTraversalWords = 8 << 20;  // 64 MiB

class BoundedMessageReader {
 public:
  // `bytes` must stay alive while this reader is used unless it was copied
  // (misaligned input is copied into an owned buffer). Throws kj::Exception on
  // malformed input, like every Cap'n Proto reader.
  explicit BoundedMessageReader(std::string_view bytes)
      : reader_(words_of(bytes), options_for(bytes.size() / sizeof(capnp::word))) {}

  template <typename T>
  typename T::Reader root() {
    return reader_.getRoot<T>();
  }

 private:
  static capnp::ReaderOptions options_for(size_t words) {
    capnp::ReaderOptions o;
    o.traversalLimitInWords = std::min<uint64_t>(words * 4 + 64, kMaxTraversalWords);
    o.nestingLimit = kNestingLimit;
    return o;
  }
  kj::ArrayPtr<const capnp::word> words_of(std::string_view bytes) {
    const size_t n = bytes.size() / sizeof(capnp::word);
    if (reinterpret_cast<uintptr_t>(bytes.data()) % alignof(capnp::word) == 0) {
      return kj::arrayPtr(reinterpret_cast<const capnp::word*>(bytes.data()), n);
    }
    copy_.resize(n);
    std::memcpy(copy_.data(), bytes.data(), n * sizeof(capnp::word));
    return kj::arrayPtr(reinterpret_cast<const capnp::word*>(copy_.data()), n);
  }

  // uint64_t, not capnp::word: word is not copyable, which libstdc++'s vector
  // rejects under clang (the fuzz build). Declared before reader_: initialised first.
  std::vector<uint64_t> copy_;
  capnp::FlatArrayMessageReader reader_;
};

}  // namespace zhurnal::schema
