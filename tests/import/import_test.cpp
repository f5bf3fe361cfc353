// The import over a real log: what the report says, what applying writes,
// that files with errors and repeated files write nothing.
#include <gtest/gtest.h>

#include "import/internal/school_view.hpp"
#include "import_support.hpp"

namespace zhurnal::import::testing {
namespace {

using commands::testing::with_payload;

constexpr const char* kStudentsHeader =
    "Фамилия;Имя;Отчество;Дата рождения;Класс;Дата зачисления;Приказ\n";

TEST_F(ImportFixture, ReportSaysWhatWouldChangeAndWritesNothing) {
  const uint64_t head = log_->head_position();
  auto plan = prepare(data_file("students.csv"), data_file("teachers.csv"), options());
  ASSERT_TRUE(plan);
  const Report& r = plan->report();
  EXPECT_FALSE(r.has_errors()) << format_report(r);
  EXPECT_EQ(r.school_name, "МАОУ СОШ № 1");
  EXPECT_EQ(r.year_name, "2026/2027");
  EXPECT_EQ(r.today, "25.08.2026");

  const RowReport& kept = row(r, ListKind::kStudents, 2);
  EXPECT_EQ(kept.action, RowAction::kUnchanged);
  EXPECT_EQ(kept.who, "Алексеев Иван, 14.03.2015, 5А");
  const RowReport& moved = row(r, ListKind::kStudents, 3);
  EXPECT_EQ(moved.action, RowAction::kTransfer);
  EXPECT_EQ(joined(moved.changes),
            "перевести из 5А в 6Б с 01.10.2026, приказ № 15-п от 30.09.2026\n");
  const RowReport& added = row(r, ListKind::kStudents, 4);
  EXPECT_EQ(added.action, RowAction::kAdd);
  EXPECT_EQ(added.who, "Жукова Ольга Сергеевна, 02.03.2015, 5A");
  EXPECT_EQ(joined(added.changes),
            "зачислить в 5А с 01.09.2026, приказ № 102-у от 01.09.2026 \"О зачислении\", п. 3\n");
  EXPECT_EQ(joined(row(r, ListKind::kStudents, 5).changes),
            "зачислить в 6Б с 01.09.2026 (в школе с 01.09.2022), приказ № 55 от 25.08.2022\n");

  const RowReport& math = row(r, ListKind::kTeachers, 2);
  EXPECT_EQ(math.action, RowAction::kChange);
  EXPECT_EQ(joined(math.changes), "уже ведёт «Математика» в 5А\n«Математика» в 6Б с 01.09.2026\n");
  const RowReport& fresh = row(r, ListKind::kTeachers, 3);
  EXPECT_EQ(fresh.action, RowAction::kAdd);
  EXPECT_EQ(joined(fresh.changes),
            "зарегистрировать учителем\n«Русский язык» в 6Б с 01.09.2026\n"
            "«Математика» в 6Б с 01.09.2026\nклассный руководитель 6Б\n");
  const RowReport& english = row(r, ListKind::kTeachers, 4);
  EXPECT_EQ(english.action, RowAction::kUnchanged);
  EXPECT_EQ(joined(english.changes),
            "уже ведёт «Английский язык» в 5А (группа «Английский, группа 1»)\n");

  const ReportSummary s = r.summary();
  EXPECT_EQ(s.added, 3u);
  EXPECT_EQ(s.transferred, 1u);
  EXPECT_EQ(s.changed, 1u);
  EXPECT_EQ(s.unchanged, 2u);
  EXPECT_EQ(s.errors, 0u);
  EXPECT_EQ(s.commands, 8u);

  const std::string text = format_report(r);
  EXPECT_NE(text.find("строка 3: перевести — Васильев Пётр, 14.03.2015, 6 б: перевести из 5А"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("не используются столбцы «Пол»"), std::string::npos) << text;
  EXPECT_NE(text.find("не используются столбцы «Должность»"), std::string::npos) << text;
  EXPECT_NE(text.find("Итого: добавить 3, перевести 1, изменить 1, без изменений 2, ошибок 0"),
            std::string::npos)
      << text;
  EXPECT_EQ(log_->head_position(), head) << "preparing an import wrote to the log";
}

TEST_F(ImportFixture, ApplyWritesTheEventsAsTheSecretary) {
  const uint64_t head = log_->head_position();
  auto plan = prepare(data_file("students.csv"), data_file("teachers.csv"), options());
  ASSERT_TRUE(plan);
  const ApplyResult result = apply_import(*journal_, *plan);
  EXPECT_FALSE(result.stopped) << format_apply_result(result);
  EXPECT_EQ(result.written, 8u);
  EXPECT_EQ(result.duplicates, 0u);

  auto written = events_after(head);
  std::vector<std::string> types;
  for (const auto& e : written) {
    types.push_back(e.type);
    EXPECT_EQ(e.actor, "secretary");
    EXPECT_EQ(e.command_id.rfind("import-", 0), 0u) << e.command_id;
    EXPECT_EQ(e.correlation_id, written.front().correlation_id);
  }
  EXPECT_EQ(types,
            (std::vector<std::string>{"UserRegistered", "StudentTransferred", "StudentEnrolled",
                                      "StudentEnrolled", "TeachingAssigned", "TeachingAssigned",
                                      "TeachingAssigned", "ClassTeacherAssigned"}));
  with_payload(written[1], [](schema::JournalEvent::Reader ev) {
    auto t = ev.getStudentTransferred();
    EXPECT_EQ(std::string(t.getStudentId().cStr()), "s3");
    EXPECT_EQ(std::string(t.getFromClassId().cStr()), "c5a");
    EXPECT_EQ(std::string(t.getToClassId().cStr()), "c6b");
    EXPECT_EQ(std::string(t.getDate().cStr()), "2026-10-01");
  });
  with_payload(written[2], [](schema::JournalEvent::Reader ev) {
    auto s = ev.getStudentEnrolled();
    EXPECT_EQ(std::string(s.getStudentId().cStr()).rfind("sch1-s-", 0), 0u);
    EXPECT_EQ(std::string(s.getClassId().cStr()), "c5a");  // «5A» typed in Latin
    EXPECT_EQ(std::string(s.getFullName().cStr()), "Жукова Ольга Сергеевна");
    EXPECT_EQ(std::string(s.getBirthDate().cStr()), "2015-03-02");
    EXPECT_EQ(std::string(s.getFrom().cStr()), "2026-09-01");
  });
  with_payload(written[7], [](schema::JournalEvent::Reader ev) {
    EXPECT_EQ(std::string(ev.getClassTeacherAssigned().getClassId().cStr()), "c6b");
  });
}

TEST_F(ImportFixture, ReapplyingTheSameFilesWritesNothing) {
  auto first = prepare(data_file("students.csv"), data_file("teachers.csv"), options());
  ASSERT_TRUE(first);
  ASSERT_FALSE(apply_import(*journal_, *first).stopped);
  const uint64_t head = log_->head_position();

  auto again = prepare(data_file("students.csv"), data_file("teachers.csv"), options());
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->report().has_errors()) << format_report(again->report());
  EXPECT_EQ(again->report().summary().unchanged, 7u) << format_report(again->report());
  EXPECT_EQ(again->report().commands, 0u);
  const ApplyResult nothing = apply_import(*journal_, *again);
  EXPECT_EQ(nothing.written, 0u);

  // A retry of the first plan (a rerun that crashed, a concurrent apply):
  // every command answers `duplicate`.
  const ApplyResult retry = apply_import(*journal_, *first);
  EXPECT_FALSE(retry.stopped) << format_apply_result(retry);
  EXPECT_EQ(retry.written, 0u);
  EXPECT_EQ(retry.duplicates, 8u);
  EXPECT_EQ(log_->head_position(), head);
}

TEST_F(ImportFixture, ReimportRestoresWhatWasChangedSince) {
  auto first = prepare(data_file("students.csv"), data_file("teachers.csv"), options());
  ASSERT_TRUE(first);
  ASSERT_FALSE(apply_import(*journal_, *first).stopped);
  ok("secretary", R"({"assignClassTeacher": {"classId": "c6b", "teacherId": "t-math"}})");

  auto again = prepare(data_file("students.csv"), data_file("teachers.csv"), options());
  ASSERT_TRUE(again);
  const RowReport& r = row(again->report(), ListKind::kTeachers, 3);
  EXPECT_EQ(r.action, RowAction::kChange);
  EXPECT_NE(joined(r.changes).find("классный руководитель 6Б (вместо Иванова Мария Петровна)"),
            std::string::npos)
      << joined(r.changes);
  // The same files, a later state: fresh command ids, so the change is written.
  const ApplyResult result = apply_import(*journal_, *again);
  EXPECT_EQ(result.written, 1u) << format_apply_result(result);
  with_payload(last_event(), [](schema::JournalEvent::Reader ev) {
    EXPECT_EQ(std::string(ev.getClassTeacherAssigned().getTeacherId().cStr()).rfind("sch1-t-", 0),
              0u);
  });
}

// A kept ImportState is caught up before each check: at every step it plans
// exactly what a fresh read of the whole log plans.
TEST_F(ImportFixture, KeptStateChecksLikeAFreshReadOfTheLog) {
  ImportState state("sch1");
  const auto students = data_file("students.csv");
  const auto teachers = data_file("teachers.csv");
  auto same_as_fresh = [&](const char* step) -> std::optional<ImportPlan> {
    auto kept = prepare_import(*log_, state, students, teachers, options());
    EXPECT_TRUE(kept) << step;
    auto fresh = prepare(students, teachers, options());
    if (!kept || !fresh) return std::nullopt;
    EXPECT_EQ(format_report(kept->report()), format_report(fresh->report())) << step;
    EXPECT_EQ(kept->command_ids(), fresh->command_ids()) << step;
    return *kept;
  };

  auto first = same_as_fresh("before the import");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->report().summary().added, 3u) << format_report(first->report());
  ASSERT_FALSE(apply_import(*journal_, *first).stopped);

  auto after = same_as_fresh("after applying it");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->report().summary().unchanged, 7u) << format_report(after->report());

  ok("secretary", R"({"assignClassTeacher": {"classId": "c6b", "teacherId": "t-math"}})");
  auto changed = same_as_fresh("after a change made since");
  ASSERT_TRUE(changed);
  EXPECT_EQ(row(changed->report(), ListKind::kTeachers, 3).action, RowAction::kChange);

  ImportOptions other = options();
  other.school_id = "sch2";
  auto wrong = prepare_import(*log_, state, students, teachers, other);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code(), events::StatusCode::kInvalidArgument);
}

// An event the view folds whose payload does not decode stops the catch-up
// with kCorruption, and does so again on the next call: the view never
// moves past it as if it had been folded.
TEST_F(ImportFixture, UndecodablePayloadIsNotSkippedByALaterCatchUp) {
  const uint64_t before = log_->head_position();
  auto appended = log_->append({{"user-broken", events::ExpectedVersion::any(),
                                 {{"UserRegistered", std::string("not a Cap'n Proto message")}}}},
                               events::CommandContext{"cmd-broken", "system", "", "", std::nullopt});
  ASSERT_TRUE(appended) << appended.error().to_string();
  internal::SchoolView view("sch1");
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto r = view.catch_up(*log_);
    ASSERT_FALSE(r) << "attempt " << attempt;
    EXPECT_EQ(r.error().code(), events::StatusCode::kCorruption);
    EXPECT_NE(r.error().message().find("event " + std::to_string(before + 1)), std::string::npos)
        << r.error().message();
    EXPECT_EQ(view.position(), before) << "attempt " << attempt;
  }
}

TEST_F(ImportFixture, FilesWithErrorsWriteNothing) {
  const uint64_t head = log_->head_position();
  auto plan =
      prepare(data_file("students_errors.csv"), data_file("teachers_errors.csv"), options());
  ASSERT_TRUE(plan);
  const Report& r = plan->report();
  ASSERT_TRUE(r.has_errors());
  struct Expected {
    ListKind list;
    int line;
    const char* reason;  // part of the row's errors
  } expected[] = {
      {ListKind::kStudents, 4, "Дата рождения «31.02.2015» не распознана"},
      {ListKind::kStudents, 5, "В ФИО нужны хотя бы фамилия и имя"},
      {ListKind::kStudents, 6, "Класс «7В» не открыт в учебном году 2026/2027"},
      {ListKind::kStudents, 7, "Не указан приказ о зачислении"},
      {ListKind::kStudents, 8, "Ученик повторяется в файле: строки 8, 9"},
      {ListKind::kStudents, 9, "Ученик повторяется в файле: строки 8, 9"},
      {ListKind::kTeachers, 2, "Предмета «Алгебра» нет в справочнике школы"},
      {ListKind::kTeachers, 3, "Класс «12А» не распознан"},
  };
  for (const Expected& e : expected) {
    const RowReport& got = row(r, e.list, e.line);
    EXPECT_EQ(got.action, RowAction::kError) << e.line;
    EXPECT_NE(joined(got.errors).find(e.reason), std::string::npos)
        << "line " << e.line << ": " << joined(got.errors);
  }
  EXPECT_EQ(row(r, ListKind::kStudents, 10).action, RowAction::kUnchanged);
  const RowReport& led = row(r, ListKind::kTeachers, 4);
  EXPECT_EQ(led.action, RowAction::kChange);
  EXPECT_EQ(joined(led.changes), "«Математика» в 6Б с 01.09.2026\nклассный руководитель 6Б\n");
  EXPECT_EQ(r.summary().errors, 8u);
  EXPECT_EQ(r.rows.size(), 10u) << "the blank row 11 is skipped";

  const ApplyResult result = apply_import(*journal_, *plan);
  EXPECT_TRUE(result.stopped);
  EXPECT_EQ(result.written, 0u);
  EXPECT_EQ(log_->head_position(), head) << "a file with errors wrote to the log";
}

TEST_F(ImportFixture, StudentRowChecks) {
  struct Case {
    const char* row;
    RowAction action;
    const char* text;  // part of the changes or errors
  } cases[] = {
      {"Ким;Юна;;14.03.2015;5А;01.06.2027;№ 9", RowAction::kError,
       "позже конца учебного года 2026/2027"},
      {"Ким;Юна;;14.03.2024;5А;01.09.2026;№ 9", RowAction::kError, "неправдоподобна"},
      {"Ким;Юна;;14.03.2015;5А;;№ 9", RowAction::kError, "Не указана дата зачисления"},
      {"Ким;Юна;;14.03.2015;;01.09.2026;№ 9", RowAction::kError, "Не указан класс"},
      {"Белова;Мария;;14.03.2015;6Б;15.10.2026;", RowAction::kError, "Не указан приказ о переводе"},
      {"Белова;Мария;;14.03.2015;6Б;01.09.2025;№ 9", RowAction::kTransfer,
       "с 01.09.2026 (в файле 01.09.2025 — раньше начала учебного года)"},
      {"БЕЛОВА;мария;;2015-03-14;5 а;;", RowAction::kUnchanged, "уже в классе 5А"},
      {"Белова;Мария;;15.03.2015;5А;01.09.2026;№ 9", RowAction::kAdd, "зачислить в 5А"},
  };
  for (const Case& c : cases) {
    auto plan = prepare(text_file("s.csv", std::string(kStudentsHeader) + c.row + "\n"),
                        std::nullopt, options());
    ASSERT_TRUE(plan);
    const RowReport& got = row(plan->report(), ListKind::kStudents, 2);
    EXPECT_EQ(got.action, c.action) << c.row << "\n" << format_report(plan->report());
    const std::string details = joined(got.errors) + joined(got.changes);
    EXPECT_NE(details.find(c.text), std::string::npos) << c.row << " -> " << details;
  }
}

TEST_F(ImportFixture, TeacherRowChecks) {
  const std::string header = "ФИО;Предметы;Классы;Группа;Классный руководитель\n";
  struct Case {
    const char* rows;
    int line;
    RowAction action;
    const char* text;  // part of the changes or errors
  } cases[] = {
      {"Новикова Анна Сергеевна;Математика;5А;;", 2, RowAction::kError, "без роли учителя"},
      {"Иванова Мария;Математика;;;", 2, RowAction::kError, "не указаны классы"},
      {"Иванова Мария;;5А;;", 2, RowAction::kError, "не указаны предметы"},
      {"Морозова Дарья Андреевна;английский язык;5А;Группа 2;", 2, RowAction::kError,
       "В классе 5А нет группы «Группа 2»"},
      {"Морозова Дарья Андреевна;eng;5А;g1;", 2, RowAction::kUnchanged, "уже ведёт"},
      {"Морозова Дарья Андреевна;;;;да", 2, RowAction::kError, "укажите, какого класса"},
      {"Морозова Дарья Андреевна;;;;5А", 2, RowAction::kChange,
       "классный руководитель 5А (вместо Петрова Светлана Юрьевна)"},
      {"Петрова Светлана Юрьевна;Русский язык;5А, 1А;;5А", 2, RowAction::kUnchanged,
       "уже классный руководитель 5А"},
      {"Петрова Светлана Юрьевна;;;;6Б\nИванова Мария Петровна;;;;6 б", 3, RowAction::kError,
       "Классный руководитель 6Б повторяется в файле: строки 2, 3"},
      {"Орлов Олег;Математика;6Б;;\nОрлов Олег;математика, Русский язык;6Б;;", 3, RowAction::kError,
       "Нагрузка «Математика» в 6Б у Орлов Олег повторяется в файле"},
      {"Орлов Олег;Математика;6Б;;\nОрлов Олег;Русский язык;5А;;", 3, RowAction::kChange,
       "«Русский язык» в 5А с 01.09.2026"},
  };
  for (const Case& c : cases) {
    auto plan = prepare(std::nullopt, text_file("t.csv", header + c.rows + "\n"), options());
    ASSERT_TRUE(plan);
    const RowReport& got = row(plan->report(), ListKind::kTeachers, c.line);
    EXPECT_EQ(got.action, c.action) << c.rows << "\n" << format_report(plan->report());
    const std::string details = joined(got.errors) + joined(got.changes);
    EXPECT_NE(details.find(c.text), std::string::npos) << c.rows << " -> " << details;
  }
}

// A retired subject takes no new loads: a list naming it is an error of
// its row, and the subjects the report offers instead are those in use.
TEST_F(ImportFixture, ARetiredSubjectIsAnErrorOfTheRow) {
  ok("admin", R"({"defineSubject": {"schoolId": "sch1", "subjectId": "eng",
      "name": "Английский язык", "retired": true}})");
  auto plan = prepare(std::nullopt,
                      text_file("t.csv", "ФИО;Предметы;Классы\nОрлов Олег;Английский язык;6Б\n"),
                      options());
  ASSERT_TRUE(plan);
  const RowReport& got = row(plan->report(), ListKind::kTeachers, 2);
  EXPECT_EQ(got.action, RowAction::kError);
  const std::string errors = joined(got.errors);
  EXPECT_NE(errors.find("Предмет «Английский язык» выведен из употребления (есть: "),
            std::string::npos)
      << errors;
  EXPECT_EQ(errors.find(", Английский язык"), std::string::npos) << errors;
}

TEST_F(ImportFixture, OpenClassesOpensMissingClassesInTheCurrentYear) {
  const ImportFile file = text_file(
      "s.csv", std::string(kStudentsHeader) + "Орлова;Вера;;14.03.2014;7В;01.09.2026;№ 3\n");
  auto refused = prepare(file, std::nullopt, options());
  ASSERT_TRUE(refused);
  EXPECT_NE(joined(row(refused->report(), ListKind::kStudents, 2).errors).find("--open-classes"),
            std::string::npos);

  ImportOptions o = options();
  o.open_classes = true;
  auto plan = prepare(file, std::nullopt, o);
  ASSERT_TRUE(plan);
  EXPECT_FALSE(plan->report().has_errors()) << format_report(plan->report());
  EXPECT_EQ(plan->report().classes_to_open, (std::vector<std::string>{"7В"}));
  const uint64_t head = log_->head_position();
  ASSERT_FALSE(apply_import(*journal_, *plan).stopped);
  auto written = events_after(head);
  ASSERT_EQ(written.size(), 2u);
  with_payload(written[0], [](schema::JournalEvent::Reader ev) {
    auto c = ev.getClassOpened();
    EXPECT_EQ(std::string(c.getClassId().cStr()), "sch1-y2026-7v");
    EXPECT_EQ(std::string(c.getYearId().cStr()), "y2026");
    EXPECT_EQ(c.getGrade(), 7);
    EXPECT_EQ(std::string(c.getLetter().cStr()), "В");
  });
  with_payload(written[1], [](schema::JournalEvent::Reader ev) {
    EXPECT_EQ(std::string(ev.getStudentEnrolled().getClassId().cStr()), "sch1-y2026-7v");
  });
  // Now the class exists: the same file again is unchanged.
  auto again = prepare(file, std::nullopt, o);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->report().classes_to_open.empty());
  EXPECT_EQ(row(again->report(), ListKind::kStudents, 2).action, RowAction::kUnchanged);
}

TEST_F(ImportFixture, OnlyTheSecretaryOrTheAdministratorImports) {
  for (const char* actor : {"t-math", "director", "nobody", "auditor"}) {
    auto plan = prepare(data_file("students.csv"), std::nullopt, options(actor));
    ASSERT_TRUE(plan);
    ASSERT_EQ(plan->report().file_errors.size(), 1u) << actor;
    EXPECT_NE(plan->report().file_errors[0].find("нужна роль секретаря или администратора"),
              std::string::npos);
  }
  auto admin = prepare(data_file("students.csv"), std::nullopt, options("admin"));
  ASSERT_TRUE(admin);
  EXPECT_FALSE(admin->report().has_errors()) << format_report(admin->report());
}

TEST_F(ImportFixture, ApplyStopsAtTheFirstRejection) {
  auto plan = prepare(data_file("students.csv"), data_file("teachers.csv"), options());
  ASSERT_TRUE(plan);
  // Between the check and the apply the secretary loses her role.
  ok("admin", R"({"changeRoles": {"userId": "secretary", "roles": ["teacher"]}})");
  const uint64_t head = log_->head_position();
  const ApplyResult result = apply_import(*journal_, *plan);
  EXPECT_TRUE(result.stopped);
  EXPECT_EQ(result.rejection.code, commands::ErrorCode::kNotAuthorized);
  EXPECT_EQ(result.line, 3);  // Соколова's registration runs first
  EXPECT_EQ(result.written, 0u);
  EXPECT_EQ(log_->head_position(), head);
  EXPECT_NE(format_apply_result(result).find("Запись остановлена на строке 3"), std::string::npos)
      << format_apply_result(result);
}

TEST_F(ImportFixture, Windows1251FileFromRussianExcel) {
  auto plan = prepare(data_file("students_cp1251.csv"), std::nullopt, options());
  ASSERT_TRUE(plan);
  const Report& r = plan->report();
  EXPECT_FALSE(r.has_errors()) << format_report(r);
  EXPECT_EQ(row(r, ListKind::kStudents, 2).who, "Ёлкина Анна, 14.03.2015, 5А");
  EXPECT_NE(format_report(r).find("кодировка Windows-1251"), std::string::npos);
}

TEST_F(ImportFixture, UnknownSchoolAndMissingColumns) {
  ImportOptions o = options();
  o.school_id = "sch9";
  auto plan = prepare(data_file("students.csv"), std::nullopt, o);
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->report().file_errors.size(), 1u);
  EXPECT_EQ(plan->report().file_errors[0], "Школа «sch9» не найдена в журнале");

  auto no_class = prepare(text_file("s.csv", "Фамилия;Имя;Дата рождения\nКим;Юна;14.03.2015\n"),
                          std::nullopt, options());
  ASSERT_TRUE(no_class);
  ASSERT_EQ(no_class->report().file_errors.size(), 1u);
  EXPECT_EQ(no_class->report().file_errors[0], "Ученики (s.csv): нет столбца «Класс»");
}

}  // namespace
}  // namespace zhurnal::import::testing
