// The school's curriculum as the demo models it: subjects, weekly hours by
// grade (a five-day week within the sanitary limits), who teaches what
// (disciplines), work types with their weights and the bell schedule.
#pragma once

#include <string>
#include <vector>

namespace zhurnal::demo::internal {

enum Subject : int {
  kRussian,
  kReading,
  kLiterature,
  kEnglish,
  kMath,
  kAlgebra,
  kGeometry,
  kProbability,
  kInformatics,
  kHistory,
  kSocial,
  kGeography,
  kBiology,
  kPhysics,
  kChemistry,
  kWorld,
  kMusic,
  kArt,
  kTechnology,
  kPe,
  kSafety,
  kSubjectCount
};

// How a subject is marked and given homework.
enum class SubjectKind { kAcademic, kScience, kLanguage, kCreative, kPe };

struct SubjectInfo {
  const char* id;    // "math"
  const char* name;  // "Математика"
  SubjectKind kind;
};
const SubjectInfo& subject_info(int subject);

struct Load {
  int subject;
  int hours;  // a week
};
// The weekly plan of a grade (1..11), in the order the journal lists subjects.
const std::vector<Load>& weekly_load(int grade);
// English is taught in two subgroups from grade 2.
bool split_in_groups(int subject, int grade);
// Lessons a day at most (grade 1: 4, one day 5).
int max_lessons_per_day(int grade);

// Who teaches a subject: the class teacher in grades 1–4, a subject teacher
// otherwise. A teacher belongs to one discipline.
enum Discipline : int {
  kPrimary,
  kRussianLit,
  kMaths,
  kLanguages,
  kHistorySocial,
  kGeographyD,
  kBiologyD,
  kPhysicsD,
  kChemistryD,
  kInformaticsD,
  kPeD,
  kMusicD,
  kArtD,
  kTechnologyD,
  kSafetyD,
  kDisciplineCount
};
struct DisciplineInfo {
  const char* name;     // for the report: "учитель начальных классов"
  double female_share;  // of its teachers
};
const DisciplineInfo& discipline_info(int discipline);
int discipline_of(int subject, int grade);

enum WorkTypeIndex : int {
  kOral,
  kClassWork,
  kHomeworkCheck,
  kIndependent,
  kTest,
  kDictation,
  kEssay,
  kPractical,
  kLab,
  kNorms,
  kCreativeWork,
  kWorkTypeCount
};
struct WorkTypeInfo {
  const char* id;
  const char* name;
  int weight;  // 1..10, used in the weighted average
};
const WorkTypeInfo& work_type_info(int work_type);

inline constexpr int kLessonMinutes = 40;
// Starts of lessons 1..7, minutes after local midnight.
const std::vector<int>& bell_minutes();
std::vector<std::string> bell_texts();  // "08:30", ...

// Teachers are planned at about this many lessons a week (a full post is 18).
inline constexpr int kTargetHoursPerTeacher = 19;

}  // namespace zhurnal::demo::internal
