// Deterministic ids. The same school and the same person, class or teaching
// load always give the same id, and the same command from the same files
// checked against the same log position the same command id: a repeated
// import finds its own records, and a retried or concurrent apply of the same
// plan gets `duplicate` answers instead of writing twice. Hashes are SHA-256 (libsodium); parts are
// NUL-separated so that ("ab", "c") and ("a", "bc") differ.
//
// Ids fit the journal's rule (1..64 printable ASCII characters): when a long
// school id would not leave room, the school part is dropped from the text
// (it is still inside the hash).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace zhurnal::import::internal {

// SHA-256 of the parts joined by NUL bytes, as lower-case hex (64 chars).
std::string sha256_hex(std::initializer_list<std::string_view> parts);

// "<school>-s-<16 hex>" from the folded full name and the ISO birth date.
std::string student_id(std::string_view school_id, std::string_view name_key,
                       std::string_view birth_iso);
// "<school>-t-<16 hex>" from the folded full name.
std::string teacher_id(std::string_view school_id, std::string_view name_key);
// "<school>-a-<16 hex>" from the teacher, class, subgroup, subject and start.
std::string assignment_id(std::string_view school_id, std::string_view teacher_id,
                          std::string_view class_id, std::string_view subgroup_id,
                          std::string_view subject_id, std::string_view start_iso);
// "<school>-<year>-<grade><letter in Latin>", e.g. "sch1-y2026-5a"; a hash
// when the letter has no transliteration or the text would be too long.
std::string class_id(std::string_view school_id, std::string_view year_id, int grade,
                     std::string_view letter);
// "import-<32 hex>" from the digest of the files (and the log position they
// were checked against) and the encoded command.
std::string command_id(std::string_view files_digest, std::string_view command_bytes);

}  // namespace zhurnal::import::internal
