#include "ids.hpp"

#include <sodium.h>

#include <array>

#include "text.hpp"

namespace zhurnal::import::internal {
namespace {

constexpr size_t kMaxIdBytes = 64;  // the journal's limit (decider_support.hpp)

// "<school>-<kind>-<16 hex>", or "<kind>-<32 hex>" when that is too long.
std::string scoped(std::string_view school_id, std::string_view kind, const std::string& hash) {
  std::string id = std::string(school_id) + "-" + std::string(kind) + "-" + hash.substr(0, 16);
  if (id.size() <= kMaxIdBytes) return id;
  return std::string(kind) + "-" + hash.substr(0, 32);
}

}  // namespace

std::string sha256_hex(std::initializer_list<std::string_view> parts) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  bool first = true;
  for (std::string_view p : parts) {
    if (!first) crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>("\0"), 1);
    first = false;
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(p.data()), p.size());
  }
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256_final(&state, digest.data());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char b : digest) {
    hex += kHex[b >> 4];
    hex += kHex[b & 15];
  }
  return hex;
}

std::string student_id(std::string_view school_id, std::string_view name_key,
                       std::string_view birth_iso) {
  return scoped(school_id, "s", sha256_hex({"student", school_id, name_key, birth_iso}));
}

std::string teacher_id(std::string_view school_id, std::string_view name_key) {
  return scoped(school_id, "t", sha256_hex({"teacher", school_id, name_key}));
}

std::string assignment_id(std::string_view school_id, std::string_view teacher_id,
                          std::string_view class_id, std::string_view subgroup_id,
                          std::string_view subject_id, std::string_view start_iso) {
  return scoped(school_id, "a",
                sha256_hex({"assignment", school_id, teacher_id, class_id, subgroup_id, subject_id,
                            start_iso}));
}

std::string class_id(std::string_view school_id, std::string_view year_id, int grade,
                     std::string_view letter) {
  if (auto latin = transliterate_letter(letter)) {
    std::string id =
        std::string(school_id) + "-" + std::string(year_id) + "-" + std::to_string(grade) + *latin;
    bool printable = true;
    for (char c : id) printable = printable && c > 0x20 && c < 0x7f;
    if (printable && id.size() <= kMaxIdBytes) return id;
  }
  return scoped(school_id, "c",
                sha256_hex({"class", school_id, year_id, std::to_string(grade), letter}));
}

std::string command_id(std::string_view files_digest, std::string_view command_bytes) {
  return "import-" + sha256_hex({"command", files_digest, command_bytes}).substr(0, 32);
}

}  // namespace zhurnal::import::internal
