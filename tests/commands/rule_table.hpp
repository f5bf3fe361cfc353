// Table-driven rule tests over the seeded school (journal_fixture.hpp): each
// row runs one command as one actor and expects either acceptance (with the
// event on the expected stream) or one rejection code with nothing written.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "commands/internal/state.hpp"
#include "journal_fixture.hpp"

namespace zhurnal::commands::testing {

// JournalState look-ups the deciders use once they exist (see
// commands/internal/decider_support.hpp); some expectations depend on them.
template <typename S>
constexpr bool kListsClassesOf = requires(const S& s) {
  s.classes_of_school(std::string());
};
template <typename S>
constexpr bool kTracksLoginsOf = requires(const S& s) {
  s.has_credentials(std::string());
};
inline constexpr bool kStateListsClasses = kListsClassesOf<internal::JournalState>;
inline constexpr bool kStateTracksStudentLogins = kTracksLoginsOf<internal::JournalState>;

struct RuleCase {
  std::string name;
  std::optional<ErrorCode> code;  // nullopt: accepted
  std::string actor;
  std::string json;
  std::string stream = {};  // when accepted: the stream of the last event written
};

inline RuleCase accepts(std::string name, std::string actor, std::string json, std::string stream) {
  return {std::move(name), std::nullopt, std::move(actor), std::move(json), std::move(stream)};
}
inline RuleCase rejects(std::string name, ErrorCode code, std::string actor, std::string json) {
  return {std::move(name), code, std::move(actor), std::move(json)};
}

// The seeded school, a clock on 1 October 2026 (first quarter, school-local
// morning) and one more teacher, t-free, who teaches nothing.
class RulesTest : public JournalFixture {
 protected:
  void SetUp() override {
    JournalFixture::SetUp();
    at("2026-10-01 10:00");
    ok(std::string(kSystemActor), R"({"registerUser": {"userId": "t-free", "schoolId": "sch1",
        "fullName": "Орлов Денис Ильич", "roles": ["teacher"]}})");
  }

  // Runs the rows in order, in the same journal.
  void check(const std::vector<RuleCase>& cases) {
    for (const RuleCase& c : cases) {
      SCOPED_TRACE(c.name);
      if (!c.code) {
        ok(c.actor, c.json);
        if (!c.stream.empty()) {
          EXPECT_EQ(last_event().stream, c.stream);
        }
      } else {
        rejected(*c.code, c.actor, c.json);
      }
    }
  }

  const std::string sys_{kSystemActor};
};

// Replaces every "{n}" in `text` with `n`.
inline std::string with_n(std::string text, int n) {
  const std::string value = std::to_string(n);
  for (size_t at = text.find("{n}"); at != std::string::npos; at = text.find("{n}", at)) {
    text.replace(at, 3, value);
    at += value.size();
  }
  return text;
}

}  // namespace zhurnal::commands::testing
