#include "report_tables.hpp"

#include <date/tz.h>

#include <chrono>

#include "schema/mark_text.hpp"

namespace zhurnal::server::internal {
namespace {

using Cell = ReportCell;
using schema::mark_text;
using Figures = schema::ComplianceView::Figures;

std::string str(capnp::Text::Reader t) { return std::string(t.cStr(), t.size()); }

const char* correction_kind_name(const std::string& kind) {
  if (kind == "markCorrected") return "исправление отметки";
  if (kind == "markCancelled") return "отмена отметки";
  if (kind == "attendanceCorrected") return "исправление посещаемости";
  if (kind == "lessonCancelled") return "отмена урока";
  if (kind == "lessonMoved") return "перенос урока";
  return "изменение";
}

std::string month_title(const std::string& month) {
  static const char* const kMonths[] = {"январь", "февраль", "март",     "апрель",  "май",    "июнь",
                                        "июль",   "август",  "сентябрь", "октябрь", "ноябрь", "декабрь"};
  if (month.size() == 7 && month[4] == '-') {
    const int m = (month[5] - '0') * 10 + (month[6] - '0');
    if (m >= 1 && m <= 12) return std::string(kMonths[m - 1]) + " " + month.substr(0, 4);
  }
  return month;
}

std::string date_text(const std::string& iso) {  // "2026-10-07" -> "07.10.2026"
  if (iso.size() != 10) return iso;
  return iso.substr(8, 2) + "." + iso.substr(5, 2) + "." + iso.substr(0, 4);
}

const std::vector<std::string> kFigureHeader = {
    "Уроков по расписанию", "Отменено уроков",     "Проведено уроков",        "С домашним заданием",
    "Доля с ДЗ, %",         "Заполняемость отметок, %", "Отметок",          "Вовремя, %",
    "С опозданием",         "Средняя задержка, ч", "Отметок на ученика по предмету",
    "Исправлений",          "Отмен отметок",       "Записей учителя"};

void add_figures(std::vector<Cell>& row, Figures::Reader f) {
  auto c = f.getCounters();
  row.push_back(Cell::integer(c.getLessonsScheduled()));
  row.push_back(Cell::integer(c.getLessonsCancelled()));
  row.push_back(Cell::integer(c.getLessonsHeld()));
  row.push_back(Cell::integer(c.getLessonsWithHomework()));
  row.push_back(Cell::percent(f.getHomeworkShare()));
  row.push_back(Cell::percent(f.getFillShare()));
  row.push_back(Cell::integer(c.getMarks()));
  row.push_back(Cell::percent(f.getOnTimeShare()));
  row.push_back(Cell::integer(c.getMarksLate()));
  // Hours in hundredths, rounded half up.
  row.push_back(Cell::decimal((static_cast<int64_t>(f.getAverageDelaySeconds()) * 100 + 1800) / 3600));
  row.push_back(Cell::decimal(f.getMarksPerStudentSubject()));
  row.push_back(Cell::integer(c.getCorrections()));
  row.push_back(Cell::integer(c.getCancellations()));
  row.push_back(Cell::integer(c.getEntries()));
}

std::vector<double> figure_widths(double first) {
  std::vector<double> w{first};
  for (size_t i = 0; i < kFigureHeader.size(); ++i) w.push_back(13);
  return w;
}

std::vector<std::string> with_first(std::string first, const std::vector<std::string>& rest) {
  std::vector<std::string> out{std::move(first)};
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

}  // namespace

std::string local_time_text(int64_t at_us, const std::string& time_zone) {
  using namespace std::chrono;
  const sys_time<seconds> t = floor<seconds>(sys_time<microseconds>(microseconds(at_us)));
  try {
    const date::time_zone* zone = date::locate_zone(time_zone.empty() ? "UTC" : time_zone);
    return date::format("%Y-%m-%d %H:%M", date::make_zoned(zone, t));
  } catch (const std::exception&) {
    return date::format("%Y-%m-%d %H:%M UTC", t);
  }
}

Report compliance_report(schema::ComplianceView::Reader v, const std::string& tz) {
  const std::string month = str(v.getMonth());
  Report r;
  r.file_name = "Мониторинг журнала " + month;
  r.ascii_name = "compliance-" + month;
  std::vector<std::string> captions = {
      "Мониторинг ведения электронного журнала за " + month_title(month),
      str(v.getSchoolName()),
      v.getSignedOff() ? "Месяц подписан: " + str(v.getSignOffName()) + ", " +
                             local_time_text(v.getSignOff().getAtUs(), tz) +
                             (v.getSignOff().getComment().size() ? ". " + str(v.getSignOff().getComment()) : "")
                       : "Месяц не подписан директором",
      "Данные на позицию журнала событий " + std::to_string(v.getPosition()) + ", время — " + tz};

  ReportSheet summary{"Сводка", captions, with_first("", kFigureHeader), figure_widths(30), {}};
  {
    std::vector<Cell> row{Cell::str("Вся школа")};
    add_figures(row, v.getSchool());
    summary.rows.push_back(std::move(row));
  }
  r.sheets.push_back(std::move(summary));

  ReportSheet teachers{"Учителя", {captions[0], captions[1]}, with_first("Учитель", kFigureHeader),
                       figure_widths(34), {}};
  for (auto line : v.getTeachers()) {
    std::vector<Cell> row{Cell::str(str(line.getName()))};
    add_figures(row, line.getFigures());
    teachers.rows.push_back(std::move(row));
  }
  r.sheets.push_back(std::move(teachers));

  ReportSheet classes{"Классы", {captions[0], captions[1]}, with_first("Класс", kFigureHeader),
                      figure_widths(10), {}};
  for (auto line : v.getClasses()) {
    std::vector<Cell> row{Cell::str(str(line.getName()))};
    add_figures(row, line.getFigures());
    classes.rows.push_back(std::move(row));
  }
  r.sheets.push_back(std::move(classes));

  auto p = v.getParticipation();
  ReportSheet participation{"Участие", {captions[0], captions[1]}, {"Кто", "Всего", "Работали в журнале", "Доля, %"},
                            {34, 12, 20, 12}, {}};
  participation.rows.push_back({Cell::str("Учителя с уроками"), Cell::integer(p.getTeachersWithLessons()),
                                Cell::integer(p.getTeachersWithEntries()), Cell::percent(p.getTeachersShare())});
  participation.rows.push_back({Cell::str("Родители"), Cell::integer(p.getParents()),
                                Cell::integer(p.getParentsSignedIn()), Cell::percent(p.getParentsShare())});
  participation.rows.push_back({Cell::str("Ученики"), Cell::integer(p.getStudents()),
                                Cell::integer(p.getStudentsSignedIn()), Cell::percent(p.getStudentsShare())});
  r.sheets.push_back(std::move(participation));

  ReportSheet corrections{"Исправления",
                          {captions[0], captions[1]},
                          {"Когда", "Кто", "Что", "Класс", "Предмет", "Учитель", "Дата урока", "Урок №",
                           "Ученик", "Было", "Стало", "Причина"},
                          {17, 30, 24, 8, 18, 30, 11, 8, 30, 8, 8, 40},
                          {}};
  for (auto c : v.getCorrections()) {
    auto row = c.getRow();
    corrections.rows.push_back({Cell::str(local_time_text(row.getAtUs(), tz)), Cell::str(str(c.getActorName())),
                                Cell::str(correction_kind_name(str(row.getKind()))),
                                Cell::str(str(c.getClassName())), Cell::str(str(c.getSubjectName())),
                                Cell::str(str(c.getTeacherName())), Cell::str(date_text(str(c.getDate()))),
                                Cell::integer(c.getNumber()), Cell::str(str(c.getStudentName())),
                                Cell::str(str(row.getPrevious())), Cell::str(str(row.getValue())),
                                Cell::str(str(row.getReason()))});
  }
  r.sheets.push_back(std::move(corrections));

  ReportSheet late{"Поздние отметки",
                   {captions[0], captions[1], "Отметки, внесённые после 17:00 дня урока"},
                   {"Дата урока", "Урок №", "Класс", "Предмет", "Учитель", "Ученик", "Внесена", "Задержка, ч"},
                   {11, 8, 8, 18, 30, 30, 17, 12},
                   {}};
  for (auto m : v.getLateMarks()) {
    late.rows.push_back({Cell::str(date_text(str(m.getDate()))), Cell::integer(m.getNumber()),
                         Cell::str(str(m.getClassName())), Cell::str(str(m.getSubjectName())),
                         Cell::str(str(m.getTeacherName())), Cell::str(str(m.getStudentName())),
                         Cell::str(local_time_text(m.getMark().getPostedAtUs(), tz)),
                         Cell::decimal((static_cast<int64_t>(m.getMark().getDelaySeconds()) * 100 + 1800) / 3600)});
  }
  r.sheets.push_back(std::move(late));
  return r;
}

namespace {

std::vector<std::string> class_captions(schema::ClassReport::Reader c, const char* what) {
  auto p = c.getPeriod();
  return {std::string(what) + " " + str(c.getClassName()) + " класса",
          str(p.getName()) + ": " + date_text(str(p.getStart())) + " – " + date_text(str(p.getEnd())),
          "Данные на позицию журнала событий " + std::to_string(c.getPosition())};
}

const char* category_name(const std::string& c) {
  if (c == "excellent") return "отличник";
  if (c == "good") return "хорошист";
  if (c == "oneThree") return "с одной «3»";
  if (c == "failing") return "неуспевающий";
  if (c == "other") return "с двумя и более «3»";
  if (c == "none") return "без отметок";
  return "";
}

std::string period_file_part(schema::ClassReport::Reader c) {
  return str(c.getClassName()) + " " + str(c.getPeriod().getName());
}

}  // namespace

Report progress_report(schema::ClassReport::Reader c) {
  Report r;
  r.file_name = "Успеваемость " + period_file_part(c);
  r.ascii_name = "progress-" + str(c.getClassId()) + "-" + str(c.getPeriod().getPeriodId());
  const auto captions = class_captions(c, "Успеваемость");

  ReportSheet students{"Ученики", captions, {"№", "Ученик"}, {5, 32}, {}};
  for (auto s : c.getSubjects()) {
    students.header.push_back(str(s.getName()) + ": ср. взв.");
    students.header.push_back(str(s.getName()) + ": итог");
    students.widths.push_back(12);
    students.widths.push_back(10);
  }
  students.header.push_back("Категория");
  students.widths.push_back(20);
  int n = 0;
  for (auto s : c.getStudents()) {
    std::vector<Cell> row{Cell::integer(++n),
                          Cell::str(str(s.getFullName()) + (s.getLeft() ? " (выбыл)" : ""))};
    for (auto subject : s.getSubjects()) {
      auto a = subject.getAverages();
      row.push_back(a.getCount() ? Cell::decimal(a.getWeightedHundredths()) : Cell::empty());
      row.push_back(subject.getHasPeriodMark() ? Cell::str(mark_text(subject.getPeriodMark().getValue()))
                                               : Cell::empty());
    }
    row.push_back(Cell::str(category_name(str(s.getCategory()))));
    students.rows.push_back(std::move(row));
  }
  r.sheets.push_back(std::move(students));

  ReportSheet subjects{"Предметы",
                       captions,
                       {"Предмет", "«5»", "«4»", "«3»", "«2»", "н/а", "осв", "зачёт", "незачёт", "Без отметки",
                        "Аттестовано (N)", "Успеваемость, %", "Качество знаний, %", "СОУ, %"},
                       {24, 6, 6, 6, 6, 6, 6, 7, 8, 11, 14, 15, 17, 10},
                       {}};
  for (auto s : c.getSubjects()) {
    subjects.rows.push_back({Cell::str(str(s.getName())), Cell::integer(s.getN5()), Cell::integer(s.getN4()),
                             Cell::integer(s.getN3()), Cell::integer(s.getN2()), Cell::integer(s.getNotAssessed()),
                             Cell::integer(s.getExempt()), Cell::integer(s.getPassed()), Cell::integer(s.getFailed()),
                             Cell::integer(s.getNoMark()), Cell::integer(s.getCounted()),
                             Cell::percent(s.getSuccessHundredths()), Cell::percent(s.getQualityHundredths()),
                             Cell::percent(s.getSouHundredths())});
  }
  r.sheets.push_back(std::move(subjects));

  auto k = c.getCategories();
  ReportSheet categories{"Категории", captions, {"Категория", "Учеников"}, {30, 12}, {}};
  const std::pair<const char*, uint32_t> rows[] = {
      {"Учеников на конец периода", k.getCounted()}, {"Отличники", k.getExcellent()},
      {"Хорошисты", k.getGood()},                    {"С одной «3»", k.getOneThree()},
      {"Неуспевающие", k.getFailing()},              {"С двумя и более «3»", k.getOther()},
      {"Без отметок", k.getNone()}};
  for (const auto& [name, count] : rows) categories.rows.push_back({Cell::str(name), Cell::integer(count)});
  r.sheets.push_back(std::move(categories));
  return r;
}

Report attendance_report(schema::ClassReport::Reader c) {
  Report r;
  r.file_name = "Посещаемость " + period_file_part(c);
  r.ascii_name = "attendance-" + str(c.getClassId()) + "-" + str(c.getPeriod().getPeriodId());
  auto captions = class_captions(c, "Посещаемость");
  captions.push_back("Н — без уважительной причины, Б — болезнь, У — уважительная причина, ОП — опоздание; "
                     "≥30 % — пропущено не меньше 30 % уроков месяца");

  ReportSheet sheet{"Посещаемость",
                    captions,
                    {"№", "Ученик", "Н", "Б", "У", "ОП", "Пропущено уроков", "Пропущено дней"},
                    {5, 32, 6, 6, 6, 6, 12, 12},
                    {}};
  // Months: those of the first student (every student has the same list).
  std::vector<std::string> months;
  if (c.getStudents().size()) {
    for (auto m : c.getStudents()[0].getAttendance().getMonths()) months.push_back(str(m.getMonth()));
  }
  for (const auto& m : months) {
    sheet.header.push_back(month_title(m) + ": уроков");
    sheet.header.push_back(month_title(m) + ": пропущено");
    sheet.header.push_back(month_title(m) + ": ≥30 %");
    sheet.widths.insert(sheet.widths.end(), {12, 12, 10});
  }
  int n = 0;
  for (auto s : c.getStudents()) {
    auto a = s.getAttendance();
    std::vector<Cell> row{Cell::integer(++n), Cell::str(str(s.getFullName()) + (s.getLeft() ? " (выбыл)" : "")),
                          Cell::integer(a.getAbsent()), Cell::integer(a.getIll()), Cell::integer(a.getExcused()),
                          Cell::integer(a.getLate()), Cell::integer(a.getLessonsMissed()),
                          Cell::integer(a.getDaysMissed())};
    for (const auto& month : months) {
      bool found = false;
      for (auto m : a.getMonths()) {
        if (str(m.getMonth()) != month) continue;
        found = true;
        row.push_back(Cell::integer(m.getLessons()));
        row.push_back(Cell::integer(m.getMissed()));
        row.push_back(Cell::str(m.getThirtyPercent() ? "да" : ""));
      }
      if (!found) row.insert(row.end(), {Cell::empty(), Cell::empty(), Cell::empty()});
    }
    sheet.rows.push_back(std::move(row));
  }
  r.sheets.push_back(std::move(sheet));
  return r;
}

}  // namespace zhurnal::server::internal
