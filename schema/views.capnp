# Rows of the read models (projections/), stored in the view store and sent
# to clients as JSON through the same codec. Rows are rebuildable from the log
# at any time, but follow the same growth rules as events.
@0xc2fa78f7a58c3814;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("zhurnal::schema");

using J = import "journal.capnp";

struct CellMark {
  markId @0 :Text;
  value @1 :J.MarkValue;
  workTypeId @2 :Text;
  weight @3 :UInt8;
  comment @4 :Text;
  late @5 :Bool;
  corrected @6 :Bool;      # a correction changed the value (the original is in the history)
  cancelled @7 :Bool;
  postedAtUs @8 :Int64;
  position @9 :UInt64;     # log position of the last change
}

struct LessonRow {
  # One lesson as the register and the diary show it.
  lessonId @0 :Text;
  classId @1 :Text;
  subgroupId @2 :Text;
  subjectId @3 :Text;
  teacherId @4 :Text;
  date @5 :Text;
  number @6 :UInt8;
  held @7 :Bool;
  cancelled @8 :Bool;
  topic @9 :Text;
  homework @10 :Text;
  homeworkDue @11 :Text;
  homeworkLate @12 :Bool;
}

struct CellRow {
  # One student in one lesson: the register's cell, the diary's entry.
  lessonId @0 :Text;
  studentId @1 :Text;
  marks @2 :List(CellMark);
  attendance @3 :J.AttendanceCode;
  attendanceCorrected @4 :Bool;
  attendanceLate @5 :Bool;
  notEnrolled @6 :Bool;    # in a register: the student was not in the class that day
}

struct StudentRow {
  studentId @0 :Text;
  fullName @1 :Text;
  classId @2 :Text;
  from @3 :Text;           # in this class from (inclusive)
  to @4 :Text;             # until (exclusive); empty: still there
  departed @5 :Bool;
}

struct ClassRow {
  classId @0 :Text;
  schoolId @1 :Text;
  yearId @2 :Text;
  grade @3 :UInt8;
  letter @4 :Text;
  classTeacherId @5 :Text;
}

struct FinalMarkRow {
  studentId @0 :Text;
  subjectId @1 :Text;
  kind @2 :J.FinalMarkKind;
  periodId @3 :Text;
  value @4 :J.MarkValue;
  suggestedHundredths @5 :UInt16;
}

struct NoteRow {
  # A comment on a student or a message to parents, for the diary.
  id @0 :Text;
  kind @1 :Text;           # "comment", "message", "classMessage"
  authorId @2 :Text;
  text @3 :Text;
  atUs @4 :Int64;
  lessonId @5 :Text;
}

struct Counters {
  # Compliance counters for one teacher or one class in one month.
  lessonsScheduled @0 :UInt32;
  lessonsHeld @1 :UInt32;
  lessonsWithHomework @2 :UInt32;
  gradedLessonsHeld @3 :UInt32;     # held lessons of classes 2-11
  gradedLessonsWithMarks @4 :UInt32;
  marks @5 :UInt32;
  marksOnTime @6 :UInt32;
  marksLate @7 :UInt32;
  lateDelaySeconds @8 :UInt64;
  corrections @9 :UInt32;
  cancellations @10 :UInt32;
  attendanceEntries @11 :UInt32;
  entries @12 :UInt32;              # every entry the teacher made
}

struct LessonFlags {
  # Compliance bookkeeping per lesson (which month and teacher it counts for).
  schoolId @0 :Text;
  month @1 :Text;
  teacherId @2 :Text;
  classId @3 :Text;
  graded @4 :Bool;
  held @5 :Bool;
  hasHomework @6 :Bool;
  activeMarks @7 :UInt32;
  cancelled @8 :Bool;
}

struct CorrectionRow {
  position @0 :UInt64;
  atUs @1 :Int64;
  actorId @2 :Text;
  kind @3 :Text;           # "markCorrected", "markCancelled", "attendanceCorrected"
  lessonId @4 :Text;
  studentId @5 :Text;
  previous @6 :Text;       # as shown: "3", "Н"
  value @7 :Text;
  reason @8 :Text;
  teacherId @9 :Text;
  classId @10 :Text;
}

struct SignOffRow {
  month @0 :Text;
  directorId @1 :Text;
  comment @2 :Text;
  atUs @3 :Int64;
}

# ---- query results (built on demand from the rows above) ----

struct PeriodRef {
  periodId @0 :Text;
  name @1 :Text;
  start @2 :Text;
  end @3 :Text;
}

struct Averages {
  count @0 :UInt32;                   # numeric marks counted
  simpleHundredths @1 :UInt16;        # 0 when there are none
  weightedHundredths @2 :UInt16;
}

struct RegisterView {
  # журнал класса: class x subject x period.
  classId @0 :Text;
  className @1 :Text;                 # "5А"
  grade @2 :UInt8;
  subjectId @3 :Text;
  subjectName @4 :Text;
  period @5 :PeriodRef;
  lessons @6 :List(LessonRow);        # in date and lesson-number order
  students @7 :List(Student);
  position @8 :UInt64;                # the log position the view reflects

  struct Student {
    studentId @0 :Text;
    fullName @1 :Text;
    cells @2 :List(CellRow);          # one per lesson, aligned with `lessons`
    averages @3 :Averages;
    periodMark @4 :FinalMarkRow;
    hasPeriodMark @5 :Bool;
    left @6 :Bool;                    # left the class during the period
  }
}

struct DiaryView {
  # дневник: one student, one week (Monday..Sunday).
  studentId @0 :Text;
  fullName @1 :Text;
  classId @2 :Text;
  className @3 :Text;
  weekStart @4 :Text;
  period @5 :PeriodRef;
  lessons @6 :List(Entry);            # in date and lesson-number order
  subjects @7 :List(Subject);         # averages over the period
  notes @8 :List(NoteRow);            # comments and messages of the week
  position @9 :UInt64;

  struct Entry {
    lesson @0 :LessonRow;
    subjectName @1 :Text;
    teacherName @2 :Text;
    cell @3 :CellRow;
  }
  struct Subject {
    subjectId @0 :Text;
    name @1 :Text;
    averages @2 :Averages;
    marks @3 :List(CellMark);         # the period's marks, in date order
    periodMark @4 :FinalMarkRow;
    hasPeriodMark @5 :Bool;
  }
}
