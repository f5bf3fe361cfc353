// The parts of the Planner both lists share: classes (found or opened),
// commands and their ids, duplicate rows, notes about a file.
#include "planner.hpp"

#include <capnp/message.h>
#include <capnp/serialize.h>

#include "ids.hpp"
#include "schema/commands.capnp.h"

namespace zhurnal::import::internal {

Planner::Planner(const SchoolView& view, const ViewYear* year, Day today, bool open_classes,
                 Report& report)
    : view_(view), year_(year), today_(today), open_classes_(open_classes), report_(report) {
  for (const auto& [id, s] : view_.students()) {
    if (s.school_id == view_.school_id()) {
      students_by_key_[fold(s.full_name) + "|" + iso_day(s.birth)].push_back(&s);
    }
  }
  for (const auto& [id, u] : view_.users()) {
    if (u.school_id == view_.school_id()) users_by_name_[fold(u.full_name)].push_back(&u);
  }
}

std::expected<ClassRef, std::string> Planner::resolve_class(std::string_view text) {
  auto name = parse_class_name(text);
  if (!name) {
    return std::unexpected("Класс «" + tidy(text) +
                           "» не распознан: нужны параллель 1–11 и буква, например «5А»");
  }
  if (!year_) {
    return std::unexpected("В школе нет текущего или следующего учебного года: класс «" +
                           name->display() + "» не с чем сопоставить");
  }
  if (const ViewClass* c = view_.find_class(year_->id, name->grade, name->letter)) {
    return ClassRef{c->id, name->display(), c};
  }
  if (auto it = opened_.find(name->display()); it != opened_.end()) return it->second;
  if (!open_classes_) {
    return std::unexpected("Класс «" + name->display() + "» не открыт в учебном году " +
                           year_->name +
                           ": откройте его в журнале или запустите импорт с --open-classes");
  }
  ClassRef ref{class_id(view_.school_id(), year_->id, name->grade, name->letter), name->display(),
               nullptr};
  if (view_.classes().count(ref.id)) {
    return std::unexpected("Идентификатор " + ref.id + " для класса «" + ref.name +
                           "» уже занят другим классом");
  }
  capnp::MallocMessageBuilder message;
  auto c = message.initRoot<schema::Command>().initOpenClass();
  c.setClassId(ref.id);
  c.setSchoolId(view_.school_id());
  c.setYearId(year_->id);
  c.setGrade(static_cast<uint8_t>(name->grade));
  c.setLetter(name->letter);
  add(Phase::kClasses, 0, "открыть класс " + ref.name + " (" + year_->name + ")", message);
  report_.classes_to_open.push_back(ref.name);
  opened_.emplace(ref.name, ref);
  return ref;
}

std::string Planner::class_label(const std::string& class_id) const {
  auto it = view_.classes().find(class_id);
  if (it == view_.classes().end()) return class_id;
  const ViewClass& c = it->second;
  std::string label = std::to_string(c.grade) + c.letter;
  if (!year_ || c.year_id != year_->id) {
    const ViewYear* y = view_.year(c.year_id);
    label += " (" + (y ? y->name : c.year_id) + ")";
  }
  return label;
}

size_t Planner::planned() const {
  size_t n = 0;
  for (const auto& phase : phases_) n += phase.size();
  return n;
}

void Planner::add(Phase phase, int line, std::string what, capnp::MessageBuilder& message) {
  kj::Array<capnp::word> words = capnp::messageToFlatArray(message);
  auto bytes = words.asBytes();
  phases_[static_cast<size_t>(phase)].push_back(
      {line, std::move(what), "", std::string(bytes.begin(), bytes.end())});
}

std::vector<PlannedCommand> Planner::take_commands(std::string_view files_digest) {
  std::vector<PlannedCommand> out;
  for (auto& phase : phases_) {
    for (PlannedCommand& c : phase) {
      c.command_id = command_id(files_digest, c.bytes);
      out.push_back(std::move(c));
    }
    phase.clear();
  }
  return out;
}

void Planner::flag_duplicates(const std::vector<size_t>& rows, const std::string& what) {
  std::string lines;
  for (size_t r : rows) {
    if (!lines.empty()) lines += ", ";
    lines += std::to_string(report_.rows[r].line);
  }
  for (size_t r : rows) {
    report_.rows[r].errors.push_back(what + " повторяется в файле: строки " + lines);
  }
}

void Planner::note_file(const CsvTable& table, const std::string& file_name, const char* kind,
                        size_t data_rows, const std::vector<std::string>& ignored) {
  const char* separator = table.delimiter == ';'    ? "«;»"
                          : table.delimiter == '\t' ? "табуляция"
                                                    : "«,»";
  std::string note = std::string(kind) + " (" + file_name + "): строк с данными — " +
                     std::to_string(data_rows) + ", разделитель " + separator + ", кодировка " +
                     table.encoding;
  report_.notes.push_back(std::move(note));
  if (!ignored.empty()) {
    std::string cols;
    for (const std::string& c : ignored) cols += (cols.empty() ? "«" : ", «") + c + "»";
    report_.notes.push_back(std::string(kind) + ": не используются столбцы " + cols);
  }
}

}  // namespace zhurnal::import::internal
