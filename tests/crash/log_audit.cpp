#include "log_audit.hpp"

#include <map>

#include "crash_request.hpp"

namespace zhurnal::crash {
namespace {

using events::RecordedEvent;

std::string range_text(uint64_t first, uint64_t last) {
  return std::to_string(first) + ".." + std::to_string(last);
}

// Records event `e` (the next position) in the command index: it extends the
// run of the previous event or starts a command never seen before.
void index_command(const RecordedEvent& e, const RecordedEvent* prev, Snapshot* out,
                   Problems* problems) {
  if (prev && prev->command_id == e.command_id) {
    out->commands[e.command_id].last = e.position;
    return;
  }
  auto [it, inserted] =
      out->commands.try_emplace(e.command_id, PositionRange{e.position, e.position});
  if (!inserted) {
    problems->add("command " + e.command_id + " is stored twice: at " +
                  range_text(it->second.first, it->second.last) + " and again at " +
                  std::to_string(e.position));
  }
}

// The problems of one command's stored events against its request.
void check_command(const std::string& id, PositionRange range, const Snapshot& snapshot,
                   Problems* problems) {
  const Request request = make_request(id);
  const uint64_t stored = range.last - range.first + 1;
  if (stored != request.event_count()) {
    problems->add("command " + id + " has " + std::to_string(stored) + " events at " +
                  range_text(range.first, range.last) + ", its request has " +
                  std::to_string(request.event_count()) + " (torn append?)");
    return;
  }
  uint64_t position = range.first;
  for (const events::StreamAppend& s : request.streams) {
    const uint64_t first_version = snapshot.events[position - 1].stream_version;
    if (s.expected.kind() == events::ExpectedVersion::Kind::kExact &&
        first_version != s.expected.version() + 1) {
      problems->add("command " + id + " expected " + s.stream + " at version " +
                    std::to_string(s.expected.version()) + " but wrote version " +
                    std::to_string(first_version));
    }
    for (size_t i = 0; i < s.events.size(); ++i, ++position) {
      const RecordedEvent& e = snapshot.events[position - 1];
      const bool same =
          e.stream == s.stream && e.type == s.events[i].type && e.payload == s.events[i].payload &&
          e.actor == request.context.actor && e.correlation_id == request.context.correlation_id &&
          e.causation_id == request.context.causation_id && e.stream_version == first_version + i;
      if (!same) {
        problems->add("event at position " + std::to_string(e.position) + " (" + e.stream + " v" +
                      std::to_string(e.stream_version) + ") does not match the request of " + id);
      }
    }
  }
}

}  // namespace

void Problems::add(std::string problem) {
  if (kept_.size() < kKept) kept_.push_back(std::move(problem));
  ++total_;
}

void Problems::merge(const Problems& other) {
  for (const std::string& p : other.kept_) add(p);
  total_ += other.total_ - other.kept_.size();
}

std::string Problems::str() const {
  std::string s;
  for (const std::string& p : kept_) s += p + "\n";
  if (total_ > kept_.size()) s += "... and " + std::to_string(total_ - kept_.size()) + " more\n";
  return s;
}

Problems load_snapshot(events::EventLog& log, Snapshot* out, size_t batch) {
  Problems problems;
  out->head = log.head_position();
  out->events.clear();
  out->commands.clear();
  for (;;) {
    const uint64_t from = out->events.size() + 1;
    events::Result<std::vector<RecordedEvent>> got = log.read_all(from, batch);
    if (!got) {
      problems.add("read_all(" + std::to_string(from) + ") failed: " + got.error().to_string());
      return problems;
    }
    if (got->empty()) break;
    for (RecordedEvent& e : *got) {
      const uint64_t expect = out->events.size() + 1;
      if (e.position != expect) {
        problems.add("read_all returned position " + std::to_string(e.position) + " where " +
                     std::to_string(expect) + " was expected");
        return problems;
      }
      index_command(e, out->events.empty() ? nullptr : &out->events.back(), out, &problems);
      out->events.push_back(std::move(e));
    }
  }
  if (out->events.size() != out->head) {
    problems.add("read_all found " + std::to_string(out->events.size()) +
                 " events but head_position() is " + std::to_string(out->head));
  }
  return problems;
}

Problems check_commands(const Snapshot& snapshot) {
  Problems problems;
  for (const auto& [id, range] : snapshot.commands) check_command(id, range, snapshot, &problems);
  return problems;
}

Problems check_streams(events::EventLog& log, const Snapshot& snapshot) {
  Problems problems;
  std::map<std::string, const RecordedEvent*> last;  // stream -> its last event
  for (const RecordedEvent& e : snapshot.events) {
    const RecordedEvent*& prev = last[e.stream];
    const uint64_t expect = prev ? prev->stream_version + 1 : 1;
    if (e.stream_version != expect) {
      problems.add("stream " + e.stream + " jumps to version " + std::to_string(e.stream_version) +
                   " at position " + std::to_string(e.position) + ", expected " +
                   std::to_string(expect));
    }
    prev = &e;
  }
  for (const auto& [stream, e] : last) {
    events::Result<uint64_t> v = log.stream_version(stream);
    if (!v || *v != e->stream_version) {
      problems.add("stream_version(" + stream + ") is " +
                   (v ? std::to_string(*v) : v.error().to_string()) + ", the log's last is " +
                   std::to_string(e->stream_version));
    }
    auto tail = log.read_stream(stream, UINT64_MAX, events::Direction::kBackward, 1);
    if (!tail || tail->size() != 1 || (*tail)[0].position != e->position) {
      problems.add("read_stream(" + stream + ", backward) does not end at position " +
                   std::to_string(e->position));
    }
  }
  return problems;
}

Problems check_acks(const Snapshot& snapshot, const std::vector<Ack>& acks) {
  Problems problems;
  for (const Ack& a : acks) {
    const std::string what = "acknowledged append " + a.command_id + " at " +
                             range_text(a.first_position, a.last_position);
    auto it = snapshot.commands.find(a.command_id);
    if (it == snapshot.commands.end()) {
      problems.add(what + " is missing from the log");
      continue;
    }
    if (it->second.first != a.first_position || it->second.last != a.last_position) {
      problems.add(what + " is stored at " + range_text(it->second.first, it->second.last));
      continue;
    }
    // Each stream's version after the append is its last event in the range.
    std::map<std::string, uint64_t> after;
    for (uint64_t p = a.first_position; p <= a.last_position; ++p) {
      const RecordedEvent& e = snapshot.events[p - 1];
      after[e.stream] = e.stream_version;
    }
    bool same = after.size() == a.streams.size();
    for (const events::StreamVersion& sv : a.streams) {
      auto v = after.find(sv.stream);
      same = same && v != after.end() && v->second == sv.version;
    }
    if (!same) problems.add(what + " reported stream versions the log does not hold");
  }
  return problems;
}

}  // namespace zhurnal::crash
