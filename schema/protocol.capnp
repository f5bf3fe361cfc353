# The WebSocket protocol (docs/protocol.md): JSON text frames mapped to and
# from these structs by Cap'n Proto's JSON codec, so no message is parsed by
# hand. 64-bit integers (log positions) travel as JSON strings.
@0x995e4d5813542af6;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("zhurnal::schema");

using C = import "commands.capnp";
using V = import "views.capnp";

struct SignIn {
  login @0 :Text;
  password @1 :Text;
  newPassword @2 :Text;
  # Replaces the password as the user signs in. An initial password issued
  # by the school signs in only with one: without it the answer is
  # `password_change_required` and no session starts.
}

struct ChangePassword {
  oldPassword @0 :Text;
  newPassword @1 :Text;
}

struct CommandRequest {
  commandId @0 :Text;          # the client's idempotency key: a retry reuses it
  command @1 :C.Command;
}

struct RegisterQuery {
  classId @0 :Text;
  subjectId @1 :Text;
  periodId @2 :Text;
}

struct DiaryQuery {
  studentId @0 :Text;
  date @1 :Text;               # any day of the week wanted
}

struct ComplianceQuery {
  schoolId @0 :Text;
  month @1 :Text;              # "2026-10"
}

struct ReportQuery {
  classId @0 :Text;
  periodId @1 :Text;
}

struct LogQuery {
  fromPosition @0 :UInt64;     # first position wanted (auditors)
  limit @1 :UInt32;
}

struct Subscribe {
  # A view (or the raw log) pushed on every change. lastPosition: what the
  # client already has; the current state is sent only if it is newer.
  lastPosition @0 :UInt64;
  union {
    diary @1 :DiaryQuery;
    register @2 :RegisterQuery;
    log @3 :LogQuery;
    compliance @4 :ComplianceQuery;
    classRoster @5 :Text;      # a class id: the class list with parents and access
    school @7 :Text;           # a school id (empty: one's own): its reference books,
                               # pushed when they, its classes or its staff change
  }
  patches @6 :Bool;
  # Diary only (refused with any other view): after the first whole diary,
  # a change to nothing but the student's cells (marks, attendance) is
  # pushed as `diaryPatch`, the changed lessons' entries and their subjects.
}

struct HistoryQuery {
  # Every event about a student, a class or a teacher, oldest first
  # (docs/protocol.md, "history").
  subject :union {
    studentId @0 :Text;
    classId @1 :Text;
    teacherId @2 :Text;
  }
  from @3 :Text;               # school-local "YYYY-MM-DD[ HH:MM[:SS]]", inclusive; empty: the start
  to @4 :Text;                 # school-local, exclusive; empty: no end
  afterPosition @5 :UInt64;    # paging: only events after this position
  limit @6 :UInt32;            # 0: 200; at most 1000
}

struct HistoryEntry {
  position @0 :UInt64;
  recordedAtUs @1 :Int64;      # UTC microseconds
  recordedAt @2 :Text;         # school-local "YYYY-MM-DD HH:MM:SS"
  eventType @3 :Text;
  streamId @4 :Text;
  actor @5 :Text;              # a user id, "system" or "import"
  actorName @6 :Text;
  commandId @7 :Text;
  reason @8 :Text;             # the stated reason of a correction or cancellation
  previous @9 :Text;           # the value before this event (a corrected mark), empty if none
  value @10 :Text;             # the value after it
  summary @11 :Text;           # one line in Russian
  payload @12 :Text;           # the domain event as JSON
}

struct HistoryView {
  subjectKind @0 :Text;        # "student" | "class" | "teacher"
  subjectId @1 :Text;
  timeZone @2 :Text;           # the school's IANA zone the times are shown in
  entries @3 :List(HistoryEntry);
  nextPosition @4 :UInt64;     # afterPosition of the next page; 0: no more
}

struct AsOfQuery {
  at @0 :Text;                 # school-local "YYYY-MM-DD HH:MM[:SS]"
  view :union {
    register @1 :RegisterQuery;
    diary @2 :DiaryQuery;
    compliance @3 :ComplianceQuery;
  }
}

struct AsOfView {
  at @0 :Text;                 # the instant asked, normalised, school-local
  atUs @1 :Int64;              # the same instant, UTC microseconds
  timeZone @2 :Text;
  position @3 :UInt64;         # the last event recorded at or before the instant (0: none)
  view :union {
    register @4 :V.RegisterView;
    diary @5 :V.DiaryView;
    compliance @6 :V.ComplianceView;
  }
}

struct Request {
  id @0 :Text;                 # echoed in the response
  union {
    signIn @1 :SignIn;
    authenticate @2 :Text;     # a session token from an earlier signIn (reconnect)
    signOut @3 :Void;
    changePassword @4 :ChangePassword;
    me @5 :Void;
    command @6 :CommandRequest;
    register @7 :RegisterQuery;
    diary @8 :DiaryQuery;
    log @9 :LogQuery;
    subscribe @10 :Subscribe;
    unsubscribe @11 :Text;     # a subscription id
    compliance @12 :ComplianceQuery;
    classReport @13 :ReportQuery;
    school @14 :Text;          # a school id; empty: the user's own school
    history @15 :HistoryQuery;   # auditors, directors: every event about a subject
    asOf @16 :AsOfQuery;         # auditors, directors: a view as it stood at an instant
    classRoster @17 :Text;     # a class id: students, parents, access, consent (class teacher, administration, auditors)
    verifyLog @18 :Void;       # auditors: check the whole log's hash chain (one at a time)
    staff @19 :Text;           # a school id; empty: the user's own school. Its staff with their access (the office, the heads, auditors)
    importLists @20 :ImportListsQuery;  # the office: the secretary's CSV lists, checked and (apply) written, as `zhurnal import`
    parents @21 :Text;         # a school id; empty: the user's own school. Its parents with their children (the office)
    classWeek @22 :ClassWeekQuery;  # a class's lessons of one week (the school's office and heads, the class's teachers, auditors)
  }
}

struct StaffRoster {
  # A school's staff (everybody registered in it but parents and students)
  # by name, each as `me` describes her (roles, the classes she leads, her
  # teaching assignments) with her access: the administrator issues and
  # revokes their logins (docs/protocol.md, `staff`).
  schoolId @0 :Text;
  position @1 :UInt64;         # the access rows are as of this log position
  staff @2 :List(Member);
  struct Member {
    person @0 :Me;
    access @1 :V.AccessRow;    # absent: no login ever issued
  }
}

struct ParentList {
  # A school's parents by name, each as `me` describes her (her children
  # with their current class), so that the office links a parent the
  # journal has already instead of registering her twice.
  schoolId @0 :Text;
  parents @1 :List(Me);
}

struct ClassWeekQuery {
  classId @0 :Text;
  date @1 :Text;               # any day of the week wanted, "YYYY-MM-DD"
}

struct ClassWeek {
  # One week of a class's timetable, Monday to Sunday, by date, lesson
  # number and group: every lesson scheduled, the cancelled ones included,
  # so that a week is seen before it is repeated or cleared (repeatWeek,
  # cancelLessons).
  classId @0 :Text;
  monday @1 :Text;
  lessons @2 :List(Lesson);
  struct Lesson {
    lessonId @0 :Text;
    date @1 :Text;
    number @2 :UInt8;
    subjectId @3 :Text;
    subgroupId @4 :Text;       # empty: the whole class
    teacherId @5 :Text;
    teacherName @6 :Text;
    held @7 :Bool;
    cancelled @8 :Bool;
  }
}

struct ImportListsQuery {
  # `zhurnal import` from the web page (docs/import.md): the files' bytes in
  # base64 (they may be Windows-1251 or UTF-16), the import run as the
  # signed-in secretary or administrator of her own school.
  students @0 :ImportFile;     # absent: no students' list
  teachers @1 :ImportFile;     # absent: no teachers' list
  date @2 :Text;               # the effective date, "ДД.ММ.ГГГГ" or "ГГГГ-ММ-ДД"; empty: today
  openClasses @3 :Bool;        # open classes the lists name that the current year lacks
  apply @4 :Bool;              # false: check only, write nothing
  struct ImportFile {
    name @0 :Text;             # shown in the report
    base64 @1 :Text;
  }
}

struct ImportListsResult {
  exitCode @0 :UInt8;          # zhurnal import's: 0 checked (and written), 1 the files have errors, nothing written, 3 a command was refused while writing
  report @1 :Text;             # the report, as the command prints it
}

struct Error {
  code @0 :Text;               # stable, snake_case (docs/protocol.md)
  message @1 :Text;            # Russian, for the user
  retryAfterSeconds @2 :UInt32;
}

struct Me {
  userId @0 :Text;
  fullName @1 :Text;
  schoolId @2 :Text;
  roles @3 :List(Text);
  children @4 :List(Child);
  classes @5 :List(Text);      # classes the user teaches or leads
  assignments @6 :List(Assignment);  # teachers: class x (subgroup) x subject x dates
  ledClasses @7 :List(Text);   # class teachers: the classes they lead
  struct Child {
    studentId @0 :Text;
    fullName @1 :Text;
    classId @2 :Text;
  }
  struct Assignment {
    assignmentId @0 :Text;
    classId @1 :Text;
    subgroupId @2 :Text;
    subjectId @3 :Text;
    start @4 :Text;
    end @5 :Text;              # empty: to the end of the year
  }
}

struct SchoolView {
  # A school's reference books: what pages need to offer choices.
  schoolId @0 :Text;
  name @1 :Text;
  timeZone @2 :Text;
  periods @3 :List(Period);
  subjects @4 :List(Named);
  workTypes @5 :List(WorkType);
  classes @6 :List(Class);
  years @7 :List(Year);        # by start
  bells @8 :List(Text);        # lesson n+1 starts at bells[n], "08:30"
  lessonMinutes @9 :UInt16;
  struct Year {
    yearId @0 :Text;
    name @1 :Text;             # "2026/2027"
    start @2 :Text;
    end @3 :Text;
    holidays @4 :List(Holiday);  # by date
  }
  struct Holiday {
    name @0 :Text;
    start @1 :Text;
    end @2 :Text;              # inclusive
  }
  struct Period {
    periodId @0 :Text;
    name @1 :Text;
    start @2 :Text;
    end @3 :Text;
    yearId @4 :Text;
    closed @5 :Bool;
  }
  struct Named {
    id @0 :Text;
    name @1 :Text;
    retired @2 :Bool;          # a subject: no new loads or lessons of it
  }
  struct WorkType {
    workTypeId @0 :Text;
    name @1 :Text;
    weight @2 :UInt8;
    retired @3 :Bool;          # no new marks of it
  }
  struct Class {
    classId @0 :Text;
    name @1 :Text;             # "5А"
    grade @2 :UInt8;
    yearId @3 :Text;
    classTeacherId @4 :Text;
  }
}

struct SignedIn {
  token @0 :Text;
  me @1 :Me;
}

struct Accepted {
  firstPosition @0 :UInt64;
  lastPosition @1 :UInt64;
  duplicate @2 :Bool;
  initialPassword @3 :Text;    # issueCredentials only: hand it to the user once
}

struct LogEvent {
  position @0 :UInt64;
  streamId @1 :Text;
  streamVersion @2 :UInt64;
  eventType @3 :Text;
  recordedAtUs @4 :Int64;
  actor @5 :Text;
  commandId @6 :Text;
  hash @7 :Text;               # hex
  prevHash @8 :Text;           # hex
  payload @9 :Text;            # the domain event as JSON
  actorName @10 :Text;         # the actor's full name; empty for system actors and unknown users
}

struct Response {
  id @0 :Text;
  ok @1 :Bool;
  error @2 :Error;
  result :union {
    none @3 :Void;
    signedIn @4 :SignedIn;
    me @5 :Me;
    accepted @6 :Accepted;
    register @7 :V.RegisterView;
    diary @8 :V.DiaryView;
    log @9 :List(LogEvent);
    subscribed @10 :Text;      # the subscription id
    compliance @11 :V.ComplianceView;
    classReport @12 :V.ClassReport;
    school @13 :SchoolView;
    history @14 :HistoryView;
    asOf @15 :AsOfView;
    classRoster @16 :V.ClassRoster;
    verifyLog @17 :VerifyLogResult;
    staff @18 :StaffRoster;
    importLists @19 :ImportListsResult;
    parents @20 :ParentList;
    classWeek @21 :ClassWeek;
  }
}

# The answer to verifyLog: the log's own verify walk (contiguous positions,
# envelopes consistent with their keys, the SHA-256 hash chain).
struct VerifyLogResult {
  ok @0 :Bool;
  eventsChecked @1 :UInt64;
  firstBadPosition @2 :UInt64;   # 0 when ok
  problem @3 :Text;              # empty when ok
  headPosition @4 :UInt64;       # the head when the walk started
  elapsedMs @5 :UInt64;
}

struct Push {
  subscription @0 :Text;
  position @1 :UInt64;         # the log position the pushed state reflects
  union {
    diary @2 :V.DiaryView;
    register @3 :V.RegisterView;
    log @4 :List(LogEvent);
    compliance @5 :V.ComplianceView;
    classRoster @6 :V.ClassRoster;
    diaryPatch @7 :V.DiaryView;  # a diary subscription with `patches`: see Subscribe
    school @8 :SchoolView;       # also pushed after a change of the school's staff
  }
}

struct ServerMessage {
  union {
    response @0 :Response;
    push @1 :Push;
  }
}
