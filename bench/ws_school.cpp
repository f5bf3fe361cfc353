#include "ws_school.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "bench_support.hpp"
#include "schema/journal.capnp.h"
#include "schema/message_reader.hpp"
#include "ws_server.hpp"
#include "zhurnal/auth/credential_store.hpp"
#include "zhurnal/events/event_log.hpp"
#include "zhurnal/events/kv_store.hpp"

namespace zhurnal::bench {
namespace {

namespace fs = std::filesystem;

constexpr char kWeekOneEnd[] = "2026-09-07";   // lessons before this date get the marks
constexpr char kDiaryDate[] = "2026-09-09";    // the week the sockets follow

// What the load generator needs from the log, by id.
struct LogFacts {
  std::map<std::string, std::string> login;          // user -> login
  std::map<std::string, int> class_grade;            // class -> grade
  std::map<std::string, std::string> student_class;  // student -> class (enrolled, still there)
  std::set<std::string> moved;                       // students transferred or departed
  std::map<std::string, std::vector<std::string>> parents_of, children_of;
  struct Lesson {
    std::string id, class_id, teacher_id, date;
    bool whole_class = true;
  };
  std::vector<Lesson> lessons;
  std::set<std::string> cancelled_or_moved;
};

std::string str(capnp::Text::Reader t) { return std::string(t.cStr(), t.size()); }

LogFacts read_facts(events::EventLog& log) {
  LogFacts f;
  namespace s = schema;
  for (uint64_t from = 1;;) {
    auto batch = log.read_all(from, 4096);
    if (!batch) throw std::runtime_error("read the log: " + batch.error().to_string());
    if (batch->empty()) break;
    for (const events::RecordedEvent& e : *batch) {
      from = e.position + 1;
      if (e.actor == "system" && e.type == "UserSignedIn") continue;
      schema::BoundedMessageReader reader(e.payload);
      auto ev = reader.root<s::JournalEvent>();
      switch (ev.which()) {
        case s::JournalEvent::CREDENTIALS_ISSUED:
          f.login[str(ev.getCredentialsIssued().getUserId())] =
              str(ev.getCredentialsIssued().getLogin());
          break;
        case s::JournalEvent::CREDENTIALS_REVOKED:
          f.login.erase(str(ev.getCredentialsRevoked().getUserId()));
          break;
        case s::JournalEvent::CLASS_OPENED:
          f.class_grade[str(ev.getClassOpened().getClassId())] = ev.getClassOpened().getGrade();
          break;
        case s::JournalEvent::STUDENT_ENROLLED:
          f.student_class[str(ev.getStudentEnrolled().getStudentId())] =
              str(ev.getStudentEnrolled().getClassId());
          break;
        case s::JournalEvent::STUDENT_TRANSFERRED:
          f.moved.insert(str(ev.getStudentTransferred().getStudentId()));
          break;
        case s::JournalEvent::STUDENT_DEPARTED:
          f.moved.insert(str(ev.getStudentDeparted().getStudentId()));
          break;
        case s::JournalEvent::GUARDIAN_LINKED: {
          const std::string student = str(ev.getGuardianLinked().getStudentId());
          const std::string parent = str(ev.getGuardianLinked().getParentId());
          f.parents_of[student].push_back(parent);
          f.children_of[parent].push_back(student);
          break;
        }
        case s::JournalEvent::LESSON_SCHEDULED: {
          auto x = ev.getLessonScheduled();
          f.lessons.push_back({str(x.getLessonId()), str(x.getClassId()), str(x.getTeacherId()),
                               str(x.getDate()), x.getSubgroupId().size() == 0});
          break;
        }
        case s::JournalEvent::LESSON_CANCELLED:
          f.cancelled_or_moved.insert(str(ev.getLessonCancelled().getLessonId()));
          break;
        case s::JournalEvent::LESSON_MOVED:
          f.cancelled_or_moved.insert(str(ev.getLessonMoved().getLessonId()));
          break;
        default:
          break;
      }
    }
  }
  return f;
}

// Generates the demo school into options.data with `zhurnal serve --demo`
// (stopped as soon as it listens), then reads the log's facts.
LogFacts generate(const WsSchoolOptions& o, const fs::path& zhurnal, WsSchool* school,
                  std::ostream& out) {
  Stopwatch watch;
  {
    ServerProcess demo(zhurnal, o.data, o.data.parent_path() / "demo-server.log",
                       {"--demo", "--demo-weeks", std::to_string(o.weeks), "--buffered"});
    const std::string status = demo.stop();
    if (status != "exit 0") throw std::runtime_error("zhurnal serve --demo ended with " + status);
  }
  school->generate_seconds = watch.seconds();
  events::LogOptions lo;
  lo.path = (o.data / "log").string();
  lo.create_if_missing = false;
  lo.durability = events::Durability::kBuffered;
  auto log = events::open_event_log(lo);
  if (!log) throw std::runtime_error("open the demo log: " + log.error().to_string());
  school->events = (*log)->head_position();
  LogFacts facts = read_facts(**log);
  (*log)->close();
  out << "demo school: " << facts.class_grade.size() << " classes, " << facts.student_class.size()
      << " students, " << facts.children_of.size() << " parents, " << facts.login.size()
      << " logins, " << school->events << " events" << std::endl;
  return facts;
}

}  // namespace

WsSchool prepare_ws_school(const WsSchoolOptions& o, const fs::path& zhurnal, std::ostream& out) {
  if (fs::exists(o.data)) throw std::runtime_error(o.data.string() + " already exists");
  fs::create_directories(o.data);
  WsSchool school;
  school.diary_date = kDiaryDate;
  const LogFacts f = generate(o, zhurnal, &school, out);

  auto has_login = [&](const std::string& id) { return f.login.count(id) > 0; };
  // Week-one whole-class lessons of classes with marks (grade 2 and up), by
  // class; the teachers with the most of them post the marks.
  std::map<std::string, std::vector<const LogFacts::Lesson*>> by_class;
  std::map<std::string, int> lessons_of_teacher;
  for (const auto& l : f.lessons) {
    if (!l.whole_class || l.date >= kWeekOneEnd || f.cancelled_or_moved.count(l.id)) continue;
    auto g = f.class_grade.find(l.class_id);
    if (g == f.class_grade.end() || g->second < 2 || !has_login(l.teacher_id)) continue;
    by_class[l.class_id].push_back(&l);
    ++lessons_of_teacher[l.teacher_id];
  }
  std::vector<std::pair<int, std::string>> ranked;
  for (const auto& [t, n] : lessons_of_teacher) ranked.push_back({-n, t});
  std::sort(ranked.begin(), ranked.end());
  std::map<std::string, size_t> teacher_index;
  for (const auto& [n, t] : ranked) {
    if (static_cast<int>(teacher_index.size()) >= o.teachers) break;
    teacher_index[t] = school.teachers.size();
    school.teachers.push_back({t, f.login.at(t), {}});
  }

  // Hot students: in those teachers' classes, with a parent who has a login.
  std::map<std::string, size_t> parent_index;
  std::set<std::string> hot_ids;
  for (const auto& [student, cls] : f.student_class) {
    if (static_cast<int>(school.hot.size()) >= o.hot_students) break;
    if (f.moved.count(student) || !by_class.count(cls)) continue;
    WsHotStudent h;
    h.student_id = student;
    for (const LogFacts::Lesson* l : by_class.at(cls)) {
      auto t = teacher_index.find(l->teacher_id);
      if (t != teacher_index.end()) h.lessons.push_back({l->id, t->second});
    }
    auto ps = f.parents_of.find(student);
    if (h.lessons.empty() || ps == f.parents_of.end()) continue;
    auto p = std::find_if(ps->second.begin(), ps->second.end(), has_login);
    if (p == ps->second.end()) continue;
    auto [it, added] = parent_index.try_emplace(*p, school.parents.size());
    if (added) school.parents.push_back({*p, f.login.at(*p), {}});
    school.parents[it->second].children.push_back(student);
    h.parent = it->second;
    hot_ids.insert(student);
    school.hot.push_back(std::move(h));
  }
  if (static_cast<int>(school.hot.size()) < o.hot_students) {
    throw std::runtime_error("the demo school has only " + std::to_string(school.hot.size()) +
                             " students with marks, lessons and a parent with a login; asked for " +
                             std::to_string(o.hot_students) + " (--hot)");
  }
  if (!o.class_bursts) {
    // Round-robin over the classes (each class's students in id order).
    std::map<std::string, std::vector<WsHotStudent>> by_student_class;
    std::vector<std::string> classes;
    for (WsHotStudent& h : school.hot) {
      const std::string& cls = f.student_class.at(h.student_id);
      auto [it, added] = by_student_class.try_emplace(cls);
      if (added) classes.push_back(cls);
      it->second.push_back(std::move(h));
    }
    std::vector<WsHotStudent> interleaved;
    for (size_t i = 0; interleaved.size() < school.hot.size(); ++i) {
      for (const std::string& cls : classes) {
        auto& students = by_student_class.at(cls);
        if (i < students.size()) interleaved.push_back(std::move(students[i]));
      }
    }
    school.hot = std::move(interleaved);
  }
  school.hot_parents = school.parents.size();

  // Cold parents: with a login, none of their children hot.
  for (const auto& [parent, children] : f.children_of) {
    if (static_cast<int>(school.parents.size() - school.hot_parents) >= o.cold_parents) break;
    if (!has_login(parent) || parent_index.count(parent)) continue;
    const bool cold = std::none_of(children.begin(), children.end(), [&](const std::string& c) {
      return hot_ids.count(c) > 0 || f.moved.count(c) > 0;
    });
    if (!cold) continue;
    school.parents.push_back({parent, f.login.at(parent), children});
  }
  if (static_cast<int>(school.parents.size() - school.hot_parents) < o.cold_parents) {
    throw std::runtime_error("not enough parents without hot children for --cold-parents");
  }

  // Passwords, at argon2id's minimum cost (the server re-hashes on sign-in).
  auto store = events::KvStore::open({(o.data / "credentials").string(), true, true});
  if (!store) throw std::runtime_error("open the credential store: " + store.error().to_string());
  auth::CredentialStore credentials(store->get(), {auth::HashParams::fast_for_tests(), 2});
  auto set = [&](const WsPerson& p) {
    auto r = credentials.set_password(p.user_id, p.login, kWsDemoPassword);
    if (!r) {
      throw std::runtime_error("set the password of " + p.login + ": " +
                               std::string(r.error().code_name()));
    }
  };
  for (const WsPerson& p : school.teachers) set(p);
  for (const WsPerson& p : school.parents) set(p);
  return school;
}

}  // namespace zhurnal::bench
