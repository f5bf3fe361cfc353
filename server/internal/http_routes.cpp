#include "http_routes.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "import_route.hpp"
#include "report_routes.hpp"

namespace zhurnal::server::internal {
namespace {

namespace http = boost::beast::http;

HttpResponse make(const HttpRequest& req, http::status status, std::string body,
                  const char* type) {
  HttpResponse res{status, req.version()};
  res.set(http::field::server, "zhurnal");
  res.set(http::field::content_type, type);
  res.set("X-Content-Type-Options", "nosniff");
  res.keep_alive(req.keep_alive());
  res.body() = req.method() == http::verb::head ? std::string() : std::move(body);
  res.content_length(req.method() == http::verb::head ? 0 : res.body().size());
  return res;
}

const char* mime_type(const std::string& ext) {
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  return "application/octet-stream";
}

std::string metrics_text(SharedState& s) {
  const Metrics& m = *s.context.metrics;
  std::string out;
  auto counter = [&](const char* name, const char* help, const char* type, uint64_t v) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
           name + " " + std::to_string(v) + "\n";
  };
  const events::LogStats log = s.context.log->stats();
  counter("zhurnal_log_head_position", "Last committed log position.", "gauge", log.head_position);
  counter("zhurnal_appends_total", "Acknowledged appends since start.", "counter", log.appends);
  counter("zhurnal_append_duplicates_total", "Retries answered from the idempotency store.",
          "counter", log.duplicates);
  counter("zhurnal_events_total", "Events written since start.", "counter", log.events);
  counter("zhurnal_group_commits_total", "Storage writes (syncs) since start.", "counter", log.groups);
  counter("zhurnal_group_commit_micros_total", "Time spent in storage writes.", "counter",
          log.write_micros);
  auto histogram = [&](const char* name, const char* help, const auto& bounds, const auto& cumulative,
                       double scale, const std::string& sum) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " histogram\n";
    for (size_t i = 0; i < bounds.size(); ++i) {
      char le[32];
      std::snprintf(le, sizeof le, "%g", bounds[i] / scale);
      out += std::string(name) + "_bucket{le=\"" + le + "\"} " + std::to_string(cumulative[i]) + "\n";
    }
    out += std::string(name) + "_bucket{le=\"+Inf\"} " + std::to_string(cumulative.back()) + "\n";
    out += std::string(name) + "_sum " + sum + "\n";
    out += std::string(name) + "_count " + std::to_string(cumulative.back()) + "\n";
  };
  histogram("zhurnal_group_commit_events", "Events per storage write (group commit size).",
            events::LogStats::kGroupSizeBounds, log.group_sizes, 1.0, std::to_string(log.events));
  char latency_sum[32];
  std::snprintf(latency_sum, sizeof latency_sum, "%.6f", log.append_latency_sum_us / 1e6);
  histogram("zhurnal_append_seconds", "Append latency, queued to acknowledged (durable).",
            events::LogStats::kAppendLatencyBoundsUs, log.append_latency, 1e6, latency_sum);
  counter("zhurnal_connections", "Open WebSocket connections.", "gauge", m.connections.load());
  counter("zhurnal_connections_total", "WebSocket connections accepted.", "counter",
          m.connections_total.load());
  counter("zhurnal_requests_total", "Protocol requests.", "counter", m.requests.load());
  counter("zhurnal_bad_requests_total", "Malformed or unknown requests.", "counter",
          m.bad_requests.load());
  counter("zhurnal_pushes_total", "Live updates pushed.", "counter", m.pushes.load());
  counter("zhurnal_slow_consumers_closed_total", "Connections closed for not reading.", "counter",
          m.slow_consumers_closed.load());
  counter("zhurnal_sign_ins_total", "Successful sign-ins.", "counter", m.sign_ins.load());
  counter("zhurnal_sign_in_failures_total", "Refused sign-ins.", "counter",
          m.sign_in_failures.load());
  counter("zhurnal_commands_accepted_total", "Commands written.", "counter",
          m.commands_accepted.load());
  counter("zhurnal_history_pages_total", "History pages answered.", "counter",
          m.history_pages.load());
  counter("zhurnal_history_pages_continued_total",
          "History pages that continued a kept pass instead of reading the log from the start.",
          "counter", m.history_pages_continued.load());
  counter("zhurnal_subscriptions", "Live subscriptions.", "gauge", s.hub.subscriptions());
  out += "# HELP zhurnal_projection_lag Events a projection is behind the log head.\n"
         "# TYPE zhurnal_projection_lag gauge\n";
  for (const auto& p : s.context.engine->status()) {
    out += "zhurnal_projection_lag{projection=\"" + p.name + "\"} " + std::to_string(p.lag) + "\n";
  }
  m.command_latency.render("zhurnal_command_seconds",
                           "Command latency from request to durable and applied.", &out);
  m.render_rejections(&out);
  return out;
}

std::string health_json(SharedState& s) {
  const uint64_t head = s.context.log->head_position();
  const uint64_t views = s.context.engine->position();
  return "{\"status\":\"" + std::string(s.stopping ? "stopping" : "ok") + "\",\"head\":" +
         std::to_string(head) + ",\"views\":" + std::to_string(views) +
         ",\"lag\":" + std::to_string(head > views ? head - views : 0) + "}";
}

// The file under web_root for a URL path, or nullopt for anything that
// could leave it (.., absolute tricks, NUL).
std::optional<std::filesystem::path> resolve(const std::string& root, std::string_view target) {
  std::string_view path = target.substr(0, target.find('?'));
  if (path.empty() || path[0] != '/' || path.find("..") != std::string_view::npos ||
      path.find('\0') != std::string_view::npos || path.find('\\') != std::string_view::npos) {
    return std::nullopt;
  }
  std::filesystem::path p = std::filesystem::path(root) / std::string(path.substr(1));
  if (path.back() == '/') p /= "index.html";
  return p;
}

}  // namespace

std::optional<std::string> bearer_token(const HttpRequest::header_type& req) {
  auto it = req.find(http::field::authorization);
  if (it == req.end()) return std::nullopt;
  std::string_view v(it->value().data(), it->value().size());
  constexpr std::string_view kScheme = "Bearer ";
  if (v.size() <= kScheme.size() ||
      !boost::beast::iequals(boost::beast::string_view(v.data(), kScheme.size()),
                             boost::beast::string_view(kScheme.data(), kScheme.size())))
    return std::nullopt;
  v.remove_prefix(kScheme.size());
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  if (v.empty() || v.size() > 512) return std::nullopt;
  return std::string(v);
}

HttpResponse handle_http(SharedState& state, const HttpRequest& req) {
  if (is_import_request(req)) return handle_import(state, req);
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    return make(req, http::status::method_not_allowed, "{\"error\":\"method_not_allowed\"}",
                "application/json");
  }
  const std::string_view target(req.target().data(), req.target().size());
  if (target == "/health") return make(req, http::status::ok, health_json(state), "application/json");
  if (target == "/metrics") {
    return make(req, http::status::ok, metrics_text(state), "text/plain; version=0.0.4");
  }
  if (auto report = handle_report(state, req)) return std::move(*report);
  if (state.options.web_root.empty()) {
    return make(req, http::status::not_found, "Страница не найдена", "text/plain; charset=utf-8");
  }
  auto file = resolve(state.options.web_root, target);
  std::error_code ec;
  if (file && std::filesystem::is_directory(*file, ec)) *file /= "index.html";
  if (!file || !std::filesystem::is_regular_file(*file, ec)) {
    return make(req, http::status::not_found, "Страница не найдена", "text/plain; charset=utf-8");
  }
  std::ifstream in(*file, std::ios::binary);
  std::ostringstream body;
  body << in.rdbuf();
  auto res = make(req, http::status::ok, body.str(), mime_type(file->extension().string()));
  res.set(http::field::cache_control, "no-cache");
  return res;
}

}  // namespace zhurnal::server::internal
