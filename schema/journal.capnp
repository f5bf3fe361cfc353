# The journal's domain events: the payload of every event in the log.
# docs/events.md is the catalogue in prose (which stream, who, why).
#
# Schemas only grow: a new event is a new union member with the next ordinal;
# a new field takes the next ordinal in its struct; nothing is renumbered,
# retyped or reused. Dates are school-local civil dates "YYYY-MM-DD"; instants
# are UTC microseconds (Int64). Ids are short ASCII strings.
@0xa00029940633588d;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("zhurnal::schema");

enum Role {
  administrator @0;
  director @1;
  deputyDirector @2;
  secretary @3;
  teacher @4;
  student @5;
  parent @6;
  auditor @7;
}

enum PeriodKind {
  quarters @0;     # четверти
  trimesters @1;   # триместры
  halves @2;       # полугодия
}

enum NonNumericMark {
  pass @0;         # зачёт
  fail @1;         # незачёт
  notAssessed @2;  # н/а, не аттестован
  exempt @3;       # осв, освобождён
}

struct MarkValue {
  union {
    numeric @0 :UInt8;           # 1..5
    nonNumeric @1 :NonNumericMark;
  }
}

enum AttendanceCode {
  present @0;      # no absence (used by corrections that remove one)
  absent @1;       # Н, without a reason
  ill @2;          # Б
  excused @3;      # У
  late @4;         # ОП, опоздание
}

enum FinalMarkKind {
  period @0;       # четвертная / триместровая / полугодовая, for periodId
  year @1;         # годовая
  final @2;        # итоговая
}

struct Period {
  periodId @0 :Text;
  name @1 :Text;   # "1 четверть"
  start @2 :Text;
  end @3 :Text;
}

# ---- schools and reference books (stream school-<schoolId>) ----

struct SchoolRegistered {
  schoolId @0 :Text;
  name @1 :Text;
  timeZone @2 :Text;             # IANA, e.g. "Asia/Yekaterinburg"
  bellSchedule @3 :List(Text);   # start of lesson n+1, "08:30"
  lessonMinutes @4 :UInt16;
}

struct AcademicYearOpened {
  schoolId @0 :Text;
  yearId @1 :Text;
  name @2 :Text;                 # "2026/2027"
  start @3 :Text;
  end @4 :Text;
  periodKind @5 :PeriodKind;
  periods @6 :List(Period);
}

struct HolidayDeclared {
  schoolId @0 :Text;
  yearId @1 :Text;
  start @2 :Text;
  end @3 :Text;
  name @4 :Text;
}

struct SubjectDefined {
  # Also a change: defining an existing subject again renames it (wherever
  # it is shown, its past lessons included), retires it or brings it back.
  schoolId @0 :Text;
  subjectId @1 :Text;
  name @2 :Text;
  retired @3 :Bool;              # no new loads or lessons of it; what it has stays and shows
}

struct WorkTypeDefined {
  # Also a change: defining an existing work type again replaces name and
  # weight for marks posted from then on, retires it or brings it back.
  schoolId @0 :Text;
  workTypeId @1 :Text;
  name @2 :Text;                 # "Контрольная работа"
  weight @3 :UInt8;              # 1..10
  retired @4 :Bool;              # no new marks of it; the marks posted keep it and their weight
}

struct PeriodClosed {
  schoolId @0 :Text;
  periodId @1 :Text;
}

struct PeriodReopened {
  schoolId @0 :Text;
  periodId @1 :Text;
  reason @2 :Text;
}

struct MonthSignedOff {
  schoolId @0 :Text;
  month @1 :Text;                # "2026-10"
  comment @2 :Text;
}

# ---- people and access (stream user-<userId>) ----

struct UserRegistered {
  userId @0 :Text;
  schoolId @1 :Text;             # empty for region-wide users (auditors)
  fullName @2 :Text;             # "Иванова Мария Петровна"
  roles @3 :List(Role);
}

struct RolesChanged {
  userId @0 :Text;
  roles @1 :List(Role);          # the full new set
}

struct CredentialsIssued {
  # The secret itself never enters the log (it lives in the credential store).
  userId @0 :Text;
  login @1 :Text;
}

struct CredentialsRevoked {
  userId @0 :Text;
  reason @1 :Text;
}

struct UserSignedIn {
  # A successful sign-in, recorded by the server so that the compliance view
  # can count parents' and students' participation. No secret, no address.
  userId @0 :Text;
  schoolId @1 :Text;
  role @2 :Role;                 # the role the sign-in counts for
}

struct ConsentRecorded {
  # Personal-data consent on paper, recorded by the class teacher.
  userId @0 :Text;               # the student or parent it is about
  given @1 :Bool;                # false: withdrawn
  documentDate @2 :Text;
  note @3 :Text;
}

# ---- classes and teaching (stream class-<classId>) ----

struct ClassOpened {
  classId @0 :Text;
  schoolId @1 :Text;
  yearId @2 :Text;
  grade @3 :UInt8;               # 1..11
  letter @4 :Text;               # "А"
}

struct SubgroupDefined {
  classId @0 :Text;
  subgroupId @1 :Text;
  name @2 :Text;                 # "Английский, группа 1"
  studentIds @3 :List(Text);
}

struct ClassTeacherAssigned {
  classId @0 :Text;
  teacherId @1 :Text;
}

struct TeachingAssigned {
  assignmentId @0 :Text;
  classId @1 :Text;
  subgroupId @2 :Text;           # empty: the whole class
  subjectId @3 :Text;
  teacherId @4 :Text;
  start @5 :Text;
  end @6 :Text;                  # empty: to the end of the year
}

struct TeachingEnded {
  assignmentId @0 :Text;
  classId @1 :Text;
  end @2 :Text;                  # last day taught
}

struct ClassMessageSent {
  messageId @0 :Text;
  classId @1 :Text;
  text @2 :Text;
}

# ---- students (stream student-<studentId>) ----

struct StudentEnrolled {
  # Arrival in the school (or first enrolment) into a class, from a date.
  studentId @0 :Text;
  schoolId @1 :Text;
  classId @2 :Text;
  fullName @3 :Text;
  birthDate @4 :Text;
  from @5 :Text;
  order @6 :Text;                # приказ, e.g. "№ 12-у от 01.09.2026"
}

struct StudentTransferred {
  studentId @0 :Text;
  fromClassId @1 :Text;
  toClassId @2 :Text;
  date @3 :Text;                 # first day in the new class
  order @4 :Text;
}

struct StudentDeparted {
  # Выбытие: the last day in the school is the day before `date`.
  studentId @0 :Text;
  classId @1 :Text;
  date @2 :Text;
  destination @3 :Text;
  order @4 :Text;
}

struct GuardianLinked {
  studentId @0 :Text;
  parentId @1 :Text;
  relation @2 :Text;             # "мать", "отец", "опекун"
}

struct StudentCommented {
  commentId @0 :Text;
  studentId @1 :Text;
  lessonId @2 :Text;             # may be empty
  text @3 :Text;
}

struct StudentMessageSent {
  # To the parents of one student.
  messageId @0 :Text;
  studentId @1 :Text;
  text @2 :Text;
}

struct FinalMarkSet {
  studentId @0 :Text;
  classId @1 :Text;
  subjectId @2 :Text;
  kind @3 :FinalMarkKind;
  periodId @4 :Text;             # for kind = period; the year id otherwise
  value @5 :MarkValue;
  suggestedHundredths @6 :UInt16;  # the weighted average offered, ×100 (0: none)
  reason @7 :Text;               # required when replacing an earlier one
}

# ---- lessons (stream lesson-<lessonId>) ----

struct LessonScheduled {
  lessonId @0 :Text;
  classId @1 :Text;
  subgroupId @2 :Text;           # empty: the whole class
  subjectId @3 :Text;
  teacherId @4 :Text;
  date @5 :Text;
  number @6 :UInt8;              # урок № (1-based, into the bell schedule)
}

struct LessonHeld {
  lessonId @0 :Text;
  topic @1 :Text;
}

struct LessonTopicChanged {
  lessonId @0 :Text;
  topic @1 :Text;
}

struct LessonMoved {
  lessonId @0 :Text;
  date @1 :Text;
  number @2 :UInt8;
  reason @3 :Text;
}

struct LessonCancelled {
  lessonId @0 :Text;
  reason @1 :Text;
}

struct Timeliness {
  # How an entry stood against the regulation's deadline (17:00 school-local
  # time on the lesson's day).
  late @0 :Bool;
  delaySeconds @1 :UInt32;       # past the deadline, when late
}

struct MarkPosted {
  markId @0 :Text;
  lessonId @1 :Text;
  studentId @2 :Text;
  value @3 :MarkValue;
  workTypeId @4 :Text;
  weight @5 :UInt8;              # the work type's weight when posted
  comment @6 :Text;
  timeliness @7 :Timeliness;
}

struct MarkCorrected {
  markId @0 :Text;
  lessonId @1 :Text;
  studentId @2 :Text;
  previous @3 :MarkValue;
  value @4 :MarkValue;
  reason @5 :Text;
  timeliness @6 :Timeliness;
}

struct MarkCancelled {
  markId @0 :Text;
  lessonId @1 :Text;
  studentId @2 :Text;
  previous @3 :MarkValue;
  reason @4 :Text;
}

struct AttendanceRecorded {
  lessonId @0 :Text;
  studentId @1 :Text;
  code @2 :AttendanceCode;
  timeliness @3 :Timeliness;
}

struct AttendanceCorrected {
  lessonId @0 :Text;
  studentId @1 :Text;
  previous @2 :AttendanceCode;
  code @3 :AttendanceCode;
  reason @4 :Text;
}

struct HomeworkAssigned {
  # Also a change: a second assignment for the same lesson replaces the text.
  lessonId @0 :Text;
  text @1 :Text;
  dueDate @2 :Text;
  timeliness @3 :Timeliness;
}

# ---- the union stored as every event's payload ----

struct JournalEvent {
  union {
    schoolRegistered @0 :SchoolRegistered;
    academicYearOpened @1 :AcademicYearOpened;
    holidayDeclared @2 :HolidayDeclared;
    subjectDefined @3 :SubjectDefined;
    workTypeDefined @4 :WorkTypeDefined;
    periodClosed @5 :PeriodClosed;
    periodReopened @6 :PeriodReopened;
    monthSignedOff @7 :MonthSignedOff;
    userRegistered @8 :UserRegistered;
    rolesChanged @9 :RolesChanged;
    credentialsIssued @10 :CredentialsIssued;
    credentialsRevoked @11 :CredentialsRevoked;
    consentRecorded @12 :ConsentRecorded;
    classOpened @13 :ClassOpened;
    subgroupDefined @14 :SubgroupDefined;
    classTeacherAssigned @15 :ClassTeacherAssigned;
    teachingAssigned @16 :TeachingAssigned;
    teachingEnded @17 :TeachingEnded;
    classMessageSent @18 :ClassMessageSent;
    studentEnrolled @19 :StudentEnrolled;
    studentTransferred @20 :StudentTransferred;
    studentDeparted @21 :StudentDeparted;
    guardianLinked @22 :GuardianLinked;
    studentCommented @23 :StudentCommented;
    studentMessageSent @24 :StudentMessageSent;
    finalMarkSet @25 :FinalMarkSet;
    lessonScheduled @26 :LessonScheduled;
    lessonHeld @27 :LessonHeld;
    lessonTopicChanged @28 :LessonTopicChanged;
    lessonMoved @29 :LessonMoved;
    lessonCancelled @30 :LessonCancelled;
    markPosted @31 :MarkPosted;
    markCorrected @32 :MarkCorrected;
    markCancelled @33 :MarkCancelled;
    attendanceRecorded @34 :AttendanceRecorded;
    attendanceCorrected @35 :AttendanceCorrected;
    homeworkAssigned @36 :HomeworkAssigned;
    userSignedIn @37 :UserSignedIn;
  }
}
