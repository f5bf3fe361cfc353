// The compliance projection keeps a lesson's flags, its counters and counts
// decoded for the whole commit (ComplianceCommit). Whatever the commit
// boundaries, the stored rows must be those of a commit per event (where
// every change starts from the stored bytes, as the row-by-row path did):
// here on random lesson events, moves followed by more changes in the same
// commit included, and more lessons than it keeps at once.
#include <gtest/gtest.h>

#include <capnp/message.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "projections/internal/compliance_commit.hpp"
#include "projections/internal/compliance_projection.hpp"
#include "support/fold_rows.hpp"

namespace zhurnal::projections {
namespace {

using J = schema::JournalEvent;

// prefix + n (appended, not operator+: g++ 12 warns falsely on that).
std::string numbered(const char* prefix, size_t n) {
  std::string s = prefix;
  s += std::to_string(n);
  return s;
}

class ComplianceLessonRowsTest : public zhurnal::testing::FoldRowsTest {
 protected:
  std::map<std::string, std::string> fold(const std::string& prefix, size_t per_commit) {
    return fold_every<internal::ComplianceProjection>(prefix, per_commit);
  }
};

TEST_F(ComplianceLessonRowsTest, AnyCommitSizeGivesTheRowsOfACommitPerEvent) {
  add("admin", [](J::Builder j) {
    auto x = j.initSchoolRegistered();
    x.setSchoolId("s");
    x.setTimeZone("Asia/Yekaterinburg");
  });
  for (const char* c : {"c1", "c5"}) {
    add("admin", [&](J::Builder j) {
      auto x = j.initClassOpened();
      x.setClassId(c);
      x.setSchoolId("s");
      x.setGrade(c[1] - '0');
    });
  }
  // More lessons than ComplianceCommit keeps at once.
  const size_t lessons = internal::ComplianceCommit::kLessonsKept + 60;
  auto lesson_id = [](size_t i) { return numbered("lesson-", i); };
  auto teacher_of = [](size_t i) { return numbered("t", i % 3); };
  for (size_t i = 0; i < lessons; ++i) {
    add("deputy", [&](J::Builder j) {
      auto x = j.initLessonScheduled();
      x.setLessonId(lesson_id(i));
      x.setClassId(i % 2 ? "c5" : "c1");
      x.setSubjectId(i % 4 < 2 ? "math" : "rus");
      x.setTeacherId(teacher_of(i));
      x.setDate(numbered("2026-10-0", 1 + i % 9));
      x.setNumber(1 + i % 6);
    });
  }
  std::mt19937_64 rng(99);
  std::vector<std::string> marks;
  // Half the steps change a few lessons at a time, as a school day goes;
  // the others go through every lesson in turn (so that one commit changes
  // more lessons than are kept, and lessons written out are changed again),
  // and now and then any.
  const size_t steps = 2 * lessons + 2000;
  size_t sweep = 0;
  std::set<size_t> changed;
  for (size_t step = 0; step < steps; ++step) {
    const size_t i = rng() % 2   ? (step / 40 + rng() % 5) % lessons
                     : rng() % 8 ? sweep++ % lessons
                                 : rng() % lessons;
    changed.insert(i);
    const std::string lesson = lesson_id(i);
    const std::string actor = rng() % 4 ? teacher_of(i) : "deputy";
    switch (rng() % 10) {
      case 0:
      case 1:
      case 2: {
        const std::string mark = numbered("m", step);
        marks.push_back(mark);
        add(actor, [&](J::Builder j) {
          auto x = j.initMarkPosted();
          x.setMarkId(mark);
          x.setLessonId(lesson);
          x.setStudentId(numbered("st", rng() % 20));
          const bool late = rng() % 5 == 0;
          x.initTimeliness().setLate(late);
          x.getTimeliness().setDelaySeconds(late ? 60 * (1 + rng() % 500) : 0);
        });
        break;
      }
      case 3:
        add(actor, [&](J::Builder j) {
          auto x = j.initAttendanceRecorded();
          x.setLessonId(lesson);
          x.setStudentId("st1");
          x.setCode(schema::AttendanceCode::ABSENT);
        });
        break;
      case 4:
        add(actor, [&](J::Builder j) {
          auto x = j.initLessonHeld();
          x.setLessonId(lesson);
          x.setTopic("topic");
        });
        break;
      case 5:
        add(actor, [&](J::Builder j) {
          auto x = j.initHomeworkAssigned();
          x.setLessonId(lesson);
          x.setText("text");
        });
        break;
      case 6: {  // within October, or to November (another month's rows)
        const std::string date = rng() % 2 ? numbered("2026-11-1", rng() % 10)
                                            : numbered("2026-10-2", rng() % 10);
        add("deputy", [&](J::Builder j) {
          auto x = j.initLessonMoved();
          x.setLessonId(lesson);
          x.setDate(date);
          x.setNumber(1 + rng() % 6);
          x.setReason("reason");
        });
        break;
      }
      case 7:
        if (rng() % 4 == 0) {
          add("deputy", [&](J::Builder j) {
            auto x = j.initLessonCancelled();
            x.setLessonId(lesson);
            x.setReason("reason");
          });
        }
        break;
      case 8:
        if (!marks.empty()) {
          const std::string mark = marks[rng() % marks.size()];
          add(actor, [&](J::Builder j) {
            auto x = j.initMarkCancelled();
            x.setMarkId(mark);
            x.setLessonId(mark == marks.back() ? lesson : lesson_id(rng() % lessons));
            x.setStudentId("st1");
            x.setReason("reason");
          });
        }
        break;
      default:
        add(actor, [&](J::Builder j) {
          auto x = j.initLessonTopicChanged();
          x.setLessonId(lesson);
          x.setTopic("another");
        });
        break;
    }
  }

  ASSERT_GT(changed.size(), internal::ComplianceCommit::kLessonsKept);
  const auto per_event = fold("a/", 1);
  ASSERT_GT(per_event.size(), 1000u);
  size_t lesson_rows = 0;
  for (const auto& [key, value] : per_event) lesson_rows += key.rfind("LF/", 0) == 0;
  EXPECT_EQ(lesson_rows, lessons);
  EXPECT_EQ(fold("b/", events_.size() + 1), per_event) << "one commit";
  EXPECT_EQ(fold("c/", 97), per_event) << "a commit every 97 events";
}

}  // namespace
}  // namespace zhurnal::projections
