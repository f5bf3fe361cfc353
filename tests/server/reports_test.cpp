// The report routes over HTTP on loopback (server/internal/report_routes.hpp):
// who gets a file and who is refused; the XLSX is a valid zip whose sheets
// hold the view's values; the CSV's values equal the view's; the download's
// headers (RFC 5987 file name, no caching) and the CSV's formula guard.
#include <minizip/unzip.h>

#include <boost/beast/http.hpp>
#include <map>
#include <regex>
#include <sstream>

#include "http_client.hpp"
#include "server_fixture.hpp"

namespace zhurnal::server::testing {
namespace {

namespace http = boost::beast::http;

// One GET (or HEAD) on a fresh connection; `token` goes in Authorization: Bearer.
HttpAnswer get(uint16_t port, const std::string& target, const std::string& token,
               http::verb verb = http::verb::get) {
  return http_request(port, verb, target, token);
}

// The files of a zip archive in memory, read with minizip through a memory
// "file system" (zlib_filefunc_def over the string).
struct MemoryZip {
  const std::string* data;
  size_t pos = 0;
};

std::map<std::string, std::string> unzip_all(const std::string& bytes) {
  MemoryZip mem{&bytes};
  zlib_filefunc_def io{};
  io.opaque = &mem;
  io.zopen_file = [](voidpf opaque, const char*, int) -> voidpf { return opaque; };
  io.zread_file = [](voidpf, voidpf stream, void* buf, uLong size) -> uLong {
    auto* m = static_cast<MemoryZip*>(stream);
    const size_t n = std::min<size_t>(size, m->data->size() - m->pos);
    std::memcpy(buf, m->data->data() + m->pos, n);
    m->pos += n;
    return static_cast<uLong>(n);
  };
  io.zwrite_file = [](voidpf, voidpf, const void*, uLong) -> uLong { return 0; };
  io.ztell_file = [](voidpf, voidpf stream) -> long { return static_cast<long>(static_cast<MemoryZip*>(stream)->pos); };
  io.zseek_file = [](voidpf, voidpf stream, uLong offset, int origin) -> long {
    auto* m = static_cast<MemoryZip*>(stream);
    size_t base = origin == ZLIB_FILEFUNC_SEEK_SET ? 0 : origin == ZLIB_FILEFUNC_SEEK_CUR ? m->pos : m->data->size();
    if (base + offset > m->data->size()) return -1;
    m->pos = base + offset;
    return 0;
  };
  io.zclose_file = [](voidpf, voidpf) -> int { return 0; };
  io.zerror_file = [](voidpf, voidpf) -> int { return 0; };
  std::map<std::string, std::string> files;
  unzFile zip = unzOpen2("memory", &io);
  if (!zip) return files;
  for (int r = unzGoToFirstFile(zip); r == UNZ_OK; r = unzGoToNextFile(zip)) {
    char name[512];
    unz_file_info info;
    if (unzGetCurrentFileInfo(zip, &info, name, sizeof name, nullptr, 0, nullptr, 0) != UNZ_OK) break;
    if (unzOpenCurrentFile(zip) != UNZ_OK) break;
    std::string content(info.uncompressed_size, '\0');
    const int n = unzReadCurrentFile(zip, content.data(), static_cast<unsigned>(content.size()));
    unzCloseCurrentFile(zip);
    if (n < 0 || static_cast<uLong>(n) != info.uncompressed_size) break;
    files[name] = std::move(content);
  }
  unzClose(zip);
  return files;
}

std::string xml_unescape(std::string s) {
  for (auto [from, to] : {std::pair{"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}}) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + 1)) s.replace(at, strlen(from), to);
  }
  return s;
}

// A worksheet's cells by reference ("B7") as text: shared strings resolved,
// numbers as written.
std::map<std::string, std::string> sheet_cells(const std::map<std::string, std::string>& files, int sheet) {
  std::vector<std::string> shared;
  auto ss = files.find("xl/sharedStrings.xml");
  if (ss != files.end()) {
    static const std::regex si(R"(<si>\s*<t[^>]*>([^<]*)</t>\s*</si>)");
    for (std::sregex_iterator it(ss->second.begin(), ss->second.end(), si), end; it != end; ++it) {
      shared.push_back(xml_unescape((*it)[1]));
    }
  }
  std::map<std::string, std::string> cells;
  auto ws = files.find("xl/worksheets/sheet" + std::to_string(sheet) + ".xml");
  if (ws == files.end()) return cells;
  static const std::regex c(R"re(<c r="([A-Z]+[0-9]+)"([^>]*)>(?:<f>[^<]*</f>)?<v>([^<]*)</v></c>)re");
  for (std::sregex_iterator it(ws->second.begin(), ws->second.end(), c), end; it != end; ++it) {
    const std::string attrs = (*it)[2], v = (*it)[3];
    cells[(*it)[1]] = attrs.find("t=\"s\"") != std::string::npos ? shared.at(std::stoul(v)) : v;
  }
  return cells;
}

std::vector<std::string> split(const std::string& s, const std::string& sep) {
  std::vector<std::string> out;
  size_t from = 0;
  for (size_t at = s.find(sep); at != std::string::npos; at = s.find(sep, from)) {
    out.push_back(s.substr(from, at - from));
    from = at + sep.size();
  }
  out.push_back(s.substr(from));
  return out;
}

// The CSV's fields of the first line whose first field is `first`.
std::vector<std::string> csv_row(const std::string& csv, const std::string& first) {
  for (const auto& line : split(csv, "\r\n")) {
    auto fields = split(line, ";");
    if (!fields.empty() && fields[0] == first) return fields;
  }
  return {};
}

std::string hundredths(uint32_t v) {
  return std::to_string(v / 100) + "," + (v % 100 < 10 ? "0" : "") + std::to_string(v % 100);
}

std::string mark(const char* id, const char* lesson, const char* student, int value) {
  return std::string(R"({"postMark": {"markId": ")") + id + R"(", "lessonId": ")" + lesson +
         R"(", "studentId": ")" + student + R"(", "value": {"numeric": )" + std::to_string(value) +
         R"(}, "workTypeId": "oral", "comment": ""}})";
}

class ReportsTest : public ServerFixture {
 protected:
  void SetUp() override {
    ServerFixture::SetUp();
    if (HasFatalFailure()) return;
    at("2026-10-05 09:30");
    ok("t-math", mark("m1", "l-math", "s1", 5));
    ok("t-math", mark("m2", "l-math", "s2", 4));
    ok("t-math", R"({"holdLesson": {"lessonId": "l-math", "topic": "Обыкновенные дроби"}})");
    ok("t-math", R"({"recordAttendance": {"lessonId": "l-math", "studentId": "s2", "code": "ill"}})");
    at("2026-10-05 19:00");  // late by two hours
    ok("t-eng", mark("e1", "l-eng", "s1", 3));
    at("2026-10-06 08:00");
    // A reason a spreadsheet would run as a formula if the CSV let it.
    ok("t-math", R"j({"correctMark": {"markId": "m2", "value": {"numeric": 3}, "reason": "=HYPERLINK(\"x\";\"Пересдача\")"}})j");
    at("2026-10-24 12:00");
    ok("t-math", R"({"setFinalMark": {"studentId": "s1", "classId": "c5a", "subjectId": "math", "kind": "period",
        "periodId": "q1", "value": {"numeric": 5}, "reason": ""}})");
    at("2026-11-02 10:00");
    ok("director", R"({"signOffMonth": {"schoolId": "sch1", "month": "2026-10", "comment": "Замечаний нет"}})");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (engine_->position() < log_->head_position() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::yield();
    }
    ASSERT_EQ(engine_->position(), log_->head_position());
    director_ = signed_in("director", &director_token_);
    parent_ = signed_in("p1", &parent_token_);
  }

  schema::ComplianceView::Reader compliance() {
    auto v = views_->compliance("sch1", "2026-10");
    EXPECT_TRUE(v);
    compliance_ = std::move(*v);
    return compliance_->getRoot<schema::ComplianceView>().asReader();
  }
  schema::ClassReport::Reader class_report() {
    auto v = views_->class_report("c5a", "q1");
    EXPECT_TRUE(v);
    report_ = std::move(*v);
    return report_->getRoot<schema::ClassReport>().asReader();
  }

  std::unique_ptr<WsClient> director_, parent_;
  std::string director_token_, parent_token_;
  projections::ViewMessage compliance_, report_;
};

const std::string kCompliance = "/reports/compliance.xlsx?school=sch1&month=2026-10";

TEST_F(ReportsTest, DirectorGetsTheComplianceWorkbookWithTheViewsValues) {
  auto a = get(port_, kCompliance, director_token_);
  ASSERT_EQ(a.status, 200u) << a.body;
  EXPECT_EQ(a.content_type, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  // "Мониторинг журнала 2026-10.xlsx", RFC 5987, with an ASCII fallback.
  EXPECT_NE(a.disposition.find("attachment; filename=\"compliance-2026-10.xlsx\"; filename*=UTF-8''"
                               "%D0%9C%D0%BE%D0%BD%D0%B8%D1%82%D0%BE%D1%80%D0%B8%D0%BD%D0%B3%20"
                               "%D0%B6%D1%83%D1%80%D0%BD%D0%B0%D0%BB%D0%B0%202026-10.xlsx"),
            std::string::npos)
      << a.disposition;
  EXPECT_EQ(a.cache_control, "no-store");
  ASSERT_EQ(a.body.substr(0, 4), std::string("PK\x03\x04", 4));

  auto files = unzip_all(a.body);
  ASSERT_TRUE(files.count("xl/workbook.xml")) << "not a workbook, " << files.size() << " files";
  const std::string& book = files["xl/workbook.xml"];
  for (const char* sheet : {"Сводка", "Учителя", "Классы", "Участие", "Исправления", "Поздние отметки"}) {
    EXPECT_NE(book.find(std::string("name=\"") + sheet + "\""), std::string::npos) << sheet;
  }
  auto view = compliance();
  ASSERT_TRUE(view.getSignedOff());
  // Сводка: 4 caption lines, an empty line, the header in row 6, the school in row 7.
  auto summary = sheet_cells(files, 1);
  EXPECT_EQ(summary["A1"], "Мониторинг ведения электронного журнала за октябрь 2026");
  EXPECT_EQ(summary["A3"].rfind("Месяц подписан: Смирнова Елена Николаевна, 2026-11-02 10:00", 0), 0u)
      << summary["A3"];
  EXPECT_EQ(summary["A7"], "Вся школа");
  auto c = view.getSchool().getCounters();
  EXPECT_EQ(summary["B7"], std::to_string(c.getLessonsScheduled()));
  EXPECT_EQ(summary["D7"], std::to_string(c.getLessonsHeld()));
  EXPECT_DOUBLE_EQ(std::stod(summary["G7"]), view.getSchool().getFillShare() / 10000.0);
  EXPECT_EQ(summary["H7"], std::to_string(c.getMarks()));
  EXPECT_DOUBLE_EQ(std::stod(summary["I7"]), view.getSchool().getOnTimeShare() / 10000.0);
  EXPECT_EQ(summary["M7"], std::to_string(c.getCorrections()));
  EXPECT_GT(c.getMarks(), 0u);
  EXPECT_GT(c.getCorrections(), 0u);

  // Учителя: one row per teacher line, names and marks as in the view.
  auto teachers = sheet_cells(files, 2);
  ASSERT_GT(view.getTeachers().size(), 0u);
  for (uint32_t i = 0; i < view.getTeachers().size(); ++i) {
    const std::string row = std::to_string(5 + i);
    EXPECT_EQ(teachers["A" + row], view.getTeachers()[i].getName().cStr());
    EXPECT_EQ(teachers["H" + row], std::to_string(view.getTeachers()[i].getFigures().getCounters().getMarks()));
  }
  // Исправления: the correction with its reason kept as text.
  auto corrections = sheet_cells(files, 5);
  ASSERT_EQ(view.getCorrections().size(), 1u);
  EXPECT_EQ(corrections["B5"], "Иванова Мария Петровна");
  EXPECT_EQ(corrections["C5"], "исправление отметки");
  EXPECT_EQ(corrections["J5"], "4");
  EXPECT_EQ(corrections["K5"], "3");
  EXPECT_EQ(corrections["L5"], "=HYPERLINK(\"x\";\"Пересдача\")");
}

TEST_F(ReportsTest, ComplianceCsvValuesEqualTheView) {
  auto a = get(port_, "/reports/compliance.csv?school=sch1&month=2026-10", director_token_);
  ASSERT_EQ(a.status, 200u) << a.body;
  EXPECT_EQ(a.content_type, "text/csv; charset=utf-8");
  EXPECT_NE(a.disposition.find("filename=\"compliance-2026-10.csv\""), std::string::npos);
  ASSERT_EQ(a.body.substr(0, 3), "\xEF\xBB\xBF");
  auto view = compliance();
  auto school = csv_row(a.body, "Вся школа");
  ASSERT_EQ(school.size(), 15u) << a.body;
  auto f = view.getSchool();
  EXPECT_EQ(school[1], std::to_string(f.getCounters().getLessonsScheduled()));
  EXPECT_EQ(school[3], std::to_string(f.getCounters().getLessonsHeld()));
  EXPECT_EQ(school[5], hundredths(f.getHomeworkShare()));
  EXPECT_EQ(school[6], hundredths(f.getFillShare()));
  EXPECT_EQ(school[7], std::to_string(f.getCounters().getMarks()));
  EXPECT_EQ(school[8], hundredths(f.getOnTimeShare()));
  EXPECT_EQ(school[9], std::to_string(f.getCounters().getMarksLate()));
  EXPECT_EQ(school[11], hundredths(f.getMarksPerStudentSubject()));
  for (auto line : view.getClasses()) {
    auto row = csv_row(a.body, line.getName().cStr());
    ASSERT_EQ(row.size(), 15u) << line.getName().cStr();
    EXPECT_EQ(row[6], hundredths(line.getFigures().getFillShare()));
    EXPECT_EQ(row[12], std::to_string(line.getFigures().getCounters().getCorrections()));
  }
  auto parents = csv_row(a.body, "Родители");
  ASSERT_EQ(parents.size(), 4u);
  EXPECT_EQ(parents[1], std::to_string(view.getParticipation().getParents()));
  EXPECT_EQ(parents[3], hundredths(view.getParticipation().getParentsShare()));
  // The reason starts with '=': quoted and guarded with an apostrophe.
  EXPECT_NE(a.body.find(";\"'=HYPERLINK(\"\"x\"\";\"\"Пересдача\"\")\"\r\n"), std::string::npos) << a.body;
}

TEST_F(ReportsTest, ProgressAndAttendanceEqualTheClassReport) {
  auto report = class_report();
  auto progress = get(port_, "/reports/progress.csv?class=c5a&period=q1", director_token_);
  ASSERT_EQ(progress.status, 200u) << progress.body;
  // "Успеваемость 5А 1 четверть.csv"
  EXPECT_NE(progress.disposition.find("filename*=UTF-8''%D0%A3%D1%81%D0%BF%D0%B5%D0%B2%D0%B0%D0%B5%D0%BC%D0%BE%D1%81%D1%82%D1%8C%205%D0%90%201%20%D1%87%D0%B5%D1%82%D0%B2%D0%B5%D1%80%D1%82%D1%8C.csv"),
            std::string::npos)
      << progress.disposition;
  int math = -1;
  for (uint32_t i = 0; i < report.getSubjects().size(); ++i) {
    if (std::string(report.getSubjects()[i].getSubjectId().cStr()) == "math") math = static_cast<int>(i);
  }
  ASSERT_GE(math, 0);
  bool saw_s1 = false;
  for (const auto& line : split(progress.body, "\r\n")) {
    auto fields = split(line, ";");
    if (fields.size() < 3 || fields[1].rfind("Алексеев", 0) != 0) continue;
    saw_s1 = true;
    for (auto s : report.getStudents()) {
      if (std::string(s.getStudentId().cStr()) != "s1") continue;
      auto subject = s.getSubjects()[math];
      EXPECT_EQ(fields[2 + 2 * math], hundredths(subject.getAverages().getWeightedHundredths()));
      EXPECT_EQ(fields[3 + 2 * math], "5");
    }
  }
  EXPECT_TRUE(saw_s1) << progress.body;
  auto math_row = csv_row(progress.body, "Математика");
  ASSERT_EQ(math_row.size(), 14u) << progress.body;
  EXPECT_EQ(math_row[1], std::to_string(report.getSubjects()[math].getN5()));
  EXPECT_EQ(math_row[11], hundredths(report.getSubjects()[math].getSuccessHundredths()));

  auto attendance = get(port_, "/reports/attendance.xlsx?class=c5a&period=q1", director_token_);
  ASSERT_EQ(attendance.status, 200u);
  auto cells = sheet_cells(unzip_all(attendance.body), 1);
  bool checked = false;
  for (uint32_t i = 0; i < report.getStudents().size(); ++i) {
    auto s = report.getStudents()[i];
    const std::string row = std::to_string(7 + i);  // 4 captions, a gap, the header in row 6
    EXPECT_EQ(cells["B" + row].rfind(s.getFullName().cStr(), 0), 0u) << row;
    EXPECT_EQ(cells["D" + row], std::to_string(s.getAttendance().getIll()));
    EXPECT_EQ(cells["G" + row], std::to_string(s.getAttendance().getLessonsMissed()));
    checked |= s.getAttendance().getIll() > 0;
  }
  EXPECT_TRUE(checked) << "no student with a Б in the report";
}

TEST_F(ReportsTest, RefusesWithoutTheRightOrASession) {
  EXPECT_EQ(get(port_, kCompliance, parent_token_).status, 403u);
  EXPECT_EQ(get(port_, "/reports/progress.csv?class=c5a&period=q1", parent_token_).status, 403u);
  std::string teacher_token;
  auto teacher = signed_in("t-math", &teacher_token);
  EXPECT_EQ(get(port_, kCompliance, teacher_token).status, 403u);
  EXPECT_EQ(get(port_, "/reports/attendance.csv?class=c5a&period=q1", teacher_token).status, 200u);
  EXPECT_EQ(get(port_, "/reports/attendance.csv?class=c6b&period=q1", teacher_token).status, 403u);
  auto none = get(port_, kCompliance, "");
  EXPECT_EQ(none.status, 401u);
  EXPECT_NE(none.body.find("\"error\":\"not_signed_in\""), std::string::npos);
  EXPECT_EQ(get(port_, kCompliance, std::string(64, 'a')).status, 401u);
  // A token in the URL is not a credential.
  EXPECT_EQ(get(port_, kCompliance + "&token=" + director_token_, "").status, 401u);
  // Signed out: the token stops working for downloads too.
  ASSERT_TRUE(director_->request("out", R"("signOut": null)"));
  EXPECT_EQ(get(port_, kCompliance, director_token_).status, 401u);
}

TEST_F(ReportsTest, BadParametersAndUnknownThings) {
  std::string token;
  auto deputy = signed_in("deputy", &token);
  EXPECT_EQ(get(port_, kCompliance, token).status, 200u);
  EXPECT_EQ(get(port_, "/reports/compliance.xlsx?school=sch1&month=2026-13", token).status, 400u);
  EXPECT_EQ(get(port_, "/reports/compliance.xlsx?school=sch1", token).status, 400u);
  EXPECT_EQ(get(port_, "/reports/compliance.xlsx?school=sch1&month=%ZZ", token).status, 400u);
  EXPECT_EQ(get(port_, "/reports/progress.csv?class=c5a&period=nope", token).status, 404u);
  EXPECT_EQ(get(port_, "/reports/progress.pdf?class=c5a&period=q1", token).status, 404u);
  EXPECT_EQ(get(port_, "/reports/secrets.csv", token).status, 404u);
  auto head = get(port_, kCompliance, token, http::verb::head);
  EXPECT_EQ(head.status, 200u);
  EXPECT_TRUE(head.body.empty());
}

}  // namespace
}  // namespace zhurnal::server::testing
