#include "report_routes.hpp"

#include <spdlog/spdlog.h>

#include <map>

#include "report_tables.hpp"
#include "report_writers.hpp"

namespace zhurnal::server::internal {
namespace {

namespace http = boost::beast::http;

constexpr size_t kMaxParam = 128;

HttpResponse base(const HttpRequest& req, http::status status) {
  HttpResponse res{status, req.version()};
  res.set(http::field::server, "zhurnal");
  res.set("X-Content-Type-Options", "nosniff");
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  return res;
}

std::string json_escape(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    if (static_cast<unsigned char>(ch) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", ch);
      out += buf;
      continue;
    }
    out += ch;
  }
  return out;
}

HttpResponse error(const HttpRequest& req, http::status status, const std::string& code,
                   const std::string& message) {
  HttpResponse res = base(req, status);
  res.set(http::field::content_type, "application/json; charset=utf-8");
  if (status == http::status::unauthorized) res.set(http::field::www_authenticate, "Bearer");
  res.body() = req.method() == http::verb::head
                   ? std::string()
                   : "{\"error\":\"" + code + "\",\"message\":\"" + json_escape(message) + "\"}";
  res.content_length(res.body().size());
  return res;
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded query -> parameters; nullopt when malformed.
std::optional<std::map<std::string, std::string>> parse_query(std::string_view q) {
  std::map<std::string, std::string> out;
  while (!q.empty()) {
    const size_t amp = q.find('&');
    std::string_view pair = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    std::string key(pair.substr(0, eq)), value;
    std::string_view raw = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '+') {
        value += ' ';
      } else if (raw[i] == '%') {
        if (i + 2 >= raw.size()) return std::nullopt;
        const int a = hex(raw[i + 1]), b = hex(raw[i + 2]);
        if (a < 0 || b < 0) return std::nullopt;
        value += static_cast<char>(a * 16 + b);
        i += 2;
      } else {
        value += raw[i];
      }
    }
    if (value.size() > kMaxParam || value.find('\0') != std::string::npos) return std::nullopt;
    out[key] = std::move(value);
  }
  return out;
}

// RFC 5987 ext-value: UTF-8'' and every byte outside attr-char as %XX.
std::string rfc5987(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out = "UTF-8''";
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || std::string_view("!#$&+-.^_`|~").find(static_cast<char>(ch)) != std::string_view::npos) {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    }
  }
  return out;
}

// An ASCII file name for clients without RFC 5987: letters, digits, '-', '.', '_'.
std::string ascii_name(const std::string& s) {
  std::string out;
  for (unsigned char ch : s) out += std::isalnum(ch) || ch == '-' || ch == '.' || ch == '_' ? static_cast<char>(ch) : '_';
  return out;
}

const char* kForbidden = "Недостаточно прав для просмотра";

}  // namespace

std::optional<HttpResponse> handle_report(SharedState& state, const HttpRequest& req) {
  const std::string_view target(req.target().data(), req.target().size());
  constexpr std::string_view kPrefix = "/reports/";
  if (target.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  const size_t qmark = target.find('?');
  const std::string_view file = target.substr(kPrefix.size(), qmark == std::string_view::npos
                                                                  ? std::string_view::npos
                                                                  : qmark - kPrefix.size());
  const size_t dot = file.rfind('.');
  const std::string name(file.substr(0, dot));
  const std::string format(dot == std::string_view::npos ? std::string_view() : file.substr(dot + 1));
  if ((name != "compliance" && name != "progress" && name != "attendance") ||
      (format != "csv" && format != "xlsx")) {
    return error(req, http::status::not_found, "not_found", "Такого отчёта нет");
  }

  ServerContext& ctx = state.context;
  const auto token = bearer_token(req);
  const auto user = token ? ctx.auth->user_of(*token) : std::nullopt;
  if (!user) return error(req, http::status::unauthorized, "not_signed_in", "Войдите в систему");

  const auto params = parse_query(qmark == std::string_view::npos ? std::string_view() : target.substr(qmark + 1));
  if (!params) return error(req, http::status::bad_request, "bad_request", "Некорректные параметры отчёта");
  auto param = [&](const char* key) {
    auto it = params->find(key);
    return it == params->end() ? std::string() : it->second;
  };

  Report report;
  if (name == "compliance") {
    const std::string school = param("school"), month = param("month");
    if (school.empty() || month.empty()) {
      return error(req, http::status::bad_request, "bad_request", "Укажите школу и месяц");
    }
    if (!ctx.journal->may_read_school(*user, school)) {
      return error(req, http::status::forbidden, "forbidden", kForbidden);
    }
    auto view = ctx.views->compliance(school, month);
    if (!view) {
      const bool bad = view.error().code() == events::StatusCode::kInvalidArgument;
      return error(req, bad ? http::status::bad_request : http::status::not_found, bad ? "bad_request" : "not_found",
                   view.error().message());
    }
    auto info = ctx.journal->school_info(school);
    report = compliance_report((*view)->getRoot<schema::ComplianceView>().asReader(),
                               info ? info->time_zone : std::string("UTC"));
  } else {
    const std::string klass = param("class"), period = param("period");
    if (klass.empty() || period.empty()) {
      return error(req, http::status::bad_request, "bad_request", "Укажите класс и период");
    }
    if (!ctx.journal->may_read_class(*user, klass)) {
      return error(req, http::status::forbidden, "forbidden", kForbidden);
    }
    auto view = ctx.views->class_report(klass, period);
    if (!view) return error(req, http::status::not_found, "not_found", view.error().message());
    auto r = (*view)->getRoot<schema::ClassReport>().asReader();
    report = name == "progress" ? progress_report(r) : attendance_report(r);
  }

  std::string body;
  const char* type;
  if (format == "csv") {
    body = to_csv(report);
    type = "text/csv; charset=utf-8";
  } else {
    auto bytes = to_xlsx(report);
    if (!bytes) {
      if (ctx.logger) ctx.logger->error("report {} not written: {}", name, bytes.error());
      return error(req, http::status::internal_server_error, "internal", "Не удалось составить отчёт");
    }
    body = std::move(*bytes);
    type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  }
  HttpResponse res = base(req, http::status::ok);
  res.set(http::field::content_type, type);
  res.set(http::field::content_disposition, "attachment; filename=\"" + ascii_name(report.ascii_name) + "." +
                                                format + "\"; filename*=" + rfc5987(report.file_name + "." + format));
  if (req.method() != http::verb::head) res.body() = std::move(body);
  res.content_length(res.body().size());
  if (ctx.logger) ctx.logger->info("report {}.{} for {} ({} bytes)", name, format, *user, res.body().size());
  return res;
}

}  // namespace zhurnal::server::internal
