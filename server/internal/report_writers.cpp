#include "report_writers.hpp"

#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "zhurnal/replay/spreadsheet_csv.hpp"

namespace zhurnal::server::internal {
namespace {

using Kind = ReportCell::Kind;

// 6667 -> "66,67"; -5 -> "-0,05".
std::string hundredths_text(int64_t v) {
  const bool negative = v < 0;
  const uint64_t a = negative ? static_cast<uint64_t>(-v) : static_cast<uint64_t>(v);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%llu,%02llu", negative ? "-" : "", static_cast<unsigned long long>(a / 100),
                static_cast<unsigned long long>(a % 100));
  return buf;
}

std::string cell_text(const ReportCell& c) {
  switch (c.kind) {
    case Kind::kText:
      return replay::csv_text(c.text);
    case Kind::kInteger: return std::to_string(c.value);
    case Kind::kPercent:
    case Kind::kDecimal: return hundredths_text(c.value);
    case Kind::kEmpty: return "";
  }
  return "";
}

// The sheet name rules of Excel: at most 31 characters, none of []:*?/\.
std::string sheet_name(const std::string& name, size_t index) {
  std::string out;
  size_t chars = 0;
  for (size_t i = 0; i < name.size() && chars < 31; ++chars) {
    const unsigned char ch = static_cast<unsigned char>(name[i]);
    const size_t len = ch < 0x80 ? 1 : ch < 0xE0 ? 2 : ch < 0xF0 ? 3 : 4;
    std::string piece = name.substr(i, len);
    if (piece.size() == 1 && std::string_view("[]:*?/\\").find(piece[0]) != std::string_view::npos) piece = "_";
    out += piece;
    i += len;
  }
  return out.empty() ? "Лист" + std::to_string(index + 1) : out;
}

struct WorkbookCloser {
  void operator()(lxw_workbook* w) const {
    if (w) workbook_close(w);
  }
};

}  // namespace

std::string to_csv(const Report& report) {
  std::string out(replay::kCsvBom);  // Excel reads the file as UTF-8
  for (size_t s = 0; s < report.sheets.size(); ++s) {
    const ReportSheet& sheet = report.sheets[s];
    if (s) out += "\r\n";
    replay::append_csv_line(out, {replay::csv_text(sheet.name)});
    for (const auto& caption : sheet.captions)
      replay::append_csv_line(out, {replay::csv_text(caption)});
    std::vector<std::string> header;
    for (const auto& h : sheet.header) header.push_back(replay::csv_text(h));
    replay::append_csv_line(out, header);
    for (const auto& row : sheet.rows) {
      std::vector<std::string> fields;
      for (const auto& c : row) fields.push_back(cell_text(c));
      replay::append_csv_line(out, fields);
    }
  }
  return out;
}

std::expected<std::string, std::string> to_xlsx(const Report& report) {
  std::error_code ec;
  const std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
  if (ec) return std::unexpected("no temporary directory: " + ec.message());
  std::string path = (dir / "zhurnal-report-XXXXXX").string();
  const int fd = ::mkstemp(path.data());
  if (fd < 0) return std::unexpected("cannot create a temporary file in " + dir.string());
  ::close(fd);
  struct Remove {
    std::string p;
    ~Remove() { std::remove(p.c_str()); }
  } remove{path};

  std::string tmpdir = dir.string();
  lxw_workbook_options options{};
  options.constant_memory = LXW_FALSE;
  options.tmpdir = tmpdir.data();
  lxw_workbook* wb = workbook_new_opt(path.c_str(), &options);
  if (!wb) return std::unexpected("libxlsxwriter could not start a workbook");
  std::unique_ptr<lxw_workbook, WorkbookCloser> guard(wb);

  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_format* title = workbook_add_format(wb);
  format_set_bold(title);
  format_set_font_size(title, 13);
  lxw_format* head = workbook_add_format(wb);
  format_set_bold(head);
  format_set_text_wrap(head);
  format_set_align(head, LXW_ALIGN_VERTICAL_TOP);
  format_set_bottom(head, LXW_BORDER_THIN);
  lxw_format* percent = workbook_add_format(wb);
  format_set_num_format(percent, "0.00%");
  lxw_format* decimal = workbook_add_format(wb);
  format_set_num_format(decimal, "0.00");

  for (size_t s = 0; s < report.sheets.size(); ++s) {
    const ReportSheet& sheet = report.sheets[s];
    const std::string name = sheet_name(sheet.name, s);
    lxw_worksheet* ws = workbook_add_worksheet(wb, name.c_str());
    if (!ws) return std::unexpected("libxlsxwriter refused the sheet " + name);
    lxw_row_t r = 0;
    for (size_t i = 0; i < sheet.captions.size(); ++i) {
      worksheet_write_string(ws, r++, 0, sheet.captions[i].c_str(), i == 0 ? title : nullptr);
    }
    if (!sheet.captions.empty()) ++r;
    const lxw_row_t header_row = r;
    for (size_t c = 0; c < sheet.header.size(); ++c) {
      worksheet_write_string(ws, r, static_cast<lxw_col_t>(c), sheet.header[c].c_str(), head);
    }
    ++r;
    for (const auto& row : sheet.rows) {
      for (size_t c = 0; c < row.size(); ++c) {
        const ReportCell& cell = row[c];
        const auto col = static_cast<lxw_col_t>(c);
        switch (cell.kind) {
          case Kind::kText: worksheet_write_string(ws, r, col, cell.text.c_str(), nullptr); break;
          case Kind::kInteger: worksheet_write_number(ws, r, col, static_cast<double>(cell.value), nullptr); break;
          case Kind::kPercent: worksheet_write_number(ws, r, col, static_cast<double>(cell.value) / 10000.0, percent); break;
          case Kind::kDecimal: worksheet_write_number(ws, r, col, static_cast<double>(cell.value) / 100.0, decimal); break;
          case Kind::kEmpty: break;
        }
      }
      ++r;
    }
    for (size_t c = 0; c < sheet.widths.size(); ++c) {
      worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), sheet.widths[c], nullptr);
    }
    worksheet_freeze_panes(ws, header_row + 1, 0);
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9);  // A4
    worksheet_fit_to_pages(ws, 1, 0);
  }
  wb = guard.release();
  if (lxw_error e = workbook_close(wb); e != LXW_NO_ERROR) {
    return std::unexpected(std::string("libxlsxwriter: ") + lxw_strerror(e));
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in && !in.eof()) return std::unexpected("cannot read the written workbook back");
  return bytes.str();
}

}  // namespace zhurnal::server::internal
