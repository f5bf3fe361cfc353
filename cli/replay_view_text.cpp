#include "replay_view_text.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace zhurnal::cli {
namespace {

std::string str(capnp::Text::Reader t) { return {t.cStr(), t.size()}; }

std::string mark(schema::MarkValue::Reader v) {
  if (v.isNumeric()) return std::to_string(v.getNumeric());
  switch (v.getNonNumeric()) {
    case schema::NonNumericMark::PASS: return "зач";
    case schema::NonNumericMark::FAIL: return "незач";
    case schema::NonNumericMark::NOT_ASSESSED: return "н/а";
    case schema::NonNumericMark::EXEMPT: return "осв";
  }
  return "?";
}

std::string absence(schema::AttendanceCode c) {
  switch (c) {
    case schema::AttendanceCode::PRESENT: return "";
    case schema::AttendanceCode::ABSENT: return "Н";
    case schema::AttendanceCode::ILL: return "Б";
    case schema::AttendanceCode::EXCUSED: return "У";
    case schema::AttendanceCode::LATE: return "ОП";
  }
  return "?";
}

std::string cell_text(schema::CellRow::Reader c) {
  std::string out;
  for (auto m : c.getMarks()) {
    if (!out.empty()) out += ' ';
    std::string v = mark(m.getValue());
    if (m.getCancelled()) v = "(" + v + ")";
    else if (m.getCorrected()) v += "*";
    out += v;
  }
  const std::string a = absence(c.getAttendance());
  if (!a.empty()) out += (out.empty() ? "" : " ") + a;
  return out;
}

// Display width of UTF-8 text (code points; the journal's text has no wide glyphs).
size_t width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string pad(const std::string& s, size_t w) {
  const size_t n = width(s);
  return n >= w ? s : s + std::string(w - n, ' ');
}

// A Russian decimal: "4,57", "84,77 %" (as the web pages and the CSV
// reports write them).
std::string hundredths(unsigned v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%u,%02u", v / 100, v % 100);
  return buf;
}

std::string percent(unsigned v) { return hundredths(v) + " %"; }

std::string period_text(schema::PeriodRef::Reader p) {
  return str(p.getName()) + " (" + str(p.getStart()) + " – " + str(p.getEnd()) + ")";
}

}  // namespace

std::string register_text(schema::RegisterView::Reader v) {
  std::string out = "Журнал " + str(v.getClassName()) + ", " + str(v.getSubjectName()) + ", " +
                    period_text(v.getPeriod()) + "\n\n";
  auto lessons = v.getLessons();
  std::vector<std::string> heads;
  for (auto l : lessons) {
    std::string d = str(l.getDate());
    heads.push_back(d.size() == 10 ? d.substr(8, 2) + "." + d.substr(5, 2) : d);
  }
  size_t name_w = 6;
  for (auto s : v.getStudents()) name_w = std::max(name_w, width(str(s.getFullName())));
  std::vector<size_t> col_w(heads.size(), 5);
  for (auto s : v.getStudents()) {
    auto cells = s.getCells();
    for (size_t i = 0; i < cells.size() && i < col_w.size(); ++i) {
      col_w[i] = std::max(col_w[i], width(cell_text(cells[i])));
    }
  }
  out += pad("Ученик", name_w);
  for (size_t i = 0; i < heads.size(); ++i) out += " | " + pad(heads[i], col_w[i]);
  out += " | ср.взв. | итог\n";
  for (auto s : v.getStudents()) {
    out += pad(str(s.getFullName()), name_w);
    auto cells = s.getCells();
    for (size_t i = 0; i < col_w.size(); ++i) {
      out += " | " + pad(i < cells.size() ? cell_text(cells[i]) : "", col_w[i]);
    }
    const auto avg = s.getAverages();
    out += " | " + pad(avg.getCount() ? hundredths(avg.getWeightedHundredths()) : "—", 7);
    out += " | " + (s.getHasPeriodMark() ? mark(s.getPeriodMark().getValue()) : std::string("—"));
    if (s.getLeft()) out += "  (выбыл(а))";
    out += "\n";
  }
  out += "\nТемы уроков:\n";
  for (auto l : lessons) {
    out += "  " + str(l.getDate()) + " №" + std::to_string(l.getNumber()) + ": ";
    out += l.getCancelled() ? "урок отменён" : l.getTopic().size() ? str(l.getTopic()) : "—";
    if (l.getHomework().size()) out += "; д/з: " + str(l.getHomework());
    out += "\n";
  }
  out += "\n* исправлена, (…) отменена; Н, Б, У, ОП — пропуски\n";
  return out;
}

std::string diary_text(schema::DiaryView::Reader v) {
  std::string out = "Дневник: " + str(v.getFullName()) + ", " + str(v.getClassName()) +
                    ", неделя с " + str(v.getWeekStart()) + "\n\n";
  for (auto e : v.getLessons()) {
    auto l = e.getLesson();
    out += str(l.getDate()) + " №" + std::to_string(l.getNumber()) + "  " + str(e.getSubjectName());
    if (e.getTeacherName().size()) out += " (" + str(e.getTeacherName()) + ")";
    if (l.getCancelled()) out += "  урок отменён";
    if (l.getTopic().size()) out += "\n    тема: " + str(l.getTopic());
    if (l.getHomework().size()) out += "\n    д/з: " + str(l.getHomework());
    const std::string cell = cell_text(e.getCell());
    if (!cell.empty()) out += "\n    отметки: " + cell;
    out += "\n";
  }
  out += "\nСредние за " + period_text(v.getPeriod()) + ":\n";
  for (auto s : v.getSubjects()) {
    out += "  " + pad(str(s.getName()), 24) + " ";
    out += s.getAverages().getCount() ? hundredths(s.getAverages().getWeightedHundredths()) : "—";
    if (s.getHasPeriodMark()) out += "  итог: " + mark(s.getPeriodMark().getValue());
    out += "\n";
  }
  for (auto n : v.getNotes()) {
    const std::string kind = str(n.getKind());
    out += (kind == "comment" ? "Комментарий" : "Сообщение") + std::string(" (") +
           (n.getAuthorName().size() ? str(n.getAuthorName()) : str(n.getAuthorId())) + "): " +
           str(n.getText()) + "\n";
  }
  return out;
}

std::string compliance_text(schema::ComplianceView::Reader v) {
  std::string out = "Проверка журнала: " + str(v.getSchoolName()) + ", " + str(v.getMonth()) + "\n\n";
  auto figures = [](schema::ComplianceView::Figures::Reader f) {
    auto c = f.getCounters();
    return "уроков " + std::to_string(c.getLessonsScheduled()) + ", проведено " +
           std::to_string(c.getLessonsHeld()) + ", с д/з " + percent(f.getHomeworkShare()) +
           ", наполняемость " + percent(f.getFillShare()) + ", отметок " +
           std::to_string(c.getMarks()) + " (вовремя " + percent(f.getOnTimeShare()) +
           "), исправлений " + std::to_string(c.getCorrections()) + ", отмен " +
           std::to_string(c.getCancellations());
  };
  out += "Школа: " + figures(v.getSchool()) + "\n\nУчителя:\n";
  for (auto t : v.getTeachers()) out += "  " + pad(str(t.getName()), 32) + " " + figures(t.getFigures()) + "\n";
  out += "\nКлассы:\n";
  for (auto c : v.getClasses()) out += "  " + pad(str(c.getName()), 5) + " " + figures(c.getFigures()) + "\n";
  auto p = v.getParticipation();
  out += "\nУчастие: учителя " + std::to_string(p.getTeachersWithEntries()) + "/" +
         std::to_string(p.getTeachersWithLessons()) + ", родители " +
         std::to_string(p.getParentsSignedIn()) + "/" + std::to_string(p.getParents()) +
         ", ученики " + std::to_string(p.getStudentsSignedIn()) + "/" + std::to_string(p.getStudents()) + "\n";
  out += "\nОтметки с опозданием: " + std::to_string(v.getLateMarks().size()) + "\n";
  for (auto m : v.getLateMarks()) {
    out += "  " + str(m.getDate()) + " №" + std::to_string(m.getNumber()) + " " + str(m.getClassName()) +
           " " + str(m.getSubjectName()) + ", " + str(m.getTeacherName()) + " → " + str(m.getStudentName()) +
           ", задержка " + std::to_string(m.getMark().getDelaySeconds() / 60) + " мин\n";
  }
  out += "\nИсправления: " + std::to_string(v.getCorrections().size()) + "\n";
  for (auto c : v.getCorrections()) {
    auto r = c.getRow();
    out += "  " + str(c.getDate()) + " " + str(c.getClassName()) + " " + str(c.getSubjectName()) + ", " +
           str(c.getStudentName()) + ": " + str(r.getPrevious()) + " → " + str(r.getValue()) + " (" +
           str(c.getActorName()) + "; " + str(r.getReason()) + ")\n";
  }
  out += v.getSignedOff() ? "\nПодписано: " + str(v.getSignOffName()) + "\n" : "\nНе подписано\n";
  return out;
}

}  // namespace zhurnal::cli
