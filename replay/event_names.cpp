#include "zhurnal/replay/event_names.hpp"

#include <array>
#include <utility>

namespace zhurnal::replay {
namespace {

// In the schema's order (schema/journal.capnp, JournalEvent).
constexpr std::array<std::pair<std::string_view, std::string_view>, 38> kNames{{
    {"SchoolRegistered", "Регистрация школы"},
    {"AcademicYearOpened", "Открытие учебного года"},
    {"HolidayDeclared", "Каникулы"},
    {"SubjectDefined", "Предмет"},
    {"WorkTypeDefined", "Вид работы"},
    {"PeriodClosed", "Закрытие периода"},
    {"PeriodReopened", "Открытие периода"},
    {"MonthSignedOff", "Проверка за месяц"},
    {"UserRegistered", "Регистрация пользователя"},
    {"RolesChanged", "Изменение ролей"},
    {"CredentialsIssued", "Выдача доступа"},
    {"CredentialsRevoked", "Отзыв доступа"},
    {"ConsentRecorded", "Согласие на обработку ПДн"},
    {"ClassOpened", "Открытие класса"},
    {"SubgroupDefined", "Группа класса"},
    {"ClassTeacherAssigned", "Классный руководитель"},
    {"TeachingAssigned", "Назначение нагрузки"},
    {"TeachingEnded", "Окончание нагрузки"},
    {"ClassMessageSent", "Сообщение классу"},
    {"StudentEnrolled", "Зачисление"},
    {"StudentTransferred", "Перевод"},
    {"StudentDeparted", "Выбытие"},
    {"GuardianLinked", "Привязка родителя"},
    {"StudentCommented", "Замечание"},
    {"StudentMessageSent", "Сообщение родителям"},
    {"FinalMarkSet", "Итоговая отметка"},
    {"LessonScheduled", "Урок в расписании"},
    {"LessonHeld", "Урок проведён"},
    {"LessonTopicChanged", "Изменение темы"},
    {"LessonMoved", "Перенос урока"},
    {"LessonCancelled", "Отмена урока"},
    {"MarkPosted", "Отметка"},
    {"MarkCorrected", "Исправление отметки"},
    {"MarkCancelled", "Отмена отметки"},
    {"AttendanceRecorded", "Посещаемость"},
    {"AttendanceCorrected", "Исправление посещаемости"},
    {"HomeworkAssigned", "Домашнее задание"},
    {"UserSignedIn", "Вход в систему"},
}};

}  // namespace

std::string_view event_type_name(std::string_view type) {
  for (const auto& [t, name] : kNames) {
    if (t == type) return name;
  }
  return {};
}

}  // namespace zhurnal::replay
