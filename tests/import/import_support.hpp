// ImportFixture: the seeded school of JournalFixture (sch1: classes c5a «5А»,
// c1a «1А», c6b «6Б» in 2026/2027, students s1..s4 in 5А, teachers t-math,
// t-rus, t-eng; clock at 2026-08-25 09:00 school time) plus helpers to read
// the CSV fixtures in tests/import/data, prepare and apply imports.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "commands/journal_fixture.hpp"
#include "zhurnal/import/import.hpp"

namespace zhurnal::import::testing {

class ImportFixture : public commands::testing::JournalFixture {
 protected:
  // A file of tests/import/data.
  static ImportFile data_file(const std::string& name) {
    std::ifstream in(std::string(ZHURNAL_IMPORT_TEST_DATA) + "/" + name, std::ios::binary);
    EXPECT_TRUE(in) << name;
    return {name, std::string(std::istreambuf_iterator<char>(in), {})};
  }
  static ImportFile text_file(const std::string& name, const std::string& text) {
    return {name, text};
  }

  ImportOptions options(const std::string& actor = "secretary") {
    ImportOptions o;
    o.school_id = "sch1";
    o.actor = actor;
    o.clock_us = [this] { return now_.load(); };
    return o;
  }

  std::optional<ImportPlan> prepare(const std::optional<ImportFile>& students,
                                    const std::optional<ImportFile>& teachers,
                                    const ImportOptions& o) {
    auto plan = prepare_import(*log_, students, teachers, o);
    EXPECT_TRUE(plan) << plan.error().to_string();
    if (!plan) return std::nullopt;
    return *plan;
  }

  // The report's row for a line of one list; fails the test when absent.
  static const RowReport& row(const Report& report, ListKind list, int line) {
    for (const RowReport& r : report.rows) {
      if (r.list == list && r.line == line) return r;
    }
    ADD_FAILURE() << "no row for line " << line;
    static const RowReport kNone;
    return kNone;
  }

  std::vector<events::RecordedEvent> events_after(uint64_t position) {
    auto all = log_->read_all(position + 1, 1000);
    EXPECT_TRUE(all);
    return all ? *all : std::vector<events::RecordedEvent>{};
  }

  static std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& s : items) out += s + "\n";
    return out;
  }
};

}  // namespace zhurnal::import::testing
