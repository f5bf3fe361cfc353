#include "zhurnal/commands/errors.hpp"

namespace zhurnal::commands {

std::string_view error_code_name(ErrorCode code) {
  // clang-format off: one line per code, a table
  switch (code) {
    case ErrorCode::kInvalidCommand: return "invalid_command";
    case ErrorCode::kNotAuthorized: return "not_authorized";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kAlreadyExists: return "already_exists";
    case ErrorCode::kFirstGradeNoMarks: return "first_grade_no_marks";
    case ErrorCode::kNotYourLesson: return "not_your_lesson";
    case ErrorCode::kStudentNotEnrolled: return "student_not_enrolled";
    case ErrorCode::kPeriodClosed: return "period_closed";
    case ErrorCode::kReasonRequired: return "reason_required";
    case ErrorCode::kInvalidValue: return "invalid_value";
    case ErrorCode::kLessonCancelled: return "lesson_cancelled";
    case ErrorCode::kLessonNotStarted: return "lesson_not_started";
    case ErrorCode::kNotOwnEntry: return "not_own_entry";
    case ErrorCode::kAlreadyCancelled: return "already_cancelled";
    case ErrorCode::kNotAssigned: return "not_assigned";
    case ErrorCode::kAlreadyDone: return "already_done";
    case ErrorCode::kConflict: return "conflict";
    case ErrorCode::kDuplicateCommandId: return "duplicate_command_id";
    case ErrorCode::kStorageFailure: return "storage_failure";
    case ErrorCode::kNoSpace: return "no_space";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kRetired:
      return "retired";
  }
  // clang-format on
  return "unknown";
}

}  // namespace zhurnal::commands
