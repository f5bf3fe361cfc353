#include "school_seed.hpp"

#include <vector>

#include "zhurnal/commands/errors.hpp"
#include "zhurnal/commands/journal.hpp"

namespace zhurnal::fuzz {

std::expected<std::unique_ptr<events::EventLog>, std::string> seed_school(const std::string& path) {
  events::LogOptions lo;
  lo.path = path;
  lo.durability = events::Durability::kBuffered;
  lo.clock_us = [] { return kSeedClockUs; };
  auto log = events::open_event_log(lo);
  if (!log) return std::unexpected("cannot open the log: " + log.error().to_string());
  auto journal = commands::Journal::open({log->get(), [] { return kSeedClockUs; }, nullptr, 8});
  if (!journal) return std::unexpected("cannot open the journal: " + journal.error().to_string());

  const std::string sys(commands::kSystemActor);
  struct Step {
    std::string actor;
    std::string json;
  };
  std::vector<Step> steps = {
      {sys, R"({"registerSchool": {"schoolId": "sch1", "name": "МАОУ СОШ № 1",
          "timeZone": "Asia/Yekaterinburg", "lessonMinutes": 40,
          "bellSchedule": ["08:30", "09:20", "10:20", "11:20", "12:20", "13:10", "14:00"]}})"},
      {sys, R"({"registerUser": {"userId": "admin", "schoolId": "sch1",
          "fullName": "Сидоров Алексей Викторович", "roles": ["administrator"]}})"},
      {"admin", R"({"registerUser": {"userId": "deputy", "schoolId": "sch1",
          "fullName": "Козлов Игорь Петрович", "roles": ["deputyDirector"]}})"},
      {"admin", R"({"registerUser": {"userId": "secretary", "schoolId": "sch1",
          "fullName": "Новикова Анна Сергеевна", "roles": ["secretary"]}})"},
      {"admin", R"({"openAcademicYear": {"schoolId": "sch1", "yearId": "y2026", "name": "2026/2027",
          "start": "2026-09-01", "end": "2027-05-31", "periodKind": "quarters", "periods": [
          {"periodId": "q1", "name": "1 четверть", "start": "2026-09-01", "end": "2026-10-26"},
          {"periodId": "q2", "name": "2 четверть", "start": "2026-11-05", "end": "2026-12-28"},
          {"periodId": "q3", "name": "3 четверть", "start": "2027-01-12", "end": "2027-03-22"},
          {"periodId": "q4", "name": "4 четверть", "start": "2027-03-31", "end": "2027-05-31"}]}})"},
      {"admin", R"({"defineSubject": {"schoolId": "sch1", "subjectId": "math", "name": "Математика"}})"},
      {"admin", R"({"defineSubject": {"schoolId": "sch1", "subjectId": "rus", "name": "Русский язык"}})"},
      {"admin", R"({"defineSubject": {"schoolId": "sch1", "subjectId": "eng", "name": "Английский язык"}})"},
      {"secretary", R"({"registerUser": {"userId": "t-math", "schoolId": "sch1",
          "fullName": "Иванова Мария Петровна", "roles": ["teacher"]}})"},
      {"secretary", R"({"registerUser": {"userId": "t-rus", "schoolId": "sch1",
          "fullName": "Петрова Светлана Юрьевна", "roles": ["teacher"]}})"},
      {"secretary", R"({"registerUser": {"userId": "t-eng", "schoolId": "sch1",
          "fullName": "Морозова Дарья Андреевна", "roles": ["teacher"]}})"},
      {"secretary", R"({"openClass": {"classId": "c5a", "schoolId": "sch1", "yearId": "y2026",
          "grade": 5, "letter": "А"}})"},
      {"secretary", R"({"openClass": {"classId": "c1a", "schoolId": "sch1", "yearId": "y2026",
          "grade": 1, "letter": "А"}})"},
      {"secretary", R"({"openClass": {"classId": "c6b", "schoolId": "sch1", "yearId": "y2026",
          "grade": 6, "letter": "Б"}})"},
  };
  const char* students[][3] = {{"s1", "c5a", "Алексеев Иван"}, {"s2", "c5a", "Белова Мария"},
                               {"s3", "c5a", "Васильев Пётр"}, {"s4", "c5a", "Григорьева Анна"},
                               {"f1", "c1a", "Дмитриев Олег"}, {"b1", "c6b", "Егорова Полина"}};
  for (auto& s : students) {
    steps.push_back({"secretary", std::string(R"({"enrollStudent": {"studentId": ")") + s[0] +
                                      R"(", "schoolId": "sch1", "classId": ")" + s[1] +
                                      R"(", "fullName": ")" + s[2] +
                                      R"(", "birthDate": "2015-03-14", "from": "2026-09-01",
                                      "order": "№ 101-у от 01.09.2026"}})"});
  }
  steps.push_back({"secretary", R"({"assignClassTeacher": {"classId": "c5a", "teacherId": "t-rus"}})"});
  steps.push_back({"secretary", R"({"defineSubgroup": {"classId": "c5a", "subgroupId": "g1",
      "name": "Английский, группа 1", "studentIds": ["s1", "s2"]}})"});
  for (const char* a : {R"("a-math-5a", "classId": "c5a", "subgroupId": "", "subjectId": "math", "teacherId": "t-math")",
                        R"("a-rus-5a", "classId": "c5a", "subgroupId": "", "subjectId": "rus", "teacherId": "t-rus")",
                        R"("a-rus-1a", "classId": "c1a", "subgroupId": "", "subjectId": "rus", "teacherId": "t-rus")",
                        R"("a-eng-5a", "classId": "c5a", "subgroupId": "g1", "subjectId": "eng", "teacherId": "t-eng")"}) {
    steps.push_back({"deputy", std::string(R"({"assignTeaching": {"assignmentId": )") + a +
                                   R"(, "start": "2026-09-01", "end": ""}})"});
  }

  int n = 0;
  for (const Step& step : steps) {
    auto r = (*journal)->execute_json({"seed-" + std::to_string(++n), step.actor, ""}, step.json);
    if (!r) {
      return std::unexpected("seed command " + std::to_string(n) + " refused: " +
                             std::string(commands::error_code_name(r.error().code)) + ": " +
                             r.error().message);
    }
  }
  journal->reset();
  return std::move(*log);
}

}  // namespace zhurnal::fuzz
