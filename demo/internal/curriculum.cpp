#include "internal/curriculum.hpp"

#include <cstdio>

namespace zhurnal::demo::internal {
namespace {

using K = SubjectKind;

const SubjectInfo kSubjects[kSubjectCount] = {
    {"rus", "Русский язык", K::kLanguage},
    {"read", "Литературное чтение", K::kLanguage},
    {"lit", "Литература", K::kLanguage},
    {"eng", "Английский язык", K::kLanguage},
    {"math", "Математика", K::kAcademic},
    {"alg", "Алгебра", K::kAcademic},
    {"geom", "Геометрия", K::kAcademic},
    {"prob", "Вероятность и статистика", K::kAcademic},
    {"inf", "Информатика", K::kAcademic},
    {"hist", "История", K::kAcademic},
    {"soc", "Обществознание", K::kAcademic},
    {"geo", "География", K::kScience},
    {"bio", "Биология", K::kScience},
    {"phys", "Физика", K::kScience},
    {"chem", "Химия", K::kScience},
    {"world", "Окружающий мир", K::kAcademic},
    {"music", "Музыка", K::kCreative},
    {"art", "Изобразительное искусство", K::kCreative},
    {"tech", "Технология", K::kCreative},
    {"pe", "Физическая культура", K::kPe},
    {"obzh", "Основы безопасности жизнедеятельности", K::kAcademic},
};

// Weekly hours of a five-day week (ФГОС НОО/ООО/СОО, universal profile in
// 10–11), without the optional and extracurricular hours.
// clang-format off
const std::vector<Load> kPlans[12] = {
    {},
    // 1: 21 lessons
    {{kRussian, 5}, {kReading, 4}, {kMath, 4}, {kWorld, 2}, {kMusic, 1}, {kArt, 1},
     {kTechnology, 1}, {kPe, 3}},
    // 2, 3, 4: 23
    {{kRussian, 5}, {kReading, 4}, {kEnglish, 2}, {kMath, 4}, {kWorld, 2}, {kMusic, 1},
     {kArt, 1}, {kTechnology, 1}, {kPe, 3}},
    {{kRussian, 5}, {kReading, 4}, {kEnglish, 2}, {kMath, 4}, {kWorld, 2}, {kMusic, 1},
     {kArt, 1}, {kTechnology, 1}, {kPe, 3}},
    {{kRussian, 5}, {kReading, 4}, {kEnglish, 2}, {kMath, 4}, {kWorld, 2}, {kMusic, 1},
     {kArt, 1}, {kTechnology, 1}, {kPe, 3}},
    // 5: 27
    {{kRussian, 5}, {kLiterature, 3}, {kEnglish, 3}, {kMath, 5}, {kHistory, 2},
     {kGeography, 1}, {kBiology, 1}, {kMusic, 1}, {kArt, 1}, {kTechnology, 2}, {kPe, 3}},
    // 6: 29
    {{kRussian, 6}, {kLiterature, 3}, {kEnglish, 3}, {kMath, 5}, {kHistory, 2}, {kSocial, 1},
     {kGeography, 1}, {kBiology, 1}, {kMusic, 1}, {kArt, 1}, {kTechnology, 2}, {kPe, 3}},
    // 7: 31
    {{kRussian, 4}, {kLiterature, 2}, {kEnglish, 3}, {kAlgebra, 3}, {kGeometry, 2},
     {kProbability, 1}, {kInformatics, 1}, {kHistory, 2}, {kSocial, 1}, {kGeography, 2},
     {kBiology, 1}, {kPhysics, 2}, {kMusic, 1}, {kArt, 1}, {kTechnology, 2}, {kPe, 3}},
    // 8: 32
    {{kRussian, 3}, {kLiterature, 2}, {kEnglish, 3}, {kAlgebra, 3}, {kGeometry, 2},
     {kProbability, 1}, {kInformatics, 1}, {kHistory, 2}, {kSocial, 1}, {kGeography, 2},
     {kBiology, 2}, {kPhysics, 2}, {kChemistry, 2}, {kMusic, 1}, {kTechnology, 1},
     {kSafety, 1}, {kPe, 3}},
    // 9: 32
    {{kRussian, 3}, {kLiterature, 3}, {kEnglish, 3}, {kAlgebra, 3}, {kGeometry, 2},
     {kProbability, 1}, {kInformatics, 1}, {kHistory, 2}, {kSocial, 1}, {kGeography, 2},
     {kBiology, 2}, {kPhysics, 3}, {kChemistry, 2}, {kSafety, 1}, {kPe, 3}},
    // 10, 11: 27
    {{kRussian, 2}, {kLiterature, 3}, {kEnglish, 3}, {kAlgebra, 3}, {kGeometry, 2},
     {kProbability, 1}, {kInformatics, 1}, {kHistory, 2}, {kSocial, 2}, {kGeography, 1},
     {kBiology, 1}, {kPhysics, 2}, {kChemistry, 1}, {kSafety, 1}, {kPe, 2}},
    {{kRussian, 2}, {kLiterature, 3}, {kEnglish, 3}, {kAlgebra, 3}, {kGeometry, 2},
     {kProbability, 1}, {kInformatics, 1}, {kHistory, 2}, {kSocial, 2}, {kGeography, 1},
     {kBiology, 1}, {kPhysics, 2}, {kChemistry, 1}, {kSafety, 1}, {kPe, 2}},
};
// clang-format on

const DisciplineInfo kDisciplines[kDisciplineCount] = {
    {"учитель начальных классов", 0.95},
    {"учитель русского языка и литературы", 0.95},
    {"учитель математики", 0.85},
    {"учитель английского языка", 0.92},
    {"учитель истории и обществознания", 0.7},
    {"учитель географии", 0.8},
    {"учитель биологии", 0.85},
    {"учитель физики", 0.6},
    {"учитель химии", 0.85},
    {"учитель информатики", 0.5},
    {"учитель физической культуры", 0.45},
    {"учитель музыки", 0.8},
    {"учитель изобразительного искусства", 0.85},
    {"учитель технологии", 0.5},
    {"преподаватель-организатор ОБЖ", 0.3},
};

const WorkTypeInfo kWorkTypes[kWorkTypeCount] = {
    {"oral", "Ответ на уроке", 1},
    {"classwork", "Работа на уроке", 1},
    {"homework", "Домашняя работа", 1},
    {"independent", "Самостоятельная работа", 2},
    {"test", "Контрольная работа", 3},
    {"dictation", "Диктант", 3},
    {"essay", "Сочинение", 3},
    {"practical", "Практическая работа", 2},
    {"lab", "Лабораторная работа", 2},
    {"norms", "Сдача нормативов", 2},
    {"creative", "Творческая работа", 1},
};

}  // namespace

const SubjectInfo& subject_info(int subject) { return kSubjects[subject]; }

const std::vector<Load>& weekly_load(int grade) { return kPlans[grade]; }

bool split_in_groups(int subject, int grade) { return subject == kEnglish && grade >= 2; }

int max_lessons_per_day(int grade) {
  if (grade == 1) return 5;  // four a day, one day five
  if (grade <= 4) return 5;
  if (grade <= 6) return 6;
  return 7;
}

const DisciplineInfo& discipline_info(int discipline) { return kDisciplines[discipline]; }

int discipline_of(int subject, int grade) {
  switch (subject) {
    case kEnglish:
      return kLanguages;
    case kPe:
      return kPeD;
    case kMusic:
      return kMusicD;
    default:
      break;
  }
  if (grade <= 4) return kPrimary;
  switch (subject) {
    case kRussian:
    case kLiterature:
      return kRussianLit;
    case kMath:
    case kAlgebra:
    case kGeometry:
    case kProbability:
      return kMaths;
    case kHistory:
    case kSocial:
      return kHistorySocial;
    case kGeography:
      return kGeographyD;
    case kBiology:
      return kBiologyD;
    case kPhysics:
      return kPhysicsD;
    case kChemistry:
      return kChemistryD;
    case kInformatics:
      return kInformaticsD;
    case kArt:
      return kArtD;
    case kTechnology:
      return kTechnologyD;
    case kSafety:
      return kSafetyD;
    default:
      return kPrimary;
  }
}

const WorkTypeInfo& work_type_info(int work_type) { return kWorkTypes[work_type]; }

const std::vector<int>& bell_minutes() {
  static const std::vector<int> kBells = {8 * 60 + 30,  9 * 60 + 20,  10 * 60 + 20, 11 * 60 + 20,
                                          12 * 60 + 20, 13 * 60 + 10, 14 * 60 + 0};
  return kBells;
}

std::vector<std::string> bell_texts() {
  std::vector<std::string> out;
  for (int m : bell_minutes()) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02d:%02d", m / 60, m % 60);
    out.emplace_back(buf);
  }
  return out;
}

}  // namespace zhurnal::demo::internal
