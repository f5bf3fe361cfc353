// The seeded school of JournalFixture with a mark of s1 in l-math posted,
// corrected and cancelled at known school-local times, for the replay tests:
//   09:30  m1 = 3 (oral), attendance of s2: Б
//   11:00  m1 corrected 3 -> 4 "Ошибка ввода"
//   12:00  m1 cancelled (4) "Выставлена не тому ученику"
//   12:30  m2 = 5 for s2 (test)
// All on 2026-10-05 in Asia/Yekaterinburg (UTC+5).
#pragma once

#include "commands/journal_fixture.hpp"

namespace zhurnal::replay::testing {

class ReplayFixture : public commands::testing::JournalFixture {
 protected:
  void SetUp() override {
    JournalFixture::SetUp();
    at("2026-10-05 09:30");
    ok("t-math", post("m1", "s1", 3, "oral"));
    ok("t-math", R"({"recordAttendance": {"lessonId": "l-math", "studentId": "s2", "code": "ill"}})");
    at("2026-10-05 11:00");
    ok("t-math", R"({"correctMark": {"markId": "m1", "value": {"numeric": 4}, "reason": "Ошибка ввода"}})");
    at("2026-10-05 12:00");
    ok("t-math", R"({"cancelMark": {"markId": "m1", "reason": "Выставлена не тому ученику"}})");
    at("2026-10-05 12:30");
    ok("t-math", post("m2", "s2", 5, "test"));
  }

  static std::string post(const std::string& id, const std::string& student, int value,
                          const std::string& work) {
    return R"({"postMark": {"markId": ")" + id + R"(", "lessonId": "l-math", "studentId": ")" +
           student + R"(", "value": {"numeric": )" + std::to_string(value) +
           R"(}, "workTypeId": ")" + work + R"(", "comment": ""}})";
  }
};

}  // namespace zhurnal::replay::testing
