// The demo school generator: fills a Journal with one or more realistic
// schools (classes 1А–11В, about 800 students, 58 teachers, a weekly
// timetable, a quarter of lessons with marks, absences, homework, topics, a
// few corrections and late entries), deterministically from a seed.
//
// It sends the same commands the school's people would send, as those
// people: the system bootstraps the school and its administrator; the
// administrator sets up the year and reference books and registers staff;
// the secretary registers teachers, opens classes and enrols students; the
// deputy assigns teaching and keeps the timetable; each teacher writes her own
// lessons; class teachers register and link parents, record their consent
// and issue logins (credentials events only: no password enters the log).
// Every command must be accepted: a rejection is a bug in the generator and
// ends the run with an error naming the command.
//
// Used by `zhurnal serve --demo` and by the benchmarks.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "zhurnal/commands/journal.hpp"
#include "zhurnal/events/status.hpp"

namespace zhurnal::demo {

struct DemoOptions {
  uint64_t seed = 1;
  // The first school's id. With schools > 1 the ids count on from its
  // trailing number ("sch1" -> sch1, sch2, ...; "ekb07" -> ekb07, ekb08), or
  // get one appended ("demo" -> demo1, demo2). At most 16 characters: every
  // other id (classes, students, lessons, marks) is built on it.
  std::string school_id = "sch1";
  int schools = 1;  // 1..1000, all in the same region (one auditor)
  // The first day of lessons generated (school-local "YYYY-MM-DD"). The
  // school is set up in the eight days before it; the academic year is the
  // one containing this date (quarters, autumn/winter/spring holidays).
  std::string start_date = "2026-09-01";
  int weeks = 8;  // calendar weeks of lessons from start_date (8: the first quarter)
  // Share of lessons whose entries are made after the 17:00 deadline (that
  // evening or the next morning): the journal records them as late.
  double late_share = 0.05;
  int class_size = 24;  // students per class on average (±2); 15..30
  std::string time_zone = "Asia/Yekaterinburg";
};

// Whom to sign in as on a demo server.
struct SignInHint {
  std::string role;  // "director", "teacher", "parent", "auditor", "administrator"
  std::string user_id;
  std::string login;
  std::string full_name;
  std::string note;  // e.g. "классный руководитель 5А, русский язык и литература"
};

struct DemoSummary {
  std::vector<std::string> school_ids;
  uint64_t classes = 0, students = 0, teachers = 0, parents = 0;
  uint64_t lessons = 0;  // scheduled (a subgroup's lesson counts on its own)
  uint64_t lessons_cancelled = 0;
  uint64_t topics = 0;    // lessons held, with their topic
  uint64_t marks = 0;     // marks posted
  uint64_t absences = 0;  // attendance entries (Н, Б, У, ОП)
  uint64_t homework = 0;
  uint64_t late_entries = 0;        // commands entered after their lesson day's deadline
  uint64_t corrections = 0;         // marks corrected or cancelled, attendance corrected
  uint64_t commands = 0;            // accepted commands
  uint64_t events = 0;              // events written
  double seconds = 0;               // wall-clock time of the run
  std::vector<SignInHint> sign_in;  // for the first school (and the region's auditor)
};

struct DemoProgress {
  std::string date;  // the simulated day just finished
  int day = 0;       // 1-based, of `days`
  int days = 0;
  uint64_t commands = 0;
  uint64_t events = 0;
};

// Sets the time the Journal (and its log) sees, UTC microseconds. The
// generator moves it forward only.
using SetClockFn = std::function<void(int64_t utc_us)>;
using DemoProgressFn = std::function<void(const DemoProgress&)>;

// The school ids a run with these options creates.
std::vector<std::string> demo_school_ids(const DemoOptions& options);

// Generates the schools into `journal`, which should be open over a log
// without them (a fresh log). `set_clock_us` must drive the clock the Journal
// was opened with. `progress` (may be empty) is called after each simulated
// day. Errors: kInvalidArgument for bad options, for a timetable that cannot
// be built, or for a command the journal rejected (the message names the
// actor, the command and the rejection); nothing is rolled back.
[[nodiscard]] events::Result<DemoSummary> generate_demo(commands::Journal& journal,
                                                        const SetClockFn& set_clock_us,
                                                        const DemoOptions& options,
                                                        const DemoProgressFn& progress = {});

}  // namespace zhurnal::demo
