// A Journal over a fresh log, with a realistic small school seeded through
// the same commands the secretary and administrator use, a settable clock in
// the school's time zone, and helpers to run JSON commands as any user.
//
// The seeded school "sch1" (Asia/Yekaterinburg, UTC+5), year 2026/2027 in
// quarters (q1 2026-09-01..2026-10-26, q2 2026-11-05..2026-12-28, ...):
//   users:   admin, director, deputy, secretary, auditor (region-wide),
//            t-math (Иванова, math in 5А), t-rus (Петрова, Russian in 5А and 1А,
//            class teacher of 5А), t-eng (English, subgroup g1 of 5А)
//   classes: c5a (grade 5, «А»), c1a (grade 1, «А»), c6b (grade 6, «Б»)
//   students s1..s4 in 5А from 2026-09-01 (s1, s2 in subgroup g1), f1 in 1А,
//            b1 in 6Б; parent p1 (s1's mother)
//   work types: oral (weight 1), test (Контрольная работа, weight 3)
//   lessons: l-math (5А math, t-math, 2026-10-05 lesson 2 at 09:20),
//            l-rus1 (1А Russian, t-rus, 2026-10-05 lesson 1 at 08:30),
//            l-eng (5А/g1 English, t-eng, 2026-10-05 lesson 3 at 10:20)
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "commands/internal/calendar.hpp"
#include "schema/journal.capnp.h"
#include "schema/message_reader.hpp"
#include "support/temp_dir.hpp"
#include "zhurnal/commands/journal.hpp"

namespace zhurnal::commands::testing {

class JournalFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    open();
    seed();
  }

  void open() {
    journal_.reset();
    log_.reset();
    events::LogOptions lo;
    lo.path = dir_.str();
    lo.durability = events::Durability::kBuffered;
    lo.clock_us = [this] { return now_.load(); };
    auto log = events::open_event_log(lo);
    ASSERT_TRUE(log) << log.error().to_string();
    log_ = std::move(*log);
    JournalOptions jo;
    jo.log = log_.get();
    jo.clock_us = [this] { return now_.load(); };
    auto journal = Journal::open(jo);
    ASSERT_TRUE(journal) << journal.error().to_string();
    journal_ = std::move(*journal);
  }

  // Sets the clock to a school-local time, "2026-10-05 09:30".
  void at(const std::string& local) {
    auto day = internal::parse_date(local.substr(0, 10));
    auto clock = internal::parse_clock(local.substr(11, 5));
    ASSERT_TRUE(day && clock) << local;
    now_ = internal::local_to_utc_us(internal::find_zone("Asia/Yekaterinburg"), *day, *clock);
  }

  // Runs a command given as JSON, e.g. R"({"postMark": {...}})".
  Outcome run(const std::string& actor, const std::string& json) {
    return journal_->execute_json({"cmd-" + std::to_string(++command_seq_), actor, ""}, json);
  }
  Outcome run_with_id(const std::string& command_id, const std::string& actor,
                      const std::string& json) {
    return journal_->execute_json({command_id, actor, ""}, json);
  }

  // Runs and asserts acceptance.
  void ok(const std::string& actor, const std::string& json) {
    auto r = run(actor, json);
    ASSERT_TRUE(r) << json << "\n -> " << error_code_name(r.error().code) << ": "
                   << r.error().message;
  }

  // Runs and checks the rejection code, and that nothing was written.
  void rejected(ErrorCode code, const std::string& actor, const std::string& json) {
    const uint64_t head = log_->head_position();
    auto r = run(actor, json);
    ASSERT_FALSE(r) << "accepted: " << json;
    EXPECT_EQ(error_code_name(r.error().code), error_code_name(code))
        << json << "\n -> " << r.error().message;
    EXPECT_FALSE(r.error().message.empty());
    EXPECT_EQ(log_->head_position(), head) << "a rejected command wrote to the log";
  }

  // The last event in the log, decoded.
  events::RecordedEvent last_event() {
    auto all = log_->read_all(log_->head_position(), 1);
    EXPECT_TRUE(all && all->size() == 1);
    return all->at(0);
  }

  void seed();

  zhurnal::testing::TempDir dir_;
  std::atomic<int64_t> now_{0};
  uint64_t command_seq_ = 0;
  std::unique_ptr<events::EventLog> log_;
  std::unique_ptr<Journal> journal_;
};

// Decodes an event's payload and hands the JournalEvent reader to `fn`.
template <typename Fn>
void with_payload(const events::RecordedEvent& e, Fn&& fn) {
  schema::BoundedMessageReader reader(e.payload);
  fn(reader.root<schema::JournalEvent>());
}

inline void JournalFixture::seed() {
  at("2026-08-25 09:00");
  const std::string sys(kSystemActor);
  ok(sys, R"({"registerSchool": {"schoolId": "sch1", "name": "МАОУ СОШ № 1",
      "timeZone": "Asia/Yekaterinburg", "lessonMinutes": 40,
      "bellSchedule": ["08:30", "09:20", "10:20", "11:20", "12:20", "13:10", "14:00"]}})");
  ok(sys, R"({"registerUser": {"userId": "admin", "schoolId": "sch1",
      "fullName": "Сидоров Алексей Викторович", "roles": ["administrator"]}})");
  ok(sys, R"({"registerUser": {"userId": "auditor", "schoolId": "",
      "fullName": "Кузнецова Ольга Ивановна", "roles": ["auditor"]}})");
  ok("admin", R"({"registerUser": {"userId": "director", "schoolId": "sch1",
      "fullName": "Смирнова Елена Николаевна", "roles": ["director"]}})");
  ok("admin", R"({"registerUser": {"userId": "deputy", "schoolId": "sch1",
      "fullName": "Козлов Игорь Петрович", "roles": ["deputyDirector"]}})");
  ok("admin", R"({"registerUser": {"userId": "secretary", "schoolId": "sch1",
      "fullName": "Новикова Анна Сергеевна", "roles": ["secretary"]}})");
  ok("admin", R"({"openAcademicYear": {"schoolId": "sch1", "yearId": "y2026", "name": "2026/2027",
      "start": "2026-09-01", "end": "2027-05-31", "periodKind": "quarters", "periods": [
        {"periodId": "q1", "name": "1 четверть", "start": "2026-09-01", "end": "2026-10-26"},
        {"periodId": "q2", "name": "2 четверть", "start": "2026-11-05", "end": "2026-12-28"},
        {"periodId": "q3", "name": "3 четверть", "start": "2027-01-12", "end": "2027-03-22"},
        {"periodId": "q4", "name": "4 четверть", "start": "2027-03-31", "end": "2027-05-31"}]}})");
  ok("admin", R"({"declareHoliday": {"schoolId": "sch1", "yearId": "y2026",
      "start": "2026-10-27", "end": "2026-11-04", "name": "Осенние каникулы"}})");
  for (const char* s : {R"("math", "name": "Математика")", R"("rus", "name": "Русский язык")",
                        R"("eng", "name": "Английский язык")"}) {
    ok("admin", std::string(R"({"defineSubject": {"schoolId": "sch1", "subjectId": )") + s + "}}");
  }
  ok("admin", R"({"defineWorkType": {"schoolId": "sch1", "workTypeId": "oral",
      "name": "Ответ на уроке", "weight": 1}})");
  ok("admin", R"({"defineWorkType": {"schoolId": "sch1", "workTypeId": "test",
      "name": "Контрольная работа", "weight": 3}})");
  ok("secretary", R"({"registerUser": {"userId": "t-math", "schoolId": "sch1",
      "fullName": "Иванова Мария Петровна", "roles": ["teacher"]}})");
  ok("secretary", R"({"registerUser": {"userId": "t-rus", "schoolId": "sch1",
      "fullName": "Петрова Светлана Юрьевна", "roles": ["teacher"]}})");
  ok("secretary", R"({"registerUser": {"userId": "t-eng", "schoolId": "sch1",
      "fullName": "Морозова Дарья Андреевна", "roles": ["teacher"]}})");
  ok("secretary", R"({"openClass": {"classId": "c5a", "schoolId": "sch1", "yearId": "y2026",
      "grade": 5, "letter": "А"}})");
  ok("secretary", R"({"openClass": {"classId": "c1a", "schoolId": "sch1", "yearId": "y2026",
      "grade": 1, "letter": "А"}})");
  ok("secretary", R"({"openClass": {"classId": "c6b", "schoolId": "sch1", "yearId": "y2026",
      "grade": 6, "letter": "Б"}})");
  const char* students[][3] = {{"s1", "c5a", "Алексеев Иван"},   {"s2", "c5a", "Белова Мария"},
                               {"s3", "c5a", "Васильев Пётр"},   {"s4", "c5a", "Григорьева Анна"},
                               {"f1", "c1a", "Дмитриев Олег"},   {"b1", "c6b", "Егорова Полина"}};
  for (auto& s : students) {
    ok("secretary", std::string(R"({"enrollStudent": {"studentId": ")") + s[0] +
                        R"(", "schoolId": "sch1", "classId": ")" + s[1] + R"(", "fullName": ")" +
                        s[2] + R"(", "birthDate": "2015-03-14", "from": "2026-09-01",
                        "order": "№ 101-у от 01.09.2026"}})");
  }
  ok("secretary", R"({"assignClassTeacher": {"classId": "c5a", "teacherId": "t-rus"}})");
  ok("secretary", R"({"defineSubgroup": {"classId": "c5a", "subgroupId": "g1",
      "name": "Английский, группа 1", "studentIds": ["s1", "s2"]}})");
  ok("deputy", R"({"assignTeaching": {"assignmentId": "a-math-5a", "classId": "c5a",
      "subgroupId": "", "subjectId": "math", "teacherId": "t-math", "start": "2026-09-01", "end": ""}})");
  ok("deputy", R"({"assignTeaching": {"assignmentId": "a-rus-5a", "classId": "c5a",
      "subgroupId": "", "subjectId": "rus", "teacherId": "t-rus", "start": "2026-09-01", "end": ""}})");
  ok("deputy", R"({"assignTeaching": {"assignmentId": "a-rus-1a", "classId": "c1a",
      "subgroupId": "", "subjectId": "rus", "teacherId": "t-rus", "start": "2026-09-01", "end": ""}})");
  ok("deputy", R"({"assignTeaching": {"assignmentId": "a-eng-5a", "classId": "c5a",
      "subgroupId": "g1", "subjectId": "eng", "teacherId": "t-eng", "start": "2026-09-01", "end": ""}})");
  ok("t-rus", R"({"registerUser": {"userId": "p1", "schoolId": "sch1",
      "fullName": "Алексеева Наталья Игоревна", "roles": ["parent"]}})");
  ok("t-rus", R"({"linkGuardian": {"studentId": "s1", "parentId": "p1", "relation": "мать"}})");
  ok("deputy", R"({"scheduleLesson": {"lessonId": "l-math", "classId": "c5a", "subgroupId": "",
      "subjectId": "math", "teacherId": "t-math", "date": "2026-10-05", "number": 2}})");
  ok("deputy", R"({"scheduleLesson": {"lessonId": "l-rus1", "classId": "c1a", "subgroupId": "",
      "subjectId": "rus", "teacherId": "t-rus", "date": "2026-10-05", "number": 1}})");
  ok("deputy", R"({"scheduleLesson": {"lessonId": "l-eng", "classId": "c5a", "subgroupId": "g1",
      "subjectId": "eng", "teacherId": "t-eng", "date": "2026-10-05", "number": 3}})");
}

}  // namespace zhurnal::commands::testing
