// Downloadable reports as tables: the read models (schema/views.capnp) laid
// out as sheets of typed cells, independent of the file format. The CSV and
// XLSX writers (report_writers.hpp) render the same Report, so a figure in
// the file is the figure of the view (docs/compliance.md defines them).
//
// Pure functions of a view; no I/O, any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "schema/views.capnp.h"

namespace zhurnal::server::internal {

struct ReportCell {
  enum class Kind : uint8_t {
    kText,     // text as is (names, reasons: never evaluated as a formula)
    kInteger,  // a count
    kPercent,  // `value` in hundredths of a percent: 6667 = 66.67 %
    kDecimal,  // `value` in hundredths: 425 = 4.25
    kEmpty,
  };
  Kind kind = Kind::kEmpty;
  std::string text;
  int64_t value = 0;

  static ReportCell str(std::string t) { return {Kind::kText, std::move(t), 0}; }
  static ReportCell integer(int64_t v) { return {Kind::kInteger, {}, v}; }
  static ReportCell percent(int64_t hundredths) { return {Kind::kPercent, {}, hundredths}; }
  static ReportCell decimal(int64_t hundredths) { return {Kind::kDecimal, {}, hundredths}; }
  static ReportCell empty() { return {}; }
};

struct ReportSheet {
  std::string name;                    // the sheet's tab, at most 31 characters
  std::vector<std::string> captions;   // lines above the table (title, school, sign-off)
  std::vector<std::string> header;     // column names
  std::vector<double> widths;          // column widths in characters (XLSX)
  std::vector<std::vector<ReportCell>> rows;
};

struct Report {
  std::string file_name;   // Russian, without the extension ("Мониторинг журнала 2026-10")
  std::string ascii_name;  // fallback for old clients ("compliance-2026-10")
  std::vector<ReportSheet> sheets;
};

// The month's compliance check: the school, teachers, classes,
// participation, corrections and late marks, and the sign-off.
// `time_zone`: the school's IANA zone for instants (UTC if unknown).
Report compliance_report(schema::ComplianceView::Reader view, const std::string& time_zone);

// Class progress for a period: per student and subject the weighted
// average and the period mark, the category; per subject успеваемость,
// качество знаний, СОУ; the categories' totals.
Report progress_report(schema::ClassReport::Reader report);

// Attendance of a class for a period: Н, Б, У, ОП, lessons and days missed,
// per month missed of lessons and the 30 % flag.
Report attendance_report(schema::ClassReport::Reader report);

// "2026-10-07 14:05" in the zone, for UTC microseconds.
std::string local_time_text(int64_t at_us, const std::string& time_zone);

}  // namespace zhurnal::server::internal
