// Readable names and values of the standard projections' rows (the key
// tables of docs/storage-format.md and compliance_projection.hpp).
#include <capnp/serialize.h>

#include <cstdio>
#include <vector>

#include "schema/journal.capnp.h"
#include "schema/message_reader.hpp"
#include "schema/views.capnp.h"
#include "zhurnal/replay/rebuild.hpp"

namespace zhurnal::replay {
namespace {

enum class Value { kText, kEmpty, kRow };

using Decoder = std::string (*)(std::string_view);

template <typename T>
std::string decode_as(std::string_view bytes) {
  schema::BoundedMessageReader reader(bytes);
  auto text = kj::str(reader.root<T>());
  return std::string(text.cStr(), text.size());
}

struct RowKind {
  std::string_view projection;
  std::string_view prefix;  // including the '/'
  std::string_view label;
  std::vector<std::string_view> fields;
  Decoder decode;  // nullptr: the value is text
};

const std::vector<RowKind>& kinds() {
  static const std::vector<RowKind> k = {
      {"journal", "S/", "school", {"school"}, &decode_as<schema::SchoolRegistered>},
      {"journal", "Y/", "academic year", {"school", "year"}, &decode_as<schema::AcademicYearOpened>},
      {"journal", "SUB/", "subject name", {"school", "subject"}, nullptr},
      {"journal", "WT/", "work type", {"school", "work type"}, &decode_as<schema::WorkTypeDefined>},
      {"journal", "U/", "user", {"user"}, &decode_as<schema::UserRegistered>},
      {"journal", "CR/", "credentials active", {"user"}, nullptr},
      {"journal", "CO/", "consent", {"user"}, &decode_as<schema::ConsentRecorded>},
      {"journal", "K/", "class", {"class"}, &decode_as<schema::ClassRow>},
      {"journal", "G/", "subgroup", {"class", "subgroup"}, &decode_as<schema::SubgroupDefined>},
      {"journal", "ST/", "student's current class", {"student"}, &decode_as<schema::StudentRow>},
      {"journal", "R/", "student's stint in a class", {"class", "student"}, &decode_as<schema::StudentRow>},
      {"journal", "GU/", "guardian", {"parent", "student"}, nullptr},
      {"journal", "L/", "lesson", {"lesson"}, &decode_as<schema::LessonRow>},
      {"journal", "C/", "cell (marks and attendance)", {"lesson", "student"}, &decode_as<schema::CellRow>},
      {"journal", "CD/", "lesson by date index", {"class", "date", "number", "lesson"}, nullptr},
      {"journal", "CL/", "lesson by subject index", {"class", "subject", "date", "number", "lesson"}, nullptr},
      {"journal", "F/", "final mark", {"class", "subject", "period", "student", "kind"}, &decode_as<schema::FinalMarkRow>},
      {"journal", "N/", "note to a student's parents", {"student", "at", "id"}, &decode_as<schema::NoteRow>},
      {"journal", "NC/", "note to a class", {"class", "at", "id"}, &decode_as<schema::NoteRow>},
      {"people", "A/", "access and consent", {"user"}, &decode_as<schema::AccessRow>},
      {"people", "P/", "parent's relation", {"student", "parent"}, nullptr},
      {"people", "CHL/", "parent's children", {"parent"}, nullptr},
      {"people", "SC/", "student's current class", {"student"}, nullptr},
      {"compliance", "Z/", "school time zone", {"school"}, nullptr},
      {"compliance", "K/", "class school and grade", {"class"}, nullptr},
      {"compliance", "U/", "person's school", {"person"}, nullptr},
      {"compliance", "PA/", "parent since", {"school", "parent"}, nullptr},
      {"compliance", "SS/", "student's stints in the school", {"school", "student"}, nullptr},
      {"compliance", "SI/", "signed in during the month", {"school", "month", "role", "user"}, nullptr},
      {"compliance", "SO/", "monthly sign-off", {"school", "month"}, &decode_as<schema::SignOffRow>},
      {"compliance", "LF/", "lesson flags", {"lesson"}, &decode_as<schema::LessonFlags>},
      {"compliance", "T/", "teacher's monthly counters", {"school", "month", "teacher"}, &decode_as<schema::Counters>},
      {"compliance", "CC/", "class's monthly counters", {"school", "month", "class"}, &decode_as<schema::Counters>},
      {"compliance", "PS/", "lessons planned", {"school", "month", "class", "teacher", "subject", "subgroup"}, nullptr},
      {"compliance", "LX/", "lesson with late marks or corrections", {"school", "month", "lesson"}, nullptr},
      {"compliance", "LT/", "late mark", {"lesson", "mark"}, &decode_as<schema::LateMarkRow>},
      {"compliance", "X/", "correction", {"lesson", "position"}, &decode_as<schema::CorrectionRow>},
  };
  return k;
}

const RowKind* find_kind(std::string_view projection, std::string_view row) {
  const RowKind* best = nullptr;
  for (const RowKind& k : kinds()) {
    if (k.projection == projection && row.substr(0, k.prefix.size()) == k.prefix &&
        (!best || k.prefix.size() > best->prefix.size())) {
      best = &k;
    }
  }
  return best;
}

bool printable(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 && c != '\n' && c != '\t') return false;
  }
  return true;
}

std::string hex_preview(std::string_view s) {
  std::string out = std::to_string(s.size()) + " bytes: ";
  char buf[4];
  for (size_t i = 0; i < s.size() && i < 48; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", static_cast<unsigned char>(s[i]));
    out += buf;
  }
  if (s.size() > 48) out += "…";
  return out;
}

}  // namespace

std::string describe_row(std::string_view projection, std::string_view row) {
  const RowKind* k = find_kind(projection, row);
  if (!k) return "unknown row kind";
  std::string out(k->label);
  std::string_view rest = row.substr(k->prefix.size());
  for (size_t i = 0; !rest.empty(); ++i) {
    // The last named field takes the rest (ids may not contain '/', but be safe).
    size_t slash = i + 1 < k->fields.size() ? rest.find('/') : std::string_view::npos;
    std::string_view part = rest.substr(0, slash);
    out += i == 0 ? ": " : ", ";
    if (i < k->fields.size()) out += std::string(k->fields[i]) + " ";
    out += part;
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return out;
}

std::string describe_value(std::string_view projection, std::string_view row, std::string_view value) {
  const RowKind* k = find_kind(projection, row);
  if (k && k->decode) {
    try {
      return k->decode(value);
    } catch (const kj::Exception&) {
      return "(undecodable) " + hex_preview(value);
    }
  }
  if (value.empty()) return "\"\"";
  return printable(value) ? "\"" + std::string(value) + "\"" : hex_preview(value);
}

}  // namespace zhurnal::replay
