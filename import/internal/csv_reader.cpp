#include "csv_reader.hpp"

#include <csv.h>
#include <iconv.h>

#include <memory>
#include <optional>

#include "text.hpp"

namespace zhurnal::import::internal {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// glibc's iconv: `from` to UTF-8; nullopt when the bytes are not valid in it.
std::optional<std::string> iconv_to_utf8(std::string_view in, const char* from) {
  iconv_t cd = iconv_open("UTF-8", from);
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  std::string out(in.size() * 4 + 16, '\0');  // CP1251 grows at most 3x, UTF-16 2x
  char* in_ptr = const_cast<char*>(in.data());
  size_t in_left = in.size();
  char* out_ptr = out.data();
  size_t out_left = out.size();
  const size_t r = iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
  iconv_close(cd);
  if (r == static_cast<size_t>(-1) || in_left != 0) return std::nullopt;
  out.resize(out.size() - out_left);
  return out;
}

struct Sink {
  CsvTable* table = nullptr;
  std::vector<std::string> fields;
  int line = 1;         // the physical line of the byte being fed
  int record_line = 0;  // where the current record started; 0 between records
  std::string error;
};

void on_field(void* data, size_t size, void* context) {
  auto* sink = static_cast<Sink*>(context);
  if (size > kMaxFieldBytes && sink->error.empty()) {
    sink->error = "строка " + std::to_string(sink->record_line) +
                  ": слишком длинное поле (больше " + std::to_string(kMaxFieldBytes) + " байт)";
  }
  sink->fields.emplace_back(data ? static_cast<const char*>(data) : "", data ? size : 0);
}

void on_record(int /*terminator*/, void* context) {
  auto* sink = static_cast<Sink*>(context);
  bool blank = true;
  for (const std::string& f : sink->fields) blank = blank && tidy(f).empty();
  if (!blank) sink->table->records.push_back({sink->record_line, std::move(sink->fields)});
  sink->fields.clear();
  sink->record_line = 0;
}

int space_not_tab(unsigned char c) { return c == ' '; }

struct ParserFree {
  void operator()(csv_parser* p) const {
    csv_free(p);
    delete p;
  }
};

}  // namespace

std::expected<std::string, std::string> decode_to_utf8(std::string_view bytes,
                                                       std::string* encoding) {
  if (starts_with(bytes, "PK\x03\x04") || starts_with(bytes, "\xD0\xCF\x11\xE0")) {
    return std::unexpected(
        "это книга Excel, а не CSV: сохраните лист как «CSV UTF-8 (разделитель — запятая)»");
  }
  std::string text;
  if (starts_with(bytes, "\xFF\xFE") || starts_with(bytes, "\xFE\xFF")) {
    auto converted = iconv_to_utf8(bytes.substr(2), bytes[0] == '\xFF' ? "UTF-16LE" : "UTF-16BE");
    if (!converted) return std::unexpected("файл в UTF-16 повреждён");
    text = std::move(*converted);
    *encoding = "UTF-16";
  } else if (valid_utf8(bytes)) {
    text.assign(bytes);
    *encoding = "UTF-8";
  } else {
    // Not UTF-8: Russian Excel's plain "CSV" is Windows-1251, where every
    // byte is a character, so the conversion itself cannot fail on it.
    auto converted = iconv_to_utf8(bytes, "CP1251");
    if (!converted) {
      return std::unexpected("неизвестная кодировка файла: сохраните его как «CSV UTF-8»");
    }
    text = std::move(*converted);
    *encoding = "Windows-1251";
  }
  if (starts_with(text, "\xEF\xBB\xBF")) text.erase(0, 3);
  if (text.find('\0') != std::string::npos) {
    return std::unexpected("в файле есть нулевые байты: это не текстовый CSV");
  }
  return text;
}

char detect_delimiter(std::string_view text) {
  size_t semicolons = 0, commas = 0, tabs = 0;
  bool quoted = false;
  int lines = 0;
  for (size_t i = 0; i <= text.size() && lines < 10; ++i) {
    const char c = i < text.size() ? text[i] : '\n';
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == ';') ++semicolons;
    if (c == ',') ++commas;
    if (c == '\t') ++tabs;
    if (c == '\n' || c == '\r') {
      if (semicolons + commas + tabs > 0) break;
      ++lines;
    }
  }
  if (semicolons >= commas && semicolons >= tabs && semicolons > 0) return ';';
  if (tabs >= commas && tabs > 0) return '\t';
  return ',';
}

std::expected<CsvTable, std::string> read_csv(std::string_view bytes) {
  if (bytes.size() > kMaxCsvBytes) {
    return std::unexpected("файл больше " + std::to_string(kMaxCsvBytes >> 20) + " МиБ");
  }
  CsvTable table;
  auto text = decode_to_utf8(bytes, &table.encoding);
  if (!text) return std::unexpected(text.error());
  table.delimiter = detect_delimiter(*text);

  std::unique_ptr<csv_parser, ParserFree> parser(new csv_parser);
  if (csv_init(parser.get(), CSV_STRICT | CSV_STRICT_FINI) != 0) {
    delete parser.release();
    return std::unexpected("не удалось запустить разбор CSV");
  }
  csv_set_delim(parser.get(), static_cast<unsigned char>(table.delimiter));
  if (table.delimiter == '\t') csv_set_space_func(parser.get(), space_not_tab);

  Sink sink;
  sink.table = &table;
  const std::string& t = *text;
  // One byte at a time, so that every record knows the line it starts on.
  for (size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (sink.record_line == 0 && c != '\r' && c != '\n') sink.record_line = sink.line;
    if (csv_parse(parser.get(), &c, 1, on_field, on_record, &sink) != 1) {
      return std::unexpected("строка " + std::to_string(sink.line) +
                             ": ошибка в кавычках (кавычка внутри поля должна быть удвоена, "
                             "а поле с кавычками — заключено в кавычки)");
    }
    if (!sink.error.empty()) return std::unexpected(sink.error);
    if (table.records.size() > kMaxCsvRecords) {
      return std::unexpected("больше " + std::to_string(kMaxCsvRecords) + " строк");
    }
    if (c == '\n' || (c == '\r' && (i + 1 == t.size() || t[i + 1] != '\n'))) ++sink.line;
  }
  if (csv_fini(parser.get(), on_field, on_record, &sink) != 0 ||
      csv_error(parser.get()) != CSV_SUCCESS) {
    return std::unexpected("строка " + std::to_string(sink.record_line) +
                           ": кавычка открыта и не закрыта до конца файла");
  }
  if (!sink.error.empty()) return std::unexpected(sink.error);
  return table;
}

}  // namespace zhurnal::import::internal
