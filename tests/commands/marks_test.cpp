// The regulation's rules for marks, attendance, homework and lessons.
#include <thread>
#include <vector>

#include "journal_fixture.hpp"

namespace zhurnal::commands::testing {
namespace {

std::string post(const std::string& mark, const std::string& lesson, const std::string& student,
                 const std::string& value = R"({"numeric": 5})",
                 const std::string& work_type = "oral") {
  return R"({"postMark": {"markId": ")" + mark + R"(", "lessonId": ")" + lesson +
         R"(", "studentId": ")" + student + R"(", "value": )" + value +
         R"(, "workTypeId": ")" + work_type + R"(", "comment": ""}})";
}

using MarksTest = JournalFixture;

TEST_F(MarksTest, TeacherPostsMarkDuringHerLesson) {
  at("2026-10-05 09:30");
  ok("t-math", post("m1", "l-math", "s1", R"({"numeric": 4})", "test"));
  auto e = last_event();
  EXPECT_EQ(e.type, "MarkPosted");
  EXPECT_EQ(e.stream, "lesson-l-math");
  EXPECT_EQ(e.actor, "t-math");
  with_payload(e, [](schema::JournalEvent::Reader ev) {
    ASSERT_TRUE(ev.isMarkPosted());
    auto m = ev.getMarkPosted();
    EXPECT_EQ(m.getValue().getNumeric(), 4);
    EXPECT_EQ(m.getWeight(), 3) << "weight comes from the work-type reference book";
    EXPECT_FALSE(m.getTimeliness().getLate());
  });
}

// The deadline is 17:00 school-local (UTC+5) on the lesson's day.
struct LateCase {
  const char* when;
  bool late;
  uint32_t delay_seconds;
};

TEST_F(MarksTest, EntriesAfterFivePmAreAcceptedAndRecordedLate) {
  const LateCase cases[] = {
      {"2026-10-05 16:59", false, 0},
      {"2026-10-05 17:00", false, 0},
      {"2026-10-05 18:00", true, 3600},
      {"2026-10-06 10:00", true, 17 * 3600},
  };
  int n = 0;
  for (const LateCase& c : cases) {
    SCOPED_TRACE(c.when);
    at(c.when);
    ok("t-math", post("late-" + std::to_string(n++), "l-math", "s2"));
    with_payload(last_event(), [&](schema::JournalEvent::Reader ev) {
      EXPECT_EQ(ev.getMarkPosted().getTimeliness().getLate(), c.late);
      EXPECT_EQ(ev.getMarkPosted().getTimeliness().getDelaySeconds(), c.delay_seconds);
    });
  }
}

TEST_F(MarksTest, RejectionsWriteNothing) {
  at("2026-10-05 10:30");  // all three lessons of the day have begun
  ok("t-math", post("taken", "l-math", "s1"));
  struct Case {
    const char* name;
    ErrorCode code;
    std::string actor;
    std::string json;
  };
  const Case cases[] = {
      {"another teacher's lesson", ErrorCode::kNotYourLesson, "t-rus", post("x1", "l-math", "s1")},
      {"administrator does not post", ErrorCode::kNotYourLesson, "admin",
       post("x2", "l-math", "s1")},
      {"auditor only reads", ErrorCode::kNotYourLesson, "auditor", post("x3", "l-math", "s1")},
      {"parent", ErrorCode::kNotYourLesson, "p1", post("x4", "l-math", "s1")},
      {"first grade takes no marks", ErrorCode::kFirstGradeNoMarks, "t-rus",
       post("x5", "l-rus1", "f1")},
      {"first grade, non-numeric too", ErrorCode::kFirstGradeNoMarks, "t-rus",
       post("x6", "l-rus1", "f1", R"({"nonNumeric": "pass"})")},
      {"student of another class", ErrorCode::kStudentNotEnrolled, "t-math",
       post("x7", "l-math", "b1")},
      {"student outside the subgroup", ErrorCode::kStudentNotEnrolled, "t-eng",
       post("x8", "l-eng", "s3")},
      {"unknown student", ErrorCode::kNotFound, "t-math", post("x9", "l-math", "nobody")},
      {"mark 6", ErrorCode::kInvalidValue, "t-math", post("x10", "l-math", "s1", R"({"numeric": 6})")},
      {"mark 0", ErrorCode::kInvalidValue, "t-math", post("x11", "l-math", "s1", R"({"numeric": 0})")},
      {"unknown work type", ErrorCode::kNotFound, "t-math",
       post("x12", "l-math", "s1", R"({"numeric": 5})", "essay")},
      {"mark id taken", ErrorCode::kAlreadyExists, "t-math", post("taken", "l-math", "s2")},
      {"unknown lesson", ErrorCode::kNotFound, "t-math", post("x13", "nolesson", "s1")},
      {"unknown user", ErrorCode::kNotAuthorized, "intruder", post("x14", "l-math", "s1")},
      {"malformed JSON", ErrorCode::kInvalidCommand, "t-math", R"({"postMark": {)"},
      {"unknown field", ErrorCode::kInvalidCommand, "t-math",
       R"({"postMark": {"markId": "x15", "bogus": 1}})"},
      {"wrong type", ErrorCode::kInvalidCommand, "t-math",
       R"({"postMark": {"markId": ["x16"]}})"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    rejected(c.code, c.actor, c.json);
  }
}

TEST_F(MarksTest, NotBeforeTheLessonStarts) {
  at("2026-10-05 09:19");  // lesson 2 rings at 09:20
  rejected(ErrorCode::kLessonNotStarted, "t-math", post("m1", "l-math", "s1"));
  at("2026-10-05 09:20");
  ok("t-math", post("m1", "l-math", "s1"));
}

TEST_F(MarksTest, NonNumericMarksAreAccepted) {
  at("2026-10-05 09:30");
  for (const char* v : {"pass", "fail", "notAssessed", "exempt"}) {
    ok("t-math", post(std::string("nn-") + v, "l-math", "s3",
                      std::string(R"({"nonNumeric": ")") + v + "\"}"));
  }
}

TEST_F(MarksTest, CorrectionKeepsTheOriginalAndNeedsAReason) {
  at("2026-10-05 09:30");
  ok("t-math", post("m1", "l-math", "s1", R"({"numeric": 3})"));
  const std::string no_reason =
      R"({"correctMark": {"markId": "m1", "value": {"numeric": 4}, "reason": "  "}})";
  rejected(ErrorCode::kReasonRequired, "t-math", no_reason);
  rejected(ErrorCode::kInvalidValue, "t-math",
           R"({"correctMark": {"markId": "m1", "value": {"numeric": 3}, "reason": "ошибка"}})");
  rejected(ErrorCode::kNotOwnEntry, "t-rus",
           R"({"correctMark": {"markId": "m1", "value": {"numeric": 4}, "reason": "ошибка"}})");
  ok("t-math",
     R"({"correctMark": {"markId": "m1", "value": {"numeric": 4}, "reason": "Ошибка ввода"}})");
  with_payload(last_event(), [](schema::JournalEvent::Reader ev) {
    ASSERT_TRUE(ev.isMarkCorrected());
    EXPECT_EQ(ev.getMarkCorrected().getPrevious().getNumeric(), 3);
    EXPECT_EQ(ev.getMarkCorrected().getValue().getNumeric(), 4);
    EXPECT_EQ(std::string(ev.getMarkCorrected().getReason().cStr()), "Ошибка ввода");
  });
  // The administrator may correct another teacher's mark.
  ok("admin",
     R"({"correctMark": {"markId": "m1", "value": {"numeric": 5}, "reason": "Апелляция"}})");
  with_payload(last_event(), [](schema::JournalEvent::Reader ev) {
    EXPECT_EQ(ev.getMarkCorrected().getPrevious().getNumeric(), 4);
  });
  // The original is still in the log.
  auto history = log_->read_stream("lesson-l-math", 1, events::Direction::kForward, 100);
  ASSERT_TRUE(history);
  int posted = 0, corrected = 0;
  for (const auto& e : *history) {
    posted += e.type == "MarkPosted";
    corrected += e.type == "MarkCorrected";
  }
  EXPECT_EQ(posted, 1);
  EXPECT_EQ(corrected, 2);
}

TEST_F(MarksTest, CancellationNeedsAReasonAndHappensOnce) {
  at("2026-10-05 09:30");
  ok("t-math", post("m1", "l-math", "s1"));
  rejected(ErrorCode::kReasonRequired, "t-math", R"({"cancelMark": {"markId": "m1", "reason": ""}})");
  ok("t-math", R"({"cancelMark": {"markId": "m1", "reason": "Выставлена не тому ученику"}})");
  rejected(ErrorCode::kAlreadyCancelled, "t-math",
           R"({"cancelMark": {"markId": "m1", "reason": "ещё раз"}})");
  rejected(ErrorCode::kAlreadyCancelled, "t-math",
           R"({"correctMark": {"markId": "m1", "value": {"numeric": 2}, "reason": "x"}})");
}

TEST_F(MarksTest, ClosedPeriodRefusesEntriesUntilTheAdministratorReopens) {
  at("2026-10-05 09:30");
  ok("t-math", post("m1", "l-math", "s1"));
  at("2026-10-27 10:00");
  ok("deputy", R"({"closePeriod": {"schoolId": "sch1", "periodId": "q1"}})");
  rejected(ErrorCode::kPeriodClosed, "t-math", post("m2", "l-math", "s2"));
  rejected(ErrorCode::kPeriodClosed, "t-math",
           R"({"correctMark": {"markId": "m1", "value": {"numeric": 4}, "reason": "x"}})");
  rejected(ErrorCode::kPeriodClosed, "t-math",
           R"({"recordAttendance": {"lessonId": "l-math", "studentId": "s2", "code": "absent"}})");
  rejected(ErrorCode::kNotAuthorized, "deputy",
           R"({"reopenPeriod": {"schoolId": "sch1", "periodId": "q1", "reason": "Проверка"}})");
  rejected(ErrorCode::kReasonRequired, "admin",
           R"({"reopenPeriod": {"schoolId": "sch1", "periodId": "q1", "reason": ""}})");
  ok("admin", R"({"reopenPeriod": {"schoolId": "sch1", "periodId": "q1",
      "reason": "Исправление по служебной записке"}})");
  ok("t-math", post("m2", "l-math", "s2"));
}

TEST_F(MarksTest, AttendanceWithCodesAndCorrections) {
  at("2026-10-05 09:30");
  ok("t-math", R"({"recordAttendance": {"lessonId": "l-math", "studentId": "s2", "code": "absent"}})");
  rejected(ErrorCode::kAlreadyExists, "t-math",
           R"({"recordAttendance": {"lessonId": "l-math", "studentId": "s2", "code": "ill"}})");
  rejected(ErrorCode::kInvalidValue, "t-math",
           R"({"recordAttendance": {"lessonId": "l-math", "studentId": "s3", "code": "present"}})");
  rejected(ErrorCode::kReasonRequired, "t-math",
           R"({"correctAttendance": {"lessonId": "l-math", "studentId": "s2", "code": "ill", "reason": ""}})");
  // The class teacher (t-rus) excuses the absence on a doctor's note.
  ok("t-rus", R"({"correctAttendance": {"lessonId": "l-math", "studentId": "s2", "code": "ill",
      "reason": "Справка из поликлиники"}})");
  with_payload(last_event(), [](schema::JournalEvent::Reader ev) {
    EXPECT_EQ(ev.getAttendanceCorrected().getPrevious(), schema::AttendanceCode::ABSENT);
    EXPECT_EQ(ev.getAttendanceCorrected().getCode(), schema::AttendanceCode::ILL);
  });
  rejected(ErrorCode::kNotYourLesson, "t-eng",
           R"({"correctAttendance": {"lessonId": "l-math", "studentId": "s2", "code": "excused", "reason": "x"}})");
}

TEST_F(MarksTest, FirstGradeKeepsAttendanceHomeworkAndComments) {
  at("2026-10-05 08:40");
  ok("t-rus", R"({"recordAttendance": {"lessonId": "l-rus1", "studentId": "f1", "code": "late"}})");
  ok("t-rus", R"({"assignHomework": {"lessonId": "l-rus1", "text": "Прописи, с. 12",
      "dueDate": "2026-10-06"}})");
  ok("t-rus", R"({"holdLesson": {"lessonId": "l-rus1", "topic": "Буква Щ"}})");
  rejected(ErrorCode::kFirstGradeNoMarks, "t-rus",
           R"({"postMarks": {"lessonId": "l-rus1", "workTypeId": "oral", "marks": [
               {"markId": "f-1", "studentId": "f1", "value": {"numeric": 5}, "comment": ""}]}})");
}

TEST_F(MarksTest, WholeClassMarksAreOneAtomicCommand) {
  at("2026-10-05 09:40");
  const uint64_t head = log_->head_position();
  // One entry is for a student of another class: nothing is written.
  rejected(ErrorCode::kStudentNotEnrolled, "t-math",
           R"({"postMarks": {"lessonId": "l-math", "workTypeId": "test", "marks": [
               {"markId": "k1", "studentId": "s1", "value": {"numeric": 5}, "comment": ""},
               {"markId": "k2", "studentId": "b1", "value": {"numeric": 4}, "comment": ""}]}})");
  ok("t-math", R"({"postMarks": {"lessonId": "l-math", "workTypeId": "test", "marks": [
               {"markId": "k1", "studentId": "s1", "value": {"numeric": 5}, "comment": ""},
               {"markId": "k2", "studentId": "s2", "value": {"numeric": 4}, "comment": ""},
               {"markId": "k3", "studentId": "s3", "value": {"numeric": 3}, "comment": "Без решения задачи 4"}]}})");
  EXPECT_EQ(log_->head_position(), head + 3);
  rejected(ErrorCode::kAlreadyExists, "t-math",
           R"({"postMarks": {"lessonId": "l-math", "workTypeId": "test", "marks": [
               {"markId": "k9", "studentId": "s4", "value": {"numeric": 5}, "comment": ""},
               {"markId": "k9", "studentId": "s4", "value": {"numeric": 5}, "comment": ""}]}})");
}

// A teacher typing marks quickly (the register sends each as its own
// command, several in flight) and a colleague marking the same lesson's
// attendance: commands racing for one lesson's stream all land, none is
// refused as a conflict.
TEST_F(MarksTest, ConcurrentEntriesIntoOneLessonAllLand) {
  at("2026-10-05 09:40");
  const uint64_t head = log_->head_position();
  constexpr int kThreads = 8;
  constexpr int kEach = 12;
  std::vector<std::string> failures[kThreads];
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const std::string id = "race-" + std::to_string(t) + "-" + std::to_string(i);
        const std::string student = "s" + std::to_string(1 + (t + i) % 4);
        auto r = run_with_id(id, "t-math", post("m-" + id, "l-math", student));
        if (!r) failures[t].push_back(id + ": " + r.error().message);
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_TRUE(failures[t].empty()) << failures[t].front();
  EXPECT_EQ(log_->head_position(), head + kThreads * kEach);
}

TEST_F(MarksTest, RetriedCommandIsWrittenOnce) {
  at("2026-10-05 09:30");
  const std::string json = post("m1", "l-math", "s1");
  auto first = run_with_id("browser-7f3a", "t-math", json);
  ASSERT_TRUE(first);
  EXPECT_FALSE(first->duplicate);
  const uint64_t head = log_->head_position();
  at("2026-10-05 09:31");
  auto retry = run_with_id("browser-7f3a", "t-math", json);
  ASSERT_TRUE(retry) << retry.error().message;
  EXPECT_TRUE(retry->duplicate);
  EXPECT_EQ(retry->first_position, first->first_position);
  EXPECT_EQ(log_->head_position(), head);
}

TEST_F(MarksTest, ACommandIdReusedForAnotherCommandIsRefused) {
  at("2026-10-05 09:30");
  ASSERT_TRUE(run_with_id("browser-1", "t-math", post("m1", "l-math", "s1")));
  const uint64_t head = log_->head_position();
  auto other = run_with_id("browser-1", "t-math", post("m2", "l-math", "s2"));
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, ErrorCode::kDuplicateCommandId);
  auto other_actor = run_with_id("browser-1", "t-rus", post("m1", "l-math", "s1"));
  ASSERT_FALSE(other_actor);
  EXPECT_EQ(other_actor.error().code, ErrorCode::kDuplicateCommandId);
  EXPECT_EQ(log_->head_position(), head);
}

TEST_F(MarksTest, TheSystemIdIsReserved) {
  rejected(ErrorCode::kInvalidCommand, "admin", R"({"registerUser": {"userId": "system",
      "schoolId": "sch1", "fullName": "Иванов Иван Иванович", "roles": ["teacher"]}})");
}

TEST_F(MarksTest, StudentWhoLeftTakesNoMarksAfterLeaving) {
  at("2026-10-01 12:00");
  ok("secretary", R"({"departStudent": {"studentId": "s4", "classId": "c5a", "date": "2026-10-02",
      "destination": "МАОУ СОШ № 5, г. Екатеринбург", "order": "№ 140-у от 01.10.2026"}})");
  at("2026-10-05 09:30");
  rejected(ErrorCode::kStudentNotEnrolled, "t-math", post("m1", "l-math", "s4"));
}

TEST_F(MarksTest, LessonCancellationAndMoves) {
  at("2026-10-04 12:00");
  rejected(ErrorCode::kReasonRequired, "t-math",
           R"({"moveLesson": {"lessonId": "l-math", "date": "2026-10-07", "number": 3, "reason": ""}})");
  rejected(ErrorCode::kInvalidValue, "deputy",
           R"({"moveLesson": {"lessonId": "l-math", "date": "2026-10-28", "number": 3, "reason": "x"}})");
  ok("deputy", R"({"moveLesson": {"lessonId": "l-math", "date": "2026-10-07", "number": 3,
      "reason": "Учитель на курсах повышения квалификации"}})");
  at("2026-10-05 09:30");
  rejected(ErrorCode::kLessonNotStarted, "t-math", post("m1", "l-math", "s1"));
  at("2026-10-07 10:30");
  ok("t-math", post("m1", "l-math", "s1"));
  rejected(ErrorCode::kInvalidValue, "deputy",
           R"({"cancelLesson": {"lessonId": "l-math", "reason": "Карантин"}})");
  ok("t-math", R"({"cancelMark": {"markId": "m1", "reason": "Урок отменён"}})");
  ok("deputy", R"({"cancelLesson": {"lessonId": "l-math", "reason": "Карантин"}})");
  rejected(ErrorCode::kLessonCancelled, "t-math", post("m2", "l-math", "s1"));
}

TEST_F(MarksTest, TeacherSchedulesOnlyWithinHerAssignments) {
  at("2026-10-01 12:00");
  ok("t-math", R"({"scheduleLesson": {"lessonId": "l-m2", "classId": "c5a", "subgroupId": "",
      "subjectId": "math", "teacherId": "t-math", "date": "2026-10-06", "number": 1}})");
  rejected(ErrorCode::kNotAssigned, "t-math",
           R"({"scheduleLesson": {"lessonId": "l-m3", "classId": "c6b", "subgroupId": "",
               "subjectId": "math", "teacherId": "t-math", "date": "2026-10-06", "number": 1}})");
  rejected(ErrorCode::kNotAuthorized, "t-math",
           R"({"scheduleLesson": {"lessonId": "l-m4", "classId": "c5a", "subgroupId": "",
               "subjectId": "rus", "teacherId": "t-rus", "date": "2026-10-06", "number": 1}})");
  rejected(ErrorCode::kInvalidValue, "deputy",
           R"({"scheduleLesson": {"lessonId": "l-m5", "classId": "c5a", "subgroupId": "",
               "subjectId": "math", "teacherId": "t-math", "date": "2026-10-06", "number": 9}})");
}

TEST_F(MarksTest, FinalMarkOffersTheWeightedAverage) {
  at("2026-10-05 09:30");
  ok("t-math", post("m1", "l-math", "s1", R"({"numeric": 5})", "oral"));   // weight 1
  ok("t-math", post("m2", "l-math", "s1", R"({"numeric": 3})", "test"));   // weight 3
  ok("t-math", post("m3", "l-math", "s1", R"({"nonNumeric": "pass"})", "oral"));  // not counted
  at("2026-10-20 12:00");
  const std::string set =
      R"({"setFinalMark": {"studentId": "s1", "classId": "c5a", "subjectId": "math",
          "kind": "period", "periodId": "q1", "value": {"numeric": 4}, "reason": ""}})";
  ok("t-math", set);
  with_payload(last_event(), [](schema::JournalEvent::Reader ev) {
    // (5*1 + 3*3) / 4 = 3.50
    EXPECT_EQ(ev.getFinalMarkSet().getSuggestedHundredths(), 350);
  });
  rejected(ErrorCode::kReasonRequired, "t-math", set);
  rejected(ErrorCode::kNotAssigned, "t-eng",
           R"({"setFinalMark": {"studentId": "s1", "classId": "c5a", "subjectId": "math",
               "kind": "period", "periodId": "q1", "value": {"numeric": 4}, "reason": "x"}})");
}

TEST_F(MarksTest, StateIsRebuiltFromTheLogAfterRestart) {
  at("2026-10-05 09:30");
  ok("t-math", post("m1", "l-math", "s1", R"({"numeric": 2})"));
  open();  // a new process: log and journal reopened, state folded from the log
  rejected(ErrorCode::kAlreadyExists, "t-math", post("m1", "l-math", "s2"));
  ok("t-math", R"({"correctMark": {"markId": "m1", "value": {"numeric": 3}, "reason": "Пересдача"}})");
}

}  // namespace
}  // namespace zhurnal::commands::testing
