// The demo school generator over a real log: every command is accepted, the
// school looks like a school (counts, roles, timetable, marks), first grade
// takes no marks, late entries are recorded late, and the same seed writes
// the same events.
#include "zhurnal/demo/generator.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "schema/journal.capnp.h"
#include "schema/message_reader.hpp"
#include "support/temp_dir.hpp"

namespace zhurnal::demo {
namespace {

// A fresh log and journal whose clock the generator drives.
class DemoLog {
 public:
  DemoLog() {
    events::LogOptions lo;
    lo.path = dir_.str();
    lo.durability = events::Durability::kBuffered;
    lo.clock_us = [this] { return now_.load(); };
    auto log = events::open_event_log(lo);
    EXPECT_TRUE(log) << log.error().to_string();
    log_ = std::move(*log);
    commands::JournalOptions jo;
    jo.log = log_.get();
    jo.clock_us = [this] { return now_.load(); };
    auto journal = commands::Journal::open(jo);
    EXPECT_TRUE(journal) << journal.error().to_string();
    journal_ = std::move(*journal);
  }

  events::Result<DemoSummary> generate(const DemoOptions& o) {
    return generate_demo(
        *journal_, [this](int64_t t) { now_ = t; }, o);
  }

  std::vector<events::RecordedEvent> read_all() {
    std::vector<events::RecordedEvent> all;
    for (uint64_t from = 1;;) {
      auto chunk = log_->read_all(from, 10000);
      EXPECT_TRUE(chunk) << chunk.error().to_string();
      if (!chunk || chunk->empty()) return all;
      from = chunk->back().position + 1;
      for (auto& e : *chunk) all.push_back(std::move(e));
    }
  }

  zhurnal::testing::TempDir dir_;
  std::atomic<int64_t> now_{0};
  std::unique_ptr<events::EventLog> log_;
  std::unique_ptr<commands::Journal> journal_;
};

DemoOptions small() {
  DemoOptions o;
  o.weeks = 2;
  return o;
}

template <typename Fn>
void with_payload(const events::RecordedEvent& e, Fn&& fn) {
  schema::BoundedMessageReader reader(e.payload);
  fn(reader.root<schema::JournalEvent>());
}

std::string str(capnp::Text::Reader t) { return {t.cStr(), t.size()}; }

// Days since 1970-01-01 of "YYYY-MM-DD" (H. Hinnant's days_from_civil).
int64_t days_of(const std::string& d) {
  int y = std::stoi(d.substr(0, 4));
  const unsigned m = static_cast<unsigned>(std::stoi(d.substr(5, 2)));
  const unsigned day = static_cast<unsigned>(std::stoi(d.substr(8, 2)));
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return int64_t{era} * 146097 + static_cast<int64_t>(doe) - 719468;
}

// 17:00 in Asia/Yekaterinburg (UTC+5 all year since 2014) on a school date.
int64_t deadline_us(const std::string& date) {
  return (days_of(date) * 86400 + 12 * 3600) * int64_t{1'000'000};
}

struct LessonInfo {
  std::string class_id, subgroup_id, teacher_id, date;
  int number = 0;
};

// One run of the small school, shared by the tests that only read it.
class DemoGeneratorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    run_ = new DemoLog();
    auto r = run_->generate(small());
    ASSERT_TRUE(r) << r.error().to_string();
    summary_ = new DemoSummary(*r);
    events_ = new std::vector<events::RecordedEvent>(run_->read_all());
    grades_ = new std::map<std::string, int>();
    lessons_ = new std::map<std::string, LessonInfo>();
    for (const auto& e : *events_) {
      with_payload(e, [](schema::JournalEvent::Reader ev) {
        if (ev.isClassOpened()) {
          (*grades_)[str(ev.getClassOpened().getClassId())] = ev.getClassOpened().getGrade();
        }
        if (ev.isLessonScheduled()) {
          auto l = ev.getLessonScheduled();
          (*lessons_)[str(l.getLessonId())] =
              LessonInfo{str(l.getClassId()), str(l.getSubgroupId()), str(l.getTeacherId()),
                         str(l.getDate()), l.getNumber()};
        }
      });
    }
  }
  static void TearDownTestSuite() {
    delete lessons_;
    delete grades_;
    delete events_;
    delete summary_;
    delete run_;
  }

  static DemoLog* run_;
  static DemoSummary* summary_;
  static std::vector<events::RecordedEvent>* events_;
  static std::map<std::string, int>* grades_;          // class id -> grade
  static std::map<std::string, LessonInfo>* lessons_;  // lesson id -> where and who
};

DemoLog* DemoGeneratorTest::run_ = nullptr;
DemoSummary* DemoGeneratorTest::summary_ = nullptr;
std::vector<events::RecordedEvent>* DemoGeneratorTest::events_ = nullptr;
std::map<std::string, int>* DemoGeneratorTest::grades_ = nullptr;
std::map<std::string, LessonInfo>* DemoGeneratorTest::lessons_ = nullptr;

TEST_F(DemoGeneratorTest, SmallRunIsAcceptedWithPlausibleCounts) {
  const DemoSummary& s = *summary_;
  EXPECT_EQ(s.school_ids, std::vector<std::string>{"sch1"});
  EXPECT_EQ(s.classes, 33u);
  EXPECT_GE(s.students, 720u);
  EXPECT_LE(s.students, 880u);
  EXPECT_GE(s.teachers, 50u);
  EXPECT_LE(s.teachers, 70u);
  EXPECT_GT(s.parents, s.students) << "one or two parents per family";
  EXPECT_LT(s.parents, 2 * s.students);
  // Two weeks of a 33-class school: about 960 lessons a week.
  EXPECT_GT(s.lessons, 1500u);
  EXPECT_EQ(s.topics + s.lessons_cancelled, s.lessons) << "every lesson not cancelled is held";
  EXPECT_GT(s.marks, 5 * s.lessons / 2);
  EXPECT_GT(s.absences, 500u);
  EXPECT_GT(s.homework, s.lessons / 2);
  EXPECT_GT(s.late_entries, 0u);
  EXPECT_GT(s.corrections, 0u);
  EXPECT_EQ(s.events, events_->size());
  EXPECT_EQ(s.events, run_->log_->head_position());
  std::set<std::string> roles;
  for (const SignInHint& h : s.sign_in) {
    roles.insert(h.role);
    EXPECT_FALSE(h.user_id.empty());
    EXPECT_FALSE(h.login.empty());
    EXPECT_FALSE(h.full_name.empty());
  }
  for (const char* role : {"director", "deputyDirector", "administrator", "secretary", "teacher",
                           "parent", "auditor"}) {
    EXPECT_TRUE(roles.count(role)) << role;
  }
}

TEST_F(DemoGeneratorTest, FirstGradeLessonsTakeNoMarks) {
  std::map<int, int> marks_by_grade;
  for (const auto& e : *events_) {
    if (e.type != "MarkPosted") continue;
    with_payload(e, [&](schema::JournalEvent::Reader ev) {
      const LessonInfo& l = lessons_->at(str(ev.getMarkPosted().getLessonId()));
      ++marks_by_grade[grades_->at(l.class_id)];
    });
  }
  EXPECT_EQ(marks_by_grade.count(1), 0u) << marks_by_grade[1] << " marks in first grade";
  for (int grade = 2; grade <= 11; ++grade) EXPECT_GT(marks_by_grade[grade], 0) << grade;
  // First grade still keeps attendance and topics.
  int first_grade_topics = 0;
  for (const auto& e : *events_) {
    if (e.type != "LessonHeld") continue;
    with_payload(e, [&](schema::JournalEvent::Reader ev) {
      first_grade_topics +=
          grades_->at(lessons_->at(str(ev.getLessonHeld().getLessonId())).class_id) == 1;
    });
  }
  EXPECT_GT(first_grade_topics, 100);
}

TEST_F(DemoGeneratorTest, LateEntriesAreRecordedLateAfterTheDeadline) {
  int late = 0, on_time = 0;
  std::set<std::string> lessons_with_late_entries;
  for (const auto& e : *events_) {
    std::string lesson;
    bool is_late = false;
    uint32_t delay = 0;
    with_payload(e, [&](schema::JournalEvent::Reader ev) {
      schema::Timeliness::Reader t;
      if (ev.isMarkPosted()) {
        lesson = str(ev.getMarkPosted().getLessonId());
        t = ev.getMarkPosted().getTimeliness();
      } else if (ev.isAttendanceRecorded()) {
        lesson = str(ev.getAttendanceRecorded().getLessonId());
        t = ev.getAttendanceRecorded().getTimeliness();
      } else if (ev.isHomeworkAssigned()) {
        lesson = str(ev.getHomeworkAssigned().getLessonId());
        t = ev.getHomeworkAssigned().getTimeliness();
      } else {
        return;
      }
      is_late = t.getLate();
      delay = t.getDelaySeconds();
    });
    if (lesson.empty()) continue;
    const int64_t deadline = deadline_us(lessons_->at(lesson).date);
    if (is_late) {
      ++late;
      lessons_with_late_entries.insert(lesson);
      EXPECT_EQ((e.recorded_at_us - deadline) / 1'000'000, int64_t{delay}) << e.position;
    } else {
      ++on_time;
      EXPECT_LE(e.recorded_at_us, deadline) << e.position;
    }
  }
  EXPECT_GT(late, 0);
  const double lesson_share =
      static_cast<double>(lessons_with_late_entries.size()) / static_cast<double>(summary_->topics);
  EXPECT_GT(lesson_share, 0.01);
  EXPECT_LT(lesson_share, 0.15) << "late_share is 0.05 of lessons";
  EXPECT_GT(on_time, 10 * late);
}

TEST_F(DemoGeneratorTest, MarksLeanTowardFoursAndFives) {
  std::map<int, int> count;
  int exempt = 0;
  for (const auto& e : *events_) {
    if (e.type != "MarkPosted") continue;
    with_payload(e, [&](schema::JournalEvent::Reader ev) {
      auto v = ev.getMarkPosted().getValue();
      if (v.isNumeric())
        ++count[v.getNumeric()];
      else
        exempt += v.getNonNumeric() == schema::NonNumericMark::EXEMPT;
      EXPECT_GE(ev.getMarkPosted().getWeight(), 1);
      EXPECT_LE(ev.getMarkPosted().getWeight(), 3);
    });
  }
  const int total = count[2] + count[3] + count[4] + count[5];
  EXPECT_EQ(count[1], 0);
  EXPECT_GT(count[4] + count[5], 5 * count[2]);
  EXPECT_GT(count[4], count[3]);
  EXPECT_GT(count[2], 0) << "a few weak students";
  EXPECT_LT(count[2], total / 10);
  EXPECT_GE(exempt, 0);
}

TEST_F(DemoGeneratorTest, EveryEntryIsMadeByWhoseJobItIs) {
  std::map<std::string, std::string> class_teacher;  // class -> teacher
  std::map<std::string, std::string> class_of;       // student -> class
  struct Link {
    std::string parent, cls, actor;
  };
  std::vector<Link> links;
  std::map<std::string, std::set<std::string>> family_classes;  // parent -> children's classes
  for (const auto& e : *events_) {
    with_payload(e, [&](schema::JournalEvent::Reader ev) {
      switch (ev.which()) {
        case schema::JournalEvent::SCHOOL_REGISTERED:
          EXPECT_EQ(e.actor, "system");
          break;
        case schema::JournalEvent::STUDENT_ENROLLED:
          EXPECT_EQ(e.actor, "sch1-secretary");
          class_of[str(ev.getStudentEnrolled().getStudentId())] =
              str(ev.getStudentEnrolled().getClassId());
          break;
        case schema::JournalEvent::CLASS_TEACHER_ASSIGNED:
          class_teacher[str(ev.getClassTeacherAssigned().getClassId())] =
              str(ev.getClassTeacherAssigned().getTeacherId());
          break;
        case schema::JournalEvent::TEACHING_ASSIGNED:
        case schema::JournalEvent::LESSON_SCHEDULED:
        case schema::JournalEvent::LESSON_CANCELLED:
          EXPECT_EQ(e.actor, "sch1-deputy");
          break;
        case schema::JournalEvent::GUARDIAN_LINKED: {
          // Checked after the loop, once every child of the family is known.
          const std::string parent = str(ev.getGuardianLinked().getParentId());
          const std::string cls = class_of.at(str(ev.getGuardianLinked().getStudentId()));
          links.push_back({parent, cls, e.actor});
          family_classes[parent].insert(cls);
          break;
        }
        case schema::JournalEvent::MARK_POSTED:
          EXPECT_EQ(e.actor, lessons_->at(str(ev.getMarkPosted().getLessonId())).teacher_id);
          break;
        case schema::JournalEvent::LESSON_HELD:
          EXPECT_EQ(e.actor, lessons_->at(str(ev.getLessonHeld().getLessonId())).teacher_id);
          break;
        case schema::JournalEvent::ATTENDANCE_RECORDED:
          EXPECT_EQ(e.actor,
                    lessons_->at(str(ev.getAttendanceRecorded().getLessonId())).teacher_id);
          break;
        case schema::JournalEvent::HOMEWORK_ASSIGNED:
          EXPECT_EQ(e.actor, lessons_->at(str(ev.getHomeworkAssigned().getLessonId())).teacher_id);
          break;
        default:
          break;
      }
    });
  }
  // A class teacher links a family whose children are all in classes she
  // leads; the secretary links the others (docs/permissions.md).
  size_t by_secretary = 0;
  for (const Link& link : links) {
    bool one_teacher = true;
    for (const std::string& cls : family_classes.at(link.parent)) {
      one_teacher &= class_teacher.at(cls) == class_teacher.at(link.cls);
    }
    EXPECT_EQ(link.actor, one_teacher ? class_teacher.at(link.cls) : "sch1-secretary")
        << link.parent << " in " << link.cls;
    by_secretary += !one_teacher;
  }
  EXPECT_GT(by_secretary, 0u) << "the demo has no family across classes";
  EXPECT_LT(by_secretary, links.size() / 2);
}

TEST_F(DemoGeneratorTest, TimetableHasNoClashesAndNoGaps) {
  std::set<std::tuple<std::string, std::string, int>> teacher_slots, class_slots;
  std::map<std::pair<std::string, std::string>, std::set<int>> class_days;
  for (const auto& [id, l] : *lessons_) {
    EXPECT_TRUE(teacher_slots.insert({l.teacher_id, l.date, l.number}).second)
        << l.teacher_id << " twice at " << l.date << " #" << l.number;
    // A class's two subgroups share their slot; nothing else does.
    if (l.subgroup_id != "g2") {
      EXPECT_TRUE(class_slots.insert({l.class_id, l.date, l.number}).second) << id;
    }
    class_days[{l.class_id, l.date}].insert(l.number);
  }
  for (const auto& [key, numbers] : class_days) {
    EXPECT_EQ(*numbers.begin(), 1) << key.first << " " << key.second;
    EXPECT_EQ(*numbers.rbegin(), static_cast<int>(numbers.size())) << "a gap: " << key.first;
    EXPECT_LE(numbers.size(), grades_->at(key.first) == 1 ? 5u : 7u);
  }
}

TEST_F(DemoGeneratorTest, SameSeedWritesTheSameEvents) {
  DemoLog again;
  auto r = again.generate(small());
  ASSERT_TRUE(r) << r.error().to_string();
  const auto events = again.read_all();
  ASSERT_EQ(events.size(), events_->size());
  for (size_t i = 0; i < events.size(); ++i) {
    const auto& a = (*events_)[i];
    const auto& b = events[i];
    ASSERT_EQ(a.type, b.type) << i;
    ASSERT_EQ(a.stream, b.stream) << i;
    ASSERT_EQ(a.actor, b.actor) << i;
    ASSERT_EQ(a.recorded_at_us, b.recorded_at_us) << i;
    ASSERT_EQ(a.payload, b.payload) << "position " << a.position << " " << a.type;
  }
  EXPECT_EQ(r->marks, summary_->marks);
}

TEST(DemoGeneratorOtherRunsTest, AnotherSeedMakesAnotherSchool) {
  DemoLog a, b;
  DemoOptions o;
  o.weeks = 1;
  ASSERT_TRUE(a.generate(o));
  o.seed = 2;
  ASSERT_TRUE(b.generate(o));
  std::vector<std::string> names_a, names_b;
  for (const auto& e : a.read_all()) {
    if (e.type == "StudentEnrolled") names_a.push_back(e.payload);
  }
  for (const auto& e : b.read_all()) {
    if (e.type == "StudentEnrolled") names_b.push_back(e.payload);
  }
  EXPECT_NE(names_a, names_b);
}

TEST(DemoGeneratorOtherRunsTest, SeveralSchoolsShareOneRegionAndOneAuditor) {
  DemoLog log;
  DemoOptions o;
  o.weeks = 1;
  o.schools = 2;
  auto r = log.generate(o);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->school_ids, (std::vector<std::string>{"sch1", "sch2"}));
  EXPECT_EQ(r->classes, 66u);
  int schools = 0, auditors = 0;
  std::set<std::string> logins;
  for (const auto& e : log.read_all()) {
    with_payload(e, [&](schema::JournalEvent::Reader ev) {
      schools += ev.isSchoolRegistered();
      if (ev.isUserRegistered()) {
        for (auto role : ev.getUserRegistered().getRoles())
          auditors += role == schema::Role::AUDITOR;
      }
      if (ev.isCredentialsIssued()) {
        EXPECT_TRUE(logins.insert(str(ev.getCredentialsIssued().getLogin())).second);
      }
    });
  }
  EXPECT_EQ(schools, 2);
  EXPECT_EQ(auditors, 1);
}

TEST(DemoGeneratorOtherRunsTest, SchoolIdsCountOnFromTheFirst) {
  struct Case {
    std::string first;
    int schools;
    std::vector<std::string> ids;
  };
  const Case cases[] = {
      {"sch1", 1, {"sch1"}},
      {"sch1", 3, {"sch1", "sch2", "sch3"}},
      {"ekb07", 2, {"ekb07", "ekb08"}},
      {"s9", 2, {"s9", "s10"}},
      {"demo", 2, {"demo1", "demo2"}},
  };
  for (const Case& c : cases) {
    DemoOptions o;
    o.school_id = c.first;
    o.schools = c.schools;
    EXPECT_EQ(demo_school_ids(o), c.ids) << c.first;
  }
}

TEST(DemoGeneratorOtherRunsTest, BadOptionsWriteNothing) {
  DemoLog log;
  DemoOptions bad_weeks, bad_zone, bad_date;
  bad_weeks.weeks = 0;
  bad_zone.time_zone = "Europe/Atlantis";
  bad_date.start_date = "2026-13-01";
  for (const DemoOptions& o : {bad_weeks, bad_zone, bad_date}) {
    auto r = log.generate(o);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), events::StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(log.log_->head_position(), 0u);
}

TEST(DemoGeneratorOtherRunsTest, ARejectedCommandEndsTheRunNamingIt) {
  DemoLog log;
  // The school id is taken already: the generator's first command is refused.
  auto taken =
      log.journal_->execute_json({"pre-1", std::string(commands::kSystemActor), ""},
                                 R"({"registerSchool": {"schoolId": "sch1", "name": "Другая школа",
          "timeZone": "Asia/Yekaterinburg", "lessonMinutes": 40, "bellSchedule": ["08:30"]}})");
  ASSERT_TRUE(taken);
  auto r = log.generate(small());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("registerSchool"), std::string::npos) << r.error().message();
  EXPECT_NE(r.error().message().find("already_exists"), std::string::npos) << r.error().message();
  EXPECT_EQ(log.log_->head_position(), 1u);
}

}  // namespace
}  // namespace zhurnal::demo
