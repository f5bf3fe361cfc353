// Rejections: why the journal refused a command. The code is stable (it
// reaches clients as a snake_case name and is counted in metrics); the message
// is Russian, for the person who tried.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace zhurnal::commands {

enum class ErrorCode : uint16_t {
  kInvalidCommand = 1,       // malformed: missing or ill-formed fields
  kNotAuthorized = 2,        // the actor's role does not allow this
  kNotFound = 3,             // a referenced school, class, lesson, mark... does not exist
  kAlreadyExists = 4,        // the id is taken
  kFirstGradeNoMarks = 5,    // first-grade classes take no marks of any kind
  kNotYourLesson = 6,        // a teacher writes only her own lessons
  kStudentNotEnrolled = 7,   // the student is not in that class/subgroup on that date
  kPeriodClosed = 8,         // the lesson's period is closed
  kReasonRequired = 9,       // corrections, cancellations and reopenings need a reason
  kInvalidValue = 10,        // a mark, code, date or weight out of range
  kLessonCancelled = 11,     // nothing is entered for a cancelled lesson
  kLessonNotStarted = 12,    // marks and attendance only once the lesson has begun
  kNotOwnEntry = 13,         // only the administrator corrects another teacher's entry
  kAlreadyCancelled = 14,    // the mark was cancelled already
  kNotAssigned = 15,         // no teaching assignment covers this class/subject/date
  kAlreadyDone = 16,         // e.g. the month is signed off already
  kConflict = 17,            // concurrent changes kept winning; try again
  kDuplicateCommandId = 18,  // the command id was used for a different command
  kStorageFailure = 19,      // the log could not write; nothing was written
  kNoSpace = 20,             // the disk is full; nothing was written
  kUnavailable = 21,         // the journal is shutting down
  kRetired = 22,             // the subject or work type is retired: nothing new of it
};

std::string_view error_code_name(ErrorCode code);

struct Rejection {
  ErrorCode code;
  std::string message;  // Russian, for the user
};

}  // namespace zhurnal::commands
