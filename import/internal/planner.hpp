// Planner: checks the rows of the lists against the SchoolView and against
// each other, fills the report, and collects the commands that carry the rows
// out. The checks repeat the journal's own (deciders in commands/) where a
// row could otherwise be rejected half-way through an apply: class years,
// plausible ages, orders, overlapping teaching loads.
//
// Commands are kept in phases so that what a command needs exists before it
// runs: classes, then teachers, then students, then teaching, then class
// teachers. Not thread-safe; one Planner per prepare_import().
#pragma once

#include <array>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "columns.hpp"
#include "csv_reader.hpp"
#include "plan.hpp"
#include "school_view.hpp"

namespace capnp {
class MessageBuilder;
}

namespace zhurnal::import::internal {

enum class Phase : uint8_t { kClasses, kTeachers, kStudents, kTeaching, kClassTeachers, kCount };

// One row of each list as read from its cells.
struct StudentRow {
  PersonName name;
  std::string key;  // fold(full name) + birth date: one person
  Day birth;
  std::string class_text;
  std::optional<Day> from;
  std::string order;
};

struct TeacherRow {
  PersonName name;
  std::string key;  // fold(full name)
  std::vector<std::string> subjects, classes, led;
  std::string subgroup;
  int line = 0;
};

// A class a row names: one of the current year's, or one this import opens.
struct ClassRef {
  std::string id;
  std::string name;                     // "5А"
  const ViewClass* existing = nullptr;  // nullptr when the import opens it
};

class Planner {
 public:
  // `view`, `year` (may be null: the school has no current year) and
  // `report` must outlive the planner.
  Planner(const SchoolView& view, const ViewYear* year, Day today, bool open_classes,
          Report& report);

  void plan_students(const CsvTable& table, const std::string& file_name);
  void plan_teachers(const CsvTable& table, const std::string& file_name);

  // The commands in phase order, with their ids derived from `files_digest`.
  std::vector<PlannedCommand> take_commands(std::string_view files_digest);

 private:
  struct Teacher {
    std::string id;
    bool known = false;        // already in the journal
    size_t registered_by = 0;  // the report row that registers her (new teachers)
  };

  // Fills the row's action and changes, or returns why it cannot be imported.
  std::optional<std::string> plan_student(const StudentRow& s, RowReport& row);
  void plan_teacher(const TeacherRow& t, size_t row_index);
  void plan_teaching(const TeacherRow& t, const Teacher& teacher, size_t row_index);
  void plan_class_teacher(const TeacherRow& t, const Teacher& teacher, size_t row_index);
  const Teacher* find_or_register(const TeacherRow& t, size_t row_index);

  std::expected<ClassRef, std::string> resolve_class(std::string_view text);
  // "5А" for a class of this school, with its year when it is not the current one.
  std::string class_label(const std::string& class_id) const;
  size_t planned() const;  // commands so far, all phases
  void add(Phase phase, int line, std::string what, capnp::MessageBuilder& message);
  // Marks every row in `rows` as a duplicate of the others.
  void flag_duplicates(const std::vector<size_t>& rows, const std::string& what);
  void note_file(const CsvTable& table, const std::string& file_name, const char* kind,
                 size_t data_rows, const std::vector<std::string>& ignored);

  const SchoolView& view_;
  const ViewYear* year_;
  Day today_;
  bool open_classes_;
  Report& report_;
  // The school's students by fold(full name) + "|" + ISO birth date, and its
  // users by fold(full name): one pass over the view instead of one per row.
  std::map<std::string, std::vector<const ViewStudent*>> students_by_key_;
  std::map<std::string, std::vector<const ViewUser*>> users_by_name_;
  std::map<std::string, ClassRef> opened_;   // "5А" -> the class this import opens
  std::map<std::string, Teacher> teachers_;  // folded name -> teacher
  // Teaching loads and class-teacher duties in the file, for duplicates:
  // key -> report row.
  std::map<std::string, size_t> loads_;
  std::map<std::string, size_t> led_classes_;
  std::array<std::vector<PlannedCommand>, static_cast<size_t>(Phase::kCount)> phases_;
};

}  // namespace zhurnal::import::internal
