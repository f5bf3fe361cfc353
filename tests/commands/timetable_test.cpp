// repeatWeek: a class's week of lessons repeated forward, as one atomic
// command. What is repeated (every lesson for a keeper, her own for a
// teacher), what is skipped (holidays, taken slots, closed periods, days past
// an assignment) and every refusal, with nothing written. cancelLessons:
// the weeks of an old timetable cleared, lessons that took place kept.
#include <tuple>
#include <vector>

#include "rule_table.hpp"

namespace zhurnal::commands::testing {
namespace {

using E = ErrorCode;

std::string repeat(const std::string& cls, const std::string& date, const std::string& until,
                   const std::string& prefix = "rw") {
  return R"({"repeatWeek": {"classId": ")" + cls + R"(", "date": ")" + date + R"(", "until": ")" +
         until + R"(", "lessonIdPrefix": ")" + prefix + R"("}})";
}
std::string schedule(const std::string& id, const std::string& subject, const std::string& teacher,
                     const std::string& date, int number, const std::string& subgroup = "") {
  return R"({"scheduleLesson": {"lessonId": ")" + id + R"(", "classId": "c5a", "subgroupId": ")" +
         subgroup + R"(", "subjectId": ")" + subject + R"(", "teacherId": ")" + teacher +
         R"(", "date": ")" + date + R"(", "number": )" + std::to_string(number) + "}}";
}

std::string cancel(const std::string& from, const std::string& until,
                   const std::string& reason = "Новое расписание") {
  return R"({"cancelLessons": {"classId": "c5a", "from": ")" + from + R"(", "until": ")" + until +
         R"(", "reason": ")" + reason + R"("}})";
}

// (id, date, number, subject, subgroup, teacher) of a LessonScheduled.
using Scheduled = std::tuple<std::string, std::string, int, std::string, std::string, std::string>;

class TimetableTest : public RulesTest {
 protected:
  // Runs `json` as `actor`, expects acceptance, and returns the events it
  // wrote, each `type` and by `actor`, in log order.
  std::vector<events::RecordedEvent> written(const std::string& actor, const std::string& json,
                                             const std::string& type) {
    const uint64_t head = log_->head_position();
    auto r = run(actor, json);
    EXPECT_TRUE(r) << json << "\n -> " << (r ? "" : r.error().message);
    if (!r) return {};
    auto all = log_->read_all(head + 1, 10'000);
    EXPECT_TRUE(all);
    for (const events::RecordedEvent& e : *all) {
      EXPECT_EQ(e.actor, actor);
      EXPECT_EQ(e.type, type);
    }
    return all ? *all : std::vector<events::RecordedEvent>{};
  }

  // The lessons a repeatWeek scheduled.
  std::vector<Scheduled> repeated(const std::string& actor, const std::string& json) {
    std::vector<Scheduled> out;
    for (const events::RecordedEvent& e : written(actor, json, "LessonScheduled")) {
      with_payload(e, [&](schema::JournalEvent::Reader ev) {
        auto l = ev.getLessonScheduled();
        EXPECT_EQ(e.stream, "lesson-" + std::string(l.getLessonId().cStr()));
        EXPECT_EQ(std::string(l.getClassId().cStr()), "c5a");
        out.emplace_back(l.getLessonId().cStr(), l.getDate().cStr(), l.getNumber(),
                         l.getSubjectId().cStr(), l.getSubgroupId().cStr(),
                         l.getTeacherId().cStr());
      });
    }
    return out;
  }

  // The lessons a cancelLessons cancelled, each with `reason`.
  std::vector<std::string> cancelled(const std::string& actor, const std::string& json,
                                     const std::string& reason = "Новое расписание") {
    std::vector<std::string> out;
    for (const events::RecordedEvent& e : written(actor, json, "LessonCancelled")) {
      with_payload(e, [&](schema::JournalEvent::Reader ev) {
        EXPECT_EQ(std::string(ev.getLessonCancelled().getReason().cStr()), reason);
        out.emplace_back(ev.getLessonCancelled().getLessonId().cStr());
      });
    }
    return out;
  }
};

TEST_F(TimetableTest, KeeperRepeatsTheWholeWeekPastTheHolidays) {
  // 5А's week of 5 October: math (lesson 2) and English for group g1 (lesson 3)
  // on Monday. Monday 2 November falls in the autumn holidays.
  const std::vector<Scheduled> want = {
      {"rw-1", "2026-10-12", 2, "math", "", "t-math"},
      {"rw-2", "2026-10-12", 3, "eng", "g1", "t-eng"},
      {"rw-3", "2026-10-19", 2, "math", "", "t-math"},
      {"rw-4", "2026-10-19", 3, "eng", "g1", "t-eng"},
      {"rw-5", "2026-10-26", 2, "math", "", "t-math"},
      {"rw-6", "2026-10-26", 3, "eng", "g1", "t-eng"},
      {"rw-7", "2026-11-09", 2, "math", "", "t-math"},
      {"rw-8", "2026-11-09", 3, "eng", "g1", "t-eng"},
  };
  EXPECT_EQ(repeated("deputy", repeat("c5a", "2026-10-08", "2026-11-15")), want);

  // Run again: every slot is taken now, so nothing is added.
  rejected(E::kInvalidValue, "deputy", repeat("c5a", "2026-10-05", "2026-11-15", "rw2"));
  // A later week, which now holds the repeated lessons, fills on from there.
  auto more = repeated("secretary", repeat("c5a", "2026-11-09", "2026-11-22", "rw3"));
  EXPECT_EQ(more, (std::vector<Scheduled>{{"rw3-1", "2026-11-16", 2, "math", "", "t-math"},
                                          {"rw3-2", "2026-11-16", 3, "eng", "g1", "t-eng"}}));
}

TEST_F(TimetableTest, TeacherRepeatsHerOwnLessonsIntoFreeSlots) {
  // The deputy has put Russian into math's slot on 12 October and a
  // whole-class lesson into English's on 19 October.
  ok("deputy", schedule("l-r1", "rus", "t-rus", "2026-10-12", 2));
  ok("deputy", schedule("l-r2", "rus", "t-rus", "2026-10-19", 3));
  EXPECT_EQ(repeated("t-math", repeat("c5a", "2026-10-05", "2026-10-25", "m")),
            (std::vector<Scheduled>{{"m-1", "2026-10-19", 2, "math", "", "t-math"}}));
  EXPECT_EQ(repeated("t-eng", repeat("c5a", "2026-10-05", "2026-10-25", "e")),
            (std::vector<Scheduled>{{"e-1", "2026-10-12", 3, "eng", "g1", "t-eng"}}));
}

TEST_F(TimetableTest, GroupsShareASlotAndTheWholeClassDoesNot) {
  ok("secretary", R"({"defineSubgroup": {"classId": "c5a", "subgroupId": "g2",
      "name": "Английский, группа 2", "studentIds": ["s3", "s4"]}})");
  ok("deputy", R"({"assignTeaching": {"assignmentId": "a-eng-5a-2", "classId": "c5a",
      "subgroupId": "g2", "subjectId": "eng", "teacherId": "t-free", "start": "2026-09-01", "end": ""}})");
  // Group 2 has English on 12 October in group 1's slot: group 1 still gets it.
  ok("deputy", schedule("l-g2", "eng", "t-free", "2026-10-12", 3, "g2"));
  EXPECT_EQ(repeated("t-eng", repeat("c5a", "2026-10-05", "2026-10-18", "e")),
            (std::vector<Scheduled>{{"e-1", "2026-10-12", 3, "eng", "g1", "t-eng"}}));
}

TEST_F(TimetableTest, OnlyWhatStandsInTheWeekWithinAssignmentsAndOpenPeriods) {
  // Math moves to Wednesday lesson 4; English is cancelled; t-math's
  // assignment ends on 20 October; the second quarter is closed. Russian on
  // Tuesdays meets the holidays from 27 October, then the closed quarter.
  ok("deputy", R"({"moveLesson": {"lessonId": "l-math", "date": "2026-10-07", "number": 4,
      "reason": "Замена по болезни"}})");
  ok("deputy", R"({"cancelLesson": {"lessonId": "l-eng", "reason": "Учитель на курсах"}})");
  ok("deputy",
     R"({"endTeaching": {"assignmentId": "a-math-5a", "classId": "c5a", "end": "2026-10-20"}})");
  ok("deputy", schedule("l-rus", "rus", "t-rus", "2026-10-06", 1));
  ok("director", R"({"closePeriod": {"schoolId": "sch1", "periodId": "q2"}})");
  EXPECT_EQ(repeated("admin", repeat("c5a", "2026-10-05", "2026-11-20")),
            (std::vector<Scheduled>{{"rw-1", "2026-10-13", 1, "rus", "", "t-rus"},
                                    {"rw-2", "2026-10-14", 4, "math", "", "t-math"},
                                    {"rw-3", "2026-10-20", 1, "rus", "", "t-rus"}}));
}

TEST_F(TimetableTest, Refusals) {
  ok("deputy", schedule("dup-1", "math", "t-math", "2026-10-06", 5));
  check({
      rejects("a parent", E::kNotAuthorized, "p1", repeat("c5a", "2026-10-05", "2026-10-25")),
      rejects("the director", E::kNotAuthorized, "director",
              repeat("c5a", "2026-10-05", "2026-10-25")),
      rejects("a teacher with nothing in the class", E::kNotAuthorized, "t-free",
              repeat("c5a", "2026-10-05", "2026-10-25")),
      rejects("a teacher with no lesson that week", E::kInvalidValue, "t-rus",
              repeat("c5a", "2026-10-05", "2026-10-25")),
      rejects("an empty week", E::kInvalidValue, "deputy",
              repeat("c5a", "2026-09-14", "2026-10-25")),
      rejects("no class", E::kNotFound, "deputy", repeat("c9z", "2026-10-05", "2026-10-25")),
      rejects("until inside the week", E::kInvalidValue, "deputy",
              repeat("c5a", "2026-10-05", "2026-10-11")),
      rejects("until past the year", E::kInvalidValue, "deputy",
              repeat("c5a", "2026-10-05", "2027-06-30")),
      rejects("a week outside the year", E::kInvalidValue, "deputy",
              repeat("c5a", "2026-08-10", "2026-10-25")),
      rejects("no date", E::kInvalidCommand, "deputy", repeat("c5a", "", "2026-10-25")),
      rejects("not a date", E::kInvalidValue, "deputy", repeat("c5a", "2026-02-30", "2026-10-25")),
      rejects("no prefix", E::kInvalidCommand, "deputy",
              repeat("c5a", "2026-10-05", "2026-10-25", "")),
      rejects("a prefix too long", E::kInvalidCommand, "deputy",
              repeat("c5a", "2026-10-05", "2026-10-25", std::string(60, 'x'))),
      rejects("an id taken", E::kAlreadyExists, "deputy",
              repeat("c5a", "2026-10-05", "2026-10-25", "dup")),
  });
}

TEST_F(TimetableTest, CancelLessonsClearsAnOldTimetableAndKeepsWhatTookPlace) {
  repeated("deputy", repeat("c5a", "2026-10-05", "2026-10-25"));  // rw-1..rw-4: 12 and 19 October
  // On 12 October math is held and English has its attendance: they took place.
  at("2026-10-12 12:00");
  ok("t-math", R"({"holdLesson": {"lessonId": "rw-1", "topic": "Дроби"}})");
  ok("t-eng", R"({"recordAttendance": {"lessonId": "rw-2", "studentId": "s1", "code": "absent"}})");
  EXPECT_EQ(cancelled("deputy", cancel("2026-10-06", "2026-10-25")),
            (std::vector<std::string>{"rw-3", "rw-4"}));
  // The freed week takes the timetable again; then its teacher cancels her own.
  EXPECT_EQ(repeated("deputy", repeat("c5a", "2026-10-05", "2026-10-25", "rw2")),
            (std::vector<Scheduled>{{"rw2-1", "2026-10-19", 2, "math", "", "t-math"},
                                    {"rw2-2", "2026-10-19", 3, "eng", "g1", "t-eng"}}));
  EXPECT_EQ(cancelled("t-math", cancel("2026-10-13", "2026-10-31", "Курсы повышения квалификации"),
                      "Курсы повышения квалификации"),
            (std::vector<std::string>{"rw2-1"}));
  // Nothing is left to cancel in a closed period either.
  ok("director", R"({"closePeriod": {"schoolId": "sch1", "periodId": "q1"}})");
  check({
      rejects("the secretary", E::kNotAuthorized, "secretary", cancel("2026-10-01", "2026-10-31")),
      rejects("a teacher with nothing in the class", E::kNotAuthorized, "t-free",
              cancel("2026-10-01", "2026-10-31")),
      rejects("a teacher with no lesson of hers", E::kInvalidValue, "t-rus",
              cancel("2026-10-01", "2026-10-31")),
      rejects("a closed period", E::kInvalidValue, "deputy", cancel("2026-10-01", "2026-10-26")),
      rejects("no reason", E::kReasonRequired, "deputy", cancel("2026-10-01", "2026-10-31", " ")),
      rejects("until before from", E::kInvalidValue, "deputy", cancel("2026-10-31", "2026-10-01")),
      rejects("no date", E::kInvalidCommand, "deputy", cancel("", "2026-10-31")),
  });
}

}  // namespace
}  // namespace zhurnal::commands::testing
