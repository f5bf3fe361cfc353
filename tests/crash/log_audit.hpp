// Checks of a crash log after reopening it, through the public EventLog API
// only. Each check returns the problems it found (none when the log is sound)
// as sentences for a failure message.
//
// The log is expected to hold only what zhurnal_crash_child writes: every
// command's events are make_request(command_id), stored contiguously, once.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "ack_line.hpp"
#include "zhurnal/events/event_log.hpp"

namespace zhurnal::crash {

// A bounded list of problems: the first kKept sentences and the total count.
class Problems {
 public:
  static constexpr size_t kKept = 20;
  void add(std::string problem);
  void merge(const Problems& other);
  bool empty() const { return total_ == 0; }
  size_t total() const { return total_; }
  // All kept sentences, one a line, and how many more there were.
  std::string str() const;

 private:
  std::vector<std::string> kept_;
  size_t total_ = 0;
};

struct PositionRange {
  uint64_t first = 0;
  uint64_t last = 0;
};

// The whole log in memory.
struct Snapshot {
  uint64_t head = 0;                                        // head_position() at load
  std::vector<events::RecordedEvent> events;                // events[i].position == i + 1
  std::unordered_map<std::string, PositionRange> commands;  // command id -> its events
};

// Reads the log with read_all in batches of `batch` events. Problems when
// positions are not contiguous from 1, when a command id's events are not one
// contiguous run, or when the count differs from head_position().
Problems load_snapshot(events::EventLog& log, Snapshot* out, size_t batch = 4096);

// Every command's stored events are exactly make_request(command_id): same
// streams in order, types, payloads, context and consecutive stream versions
// (the first one right after an exact expected version). This is the
// all-or-nothing check: a torn append has the wrong number of events.
Problems check_commands(const Snapshot& snapshot);

// Per stream, versions in position order are 1, 2, 3, ...; stream_version()
// and the last event of read_stream() backward agree with the snapshot.
Problems check_streams(events::EventLog& log, const Snapshot& snapshot);

// Every acknowledged append is stored at the reported positions with the
// reported stream versions.
Problems check_acks(const Snapshot& snapshot, const std::vector<Ack>& acks);

}  // namespace zhurnal::crash
