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
  lessonDate @10 :Text;    # the lesson's date (filled by the diary; empty in stored rows)
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
  authorName @6 :Text;     # filled by the diary (empty in stored rows)
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
  lessonsCancelled @13 :UInt32;     # cancelled lessons (not in lessonsScheduled)
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
  marksOnTime @9 :UInt32;           # of the active marks, by their MarkPosted.timeliness
  marksLate @10 :UInt32;
  lateDelaySeconds @11 :UInt64;     # summed over the active late marks
  corrections @12 :UInt32;          # MarkCorrected + AttendanceCorrected
  cancellations @13 :UInt32;        # MarkCancelled
  attendanceEntries @14 :UInt32;    # AttendanceRecorded
  entries @15 :UInt32;              # events on the lesson by its own teacher
  date @16 :Text;
  number @17 :UInt8;
  subjectId @18 :Text;
  subgroupId @19 :Text;
  auditRows @20 :UInt32;            # CorrectionRows kept for this lesson
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
  lastLessonDate @10 :Text;           # the date of the class's latest scheduled lesson; empty: none

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

# ---- compliance and reports (docs/compliance.md defines every figure) ----

struct LateMarkRow {
  # An active mark entered after 17:00 school-local time on its lesson's day.
  markId @0 :Text;
  lessonId @1 :Text;
  studentId @2 :Text;
  delaySeconds @3 :UInt32;
  postedAtUs @4 :Int64;
  position @5 :UInt64;
}

struct ComplianceView {
  # The deputy's and director's monthly check of one school.
  schoolId @0 :Text;
  schoolName @1 :Text;
  month @2 :Text;                     # "2026-10"
  position @3 :UInt64;
  school @4 :Figures;                 # the whole school (the sum of the classes)
  teachers @5 :List(Line);            # by name
  classes @6 :List(Line);             # by grade, then name
  participation @7 :Participation;
  lateMarks @8 :List(LateMark);       # by lesson date and number, then log order
  corrections @9 :List(Correction);   # in log order
  signedOff @10 :Bool;
  signOff @11 :SignOffRow;
  signOffName @12 :Text;              # the signer's full name (empty when not signed off)

  struct Figures {
    counters @0 :Counters;
    studentSubjects @1 :UInt32;       # denominator of marksPerStudentSubject
    # Shares in hundredths of a percent (6667 = 66.67 %), rounded half up;
    # 0 when the denominator is 0.
    homeworkShare @2 :UInt16;         # lessonsWithHomework / lessonsHeld
    fillShare @3 :UInt16;             # gradedLessonsWithMarks / gradedLessonsHeld
    onTimeShare @4 :UInt16;           # marksOnTime / marks
    marksPerStudentSubject @5 :UInt32;  # marks / studentSubjects, hundredths
    averageDelaySeconds @6 :UInt32;   # lateDelaySeconds / marksLate
  }
  struct Line {
    id @0 :Text;                      # teacher or class id
    name @1 :Text;                    # "Иванова Мария Петровна", "5А"
    grade @2 :UInt8;                  # classes only
    graded @3 :Bool;                  # classes only: grades 2-11
    figures @4 :Figures;
  }
  struct Participation {
    teachersWithLessons @0 :UInt32;
    teachersWithEntries @1 :UInt32;
    teachersShare @2 :UInt16;
    parents @3 :UInt32;
    parentsSignedIn @4 :UInt32;
    parentsShare @5 :UInt16;
    students @6 :UInt32;
    studentsSignedIn @7 :UInt32;
    studentsShare @8 :UInt16;
  }
  struct LateMark {
    mark @0 :LateMarkRow;
    studentName @1 :Text;
    teacherId @2 :Text;
    teacherName @3 :Text;
    classId @4 :Text;
    className @5 :Text;
    subjectId @6 :Text;
    subjectName @7 :Text;
    date @8 :Text;
    number @9 :UInt8;
  }
  struct Correction {
    row @0 :CorrectionRow;
    actorName @1 :Text;
    teacherName @2 :Text;
    className @3 :Text;
    studentName @4 :Text;
    subjectId @5 :Text;
    subjectName @6 :Text;
    date @7 :Text;                    # the lesson's date now
    number @8 :UInt8;
  }
}

struct ClassReport {
  # The regulation's interim and final report of a class for one period.
  classId @0 :Text;
  className @1 :Text;
  grade @2 :UInt8;
  period @3 :PeriodRef;
  position @4 :UInt64;
  subjects @5 :List(SubjectStats);    # by subject name
  students @6 :List(Student);         # by name
  categories @7 :Categories;
  missedThirtyPercent @8 :List(Text); # student ids flagged in some month

  struct SubjectStats {
    subjectId @0 :Text;
    name @1 :Text;
    n5 @2 :UInt32;
    n4 @3 :UInt32;
    n3 @4 :UInt32;
    n2 @5 :UInt32;                    # «2» and «1»
    notAssessed @6 :UInt32;           # н/а
    exempt @7 :UInt32;                # осв (not in N)
    passed @8 :UInt32;                # зачёт (not in N)
    failed @9 :UInt32;                # незачёт (not in N)
    noMark @10 :UInt32;               # on the roll, no period mark (not in N)
    counted @11 :UInt32;              # N
    successHundredths @12 :UInt16;    # успеваемость, hundredths of a percent
    qualityHundredths @13 :UInt16;    # качество знаний, hundredths of a percent
    souHundredths @14 :UInt16;        # СОУ, hundredths of a percent
  }
  struct Student {
    studentId @0 :Text;
    fullName @1 :Text;
    left @2 :Bool;                    # left the class before the period ended
    category @3 :Text;                # "excellent", "good", "oneThree", "failing", "other", "none"
    subjects @4 :List(Subject);       # aligned with ClassReport.subjects
    attendance @5 :Attendance;
  }
  struct Subject {
    subjectId @0 :Text;
    averages @1 :Averages;
    periodMark @2 :FinalMarkRow;
    hasPeriodMark @3 :Bool;
  }
  struct Attendance {
    absent @0 :UInt32;                # Н, lessons of the period
    ill @1 :UInt32;                   # Б
    excused @2 :UInt32;               # У
    late @3 :UInt32;                  # ОП (not missed)
    lessonsMissed @4 :UInt32;         # Н + Б + У
    daysMissed @5 :UInt32;
    months @6 :List(Month);
  }
  struct Month {
    month @0 :Text;
    lessons @1 :UInt32;               # the student's lessons of the whole month
    missed @2 :UInt32;
    thirtyPercent @3 :Bool;           # missed * 100 >= 30 * lessons, lessons > 0
  }
  struct Categories {
    counted @0 :UInt32;               # on the roll at the period's end
    excellent @1 :UInt32;             # отличники
    good @2 :UInt32;                  # хорошисты
    oneThree @3 :UInt32;              # with one «3»
    failing @4 :UInt32;               # неуспевающие
    other @5 :UInt32;
    none @6 :UInt32;                  # no period marks at all
  }
}

# ---- the class teacher's class list ----

struct AccessRow {
  # A user's access and consent, as the "people" projection keeps it
  # (row A/<user>).
  login @0 :Text;
  active @1 :Bool;                    # credentials issued and not revoked since
  issuedAtUs @2 :Int64;               # the last issue (0: never)
  revokedAtUs @3 :Int64;              # the last revocation (0: never)
  revokeReason @4 :Text;
  lastSignInUs @5 :Int64;             # 0: never
  signIns @6 :UInt32;
  consentRecorded @7 :Bool;
  consentGiven @8 :Bool;              # false with consentRecorded: withdrawn
  consentDate @9 :Text;               # the paper's date
  consentNote @10 :Text;
  consentAtUs @11 :Int64;
}

struct ClassRoster {
  # The class list with parents, their access and personal-data consent.
  classId @0 :Text;
  className @1 :Text;                 # "5А"
  grade @2 :UInt8;
  schoolId @3 :Text;
  classTeacherId @4 :Text;
  classTeacherName @5 :Text;
  position @6 :UInt64;
  students @7 :List(Student);         # current students by name, then those who left
  today @8 :Text;                     # school-local date the list is as of

  struct Person {
    userId @0 :Text;
    fullName @1 :Text;
    access @2 :AccessRow;
  }
  struct Student {
    person @0 :Person;
    from @1 :Text;                    # in the class from
    to @2 :Text;                      # until (exclusive); empty: still there
    left @3 :Bool;                    # transferred or departed
    departed @4 :Bool;                # left the school
    parents @5 :List(Parent);         # by name
  }
  struct Parent {
    person @0 :Person;
    relation @1 :Text;                # "мать", "отец", "опекун"
  }
}
