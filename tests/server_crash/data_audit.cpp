#include "data_audit.hpp"

#include <algorithm>
#include <cstdint>

#include "projections_crash/view_audit.hpp"
#include "zhurnal/events/event_log.hpp"
#include "zhurnal/events/kv_store.hpp"
#include "zhurnal/events/log_reader.hpp"
#include "zhurnal/projections/engine.hpp"
#include "zhurnal/projections/views.hpp"
#include "zhurnal/replay/rebuild.hpp"

namespace zhurnal::server_crash {
namespace {

namespace fs = std::filesystem;
constexpr size_t kKeptProblems = 20;

const char* event_type(CommandKind kind) {
  switch (kind) {
    case CommandKind::kPostMark: return "MarkPosted";
    case CommandKind::kCorrectMark: return "MarkCorrected";
    case CommandKind::kCancelMark: return "MarkCancelled";
    case CommandKind::kRecordAttendance: return "AttendanceRecorded";
    case CommandKind::kAssignHomework: return "HomeworkAssigned";
  }
  return "?";
}

void add(AuditReport* r, std::string problem) {
  if (r->problems.size() < kKeptProblems) r->problems.push_back(std::move(problem));
}

// The acknowledged commands against the log.
void check_acks(events::EventLog& log, const Ledger& ledger, const bench::WsSchool& school,
                const std::vector<size_t>& acked, AuditReport* r) {
  for (size_t index : acked) {
    const SentCommand& c = ledger.commands[index];
    const std::string what = std::string(kind_name(c.kind)) + " " + c.command_id + " (cycle " +
                             std::to_string(c.cycle) + ", acknowledged at " +
                             std::to_string(c.first_position) + ".." +
                             std::to_string(c.last_position) + ")";
    ++r->acks_checked;
    auto receipt = log.find_command(c.command_id);
    if (!receipt) {
      add(r, what + ": find_command failed: " + receipt.error().to_string());
      continue;
    }
    if (!*receipt) {
      add(r, what + ": LOST, the log has no receipt for its command id (head " +
                 std::to_string(r->head) + ")");
      continue;
    }
    if ((*receipt)->first_position != c.first_position || (*receipt)->last_position != c.last_position) {
      add(r, what + ": the receipt says " + std::to_string((*receipt)->first_position) + ".." +
                 std::to_string((*receipt)->last_position));
    }
    if (c.last_position < c.first_position || c.last_position > r->head) {
      add(r, what + ": beyond the log head " + std::to_string(r->head));
      continue;
    }
    auto events = log.read_all(c.first_position, c.last_position - c.first_position + 1);
    if (!events) {
      add(r, what + ": read_all failed: " + events.error().to_string());
      continue;
    }
    if (events->size() != c.last_position - c.first_position + 1) {
      add(r, what + ": only " + std::to_string(events->size()) + " events at those positions");
      continue;
    }
    for (const events::RecordedEvent& e : *events) {
      const std::string at = what + " at " + std::to_string(e.position);
      if (e.command_id != c.command_id) add(r, at + ": an event of command " + e.command_id);
      if (e.actor != school.teachers[c.teacher].user_id) add(r, at + ": actor " + e.actor);
      if (e.type != event_type(c.kind)) add(r, at + ": event type " + e.type);
      if (!c.mark_id.empty() && e.payload.find(c.mark_id) == std::string::npos) {
        add(r, at + ": the payload does not name mark " + c.mark_id);
      }
    }
  }
}

void check_views(events::EventLog& log, const fs::path& views, const AuditOptions& o,
                 AuditReport* r) {
  auto store = events::KvStore::open({views.string(), false, false});
  if (!store) return add(r, "open the view store: " + store.error().to_string());
  auto engine = projections::ProjectionEngine::open({&log, store->get(), nullptr, 2048},
                                                    projections::standard_projections());
  if (!engine) return add(r, "open the projections: " + engine.error().to_string());
  if (o.catch_up) {
    if (auto st = (*engine)->catch_up(); !st.is_ok()) {
      return add(r, "projection catch-up: " + st.to_string());
    }
  }
  r->min_checkpoint = UINT64_MAX;
  for (const projections::ProjectionStatus& s : (*engine)->status()) {
    r->min_checkpoint = std::min(r->min_checkpoint, s.checkpoint);
    if (s.checkpoint > r->head) {
      add(r, "projection " + s.name + " has checkpoint " + std::to_string(s.checkpoint) +
                 " beyond the log head " + std::to_string(r->head));
    }
    if (o.catch_up && s.checkpoint != r->head) {
      add(r, "projection " + s.name + " at " + std::to_string(s.checkpoint) +
                 " after catching up to " + std::to_string(r->head));
    }
  }
  replay::RebuildOptions ro;
  ro.keep = 10;
  auto report = replay::rebuild_and_compare_all(**engine, **store, ro);
  if (!report) return add(r, "rebuild and compare: " + report.error().to_string());
  for (const replay::ProjectionComparison& p : report->projections) r->view_rows += p.live_rows;
  if (!report->ok()) add(r, "the projections differ from a rebuild:\n" + replay::format_rebuild_report(*report));
  const auto stray = projections_crash::stray_keys(**engine, **store);
  for (const std::string& key : stray) add(r, "a view row outside every active generation: " + key);
}

}  // namespace

AuditReport audit_data(const fs::path& data, const Ledger& ledger, const bench::WsSchool& school,
                       const std::vector<size_t>& acked, const AuditOptions& options) {
  AuditReport r;
  const fs::path log_dir = data / "log";
  {
    // The full audit first, read-only (a secondary instance), as the
    // crashed server left the files.
    auto reader = events::LogReader::open({log_dir.string(), {}});
    if (!reader) {
      add(&r, "open the log read-only: " + reader.error().to_string());
      return r;
    }
    auto verified = (*reader)->verify({}, {});
    if (!verified) {
      add(&r, "verify: " + verified.error().to_string());
    } else if (!verified->ok()) {
      add(&r, "the log does not verify: position " + std::to_string(verified->first_bad_position) +
                  ": " + verified->problem);
    }
  }
  events::LogOptions lo;
  lo.path = log_dir.string();
  lo.create_if_missing = false;
  auto log = events::open_event_log(lo);
  if (!log) {
    add(&r, "open the log: " + log.error().to_string());
    return r;
  }
  r.head = (*log)->head_position();
  check_acks(**log, ledger, school, acked, &r);
  check_views(**log, data / "views", options, &r);
  (*log)->close();
  return r;
}

}  // namespace zhurnal::server_crash
