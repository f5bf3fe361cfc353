# Commands: what users ask the journal to do. The server maps JSON requests to
# these with Cap'n Proto's JSON codec; the journal answers each with events or
# a rejection (docs/events.md). Where a command carries exactly the fields of
# its event, the event's struct is reused; the journal fills derived fields
# (weights, timeliness, previous values) itself.
@0xab9ac82eecd523f9;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("zhurnal::schema");

using J = import "journal.capnp";

struct PostMark {
  markId @0 :Text;
  lessonId @1 :Text;
  studentId @2 :Text;
  value @3 :J.MarkValue;
  workTypeId @4 :Text;
  comment @5 :Text;
}

struct PostMarks {
  # Several marks of one lesson in one atomic command (a whole class).
  lessonId @0 :Text;
  workTypeId @1 :Text;
  marks @2 :List(Entry);
  struct Entry {
    markId @0 :Text;
    studentId @1 :Text;
    value @2 :J.MarkValue;
    comment @3 :Text;
  }
}

struct CorrectMark {
  markId @0 :Text;
  value @1 :J.MarkValue;
  reason @2 :Text;
}

struct CancelMark {
  markId @0 :Text;
  reason @1 :Text;
}

struct RecordAttendance {
  lessonId @0 :Text;
  studentId @1 :Text;
  code @2 :J.AttendanceCode;
}

struct CorrectAttendance {
  lessonId @0 :Text;
  studentId @1 :Text;
  code @2 :J.AttendanceCode;
  reason @3 :Text;
}

struct AssignHomework {
  lessonId @0 :Text;
  text @1 :Text;
  dueDate @2 :Text;
}

struct SetFinalMark {
  studentId @0 :Text;
  classId @1 :Text;
  subjectId @2 :Text;
  kind @3 :J.FinalMarkKind;
  periodId @4 :Text;
  value @5 :J.MarkValue;
  reason @6 :Text;
}

struct RepeatWeek {
  # The timetable filled forward: the lessons of one class's week repeated at
  # the same weekday and lesson number in every following week up to
  # `until`, one atomic command of LessonScheduled events. Holidays, closed
  # periods, slots the class already has a lesson in, and dates past a
  # teacher's assignment are skipped. A timetable keeper repeats every lesson
  # of the week, a teacher her own.
  classId @0 :Text;
  date @1 :Text;               # any day of the week to repeat
  until @2 :Text;              # the last day to fill, inside the same academic year
  lessonIdPrefix @3 :Text;     # the new lessons are "<prefix>-1", "<prefix>-2", ...
}

struct CancelLessons {
  # A class's lessons in a span of days cancelled at once, e.g. the weeks
  # that hold the old timetable before the new one is repeated into them.
  # Lessons that took place (held, or with marks or attendance) and lessons
  # in a closed period stay. The deputy and the administrator cancel every
  # other lesson of the class in the span, a teacher her own.
  classId @0 :Text;
  from @1 :Text;               # inclusive
  until @2 :Text;              # inclusive
  reason @3 :Text;
}

struct Command {
  union {
    registerSchool @0 :J.SchoolRegistered;
    openAcademicYear @1 :J.AcademicYearOpened;
    declareHoliday @2 :J.HolidayDeclared;
    defineSubject @3 :J.SubjectDefined;
    defineWorkType @4 :J.WorkTypeDefined;
    closePeriod @5 :J.PeriodClosed;
    reopenPeriod @6 :J.PeriodReopened;
    signOffMonth @7 :J.MonthSignedOff;
    registerUser @8 :J.UserRegistered;
    changeRoles @9 :J.RolesChanged;
    issueCredentials @10 :J.CredentialsIssued;
    revokeCredentials @11 :J.CredentialsRevoked;
    recordConsent @12 :J.ConsentRecorded;
    openClass @13 :J.ClassOpened;
    defineSubgroup @14 :J.SubgroupDefined;
    assignClassTeacher @15 :J.ClassTeacherAssigned;
    assignTeaching @16 :J.TeachingAssigned;
    endTeaching @17 :J.TeachingEnded;
    messageClass @18 :J.ClassMessageSent;
    enrollStudent @19 :J.StudentEnrolled;
    transferStudent @20 :J.StudentTransferred;
    departStudent @21 :J.StudentDeparted;
    linkGuardian @22 :J.GuardianLinked;
    commentStudent @23 :J.StudentCommented;
    messageParents @24 :J.StudentMessageSent;
    setFinalMark @25 :SetFinalMark;
    scheduleLesson @26 :J.LessonScheduled;
    holdLesson @27 :J.LessonHeld;
    changeTopic @28 :J.LessonTopicChanged;
    moveLesson @29 :J.LessonMoved;
    cancelLesson @30 :J.LessonCancelled;
    postMark @31 :PostMark;
    postMarks @32 :PostMarks;
    correctMark @33 :CorrectMark;
    cancelMark @34 :CancelMark;
    recordAttendance @35 :RecordAttendance;
    correctAttendance @36 :CorrectAttendance;
    assignHomework @37 :AssignHomework;
    recordSignIn @38 :J.UserSignedIn;   # the server's own, as the system actor
    repeatWeek @39 :RepeatWeek;
    cancelLessons @40 :CancelLessons;
  }
}
