// The server crash test's record of every command it sent to `zhurnal serve`
// over all cycles, and of what the server answered. It is the test's memory
// across SIGKILLs: an acknowledged command must be found in the log at the
// positions its answer gave, whatever happened to the server afterwards.
//
// Not thread-safe: the test's one thread owns it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace zhurnal::server_crash {

enum class CommandKind { kPostMark, kCorrectMark, kCancelMark, kRecordAttendance, kAssignHomework };

const char* kind_name(CommandKind kind);

struct SentCommand {
  enum class State {
    kInFlight,   // sent, no answer yet
    kAcked,      // "ok":true with its positions
    kRejected,   // "ok":false (error_code says why); nothing written
    kUnanswered  // the server died before answering: in the log or not
  };
  std::string command_id;
  std::string body;  // {"commandId":…,"command":{…}}: sent again verbatim to retry
  CommandKind kind = CommandKind::kPostMark;
  size_t teacher = 0;  // index into WsSchool::teachers (the actor)
  size_t hot = 0;      // index into WsSchool::hot (marks, attendance)
  std::string mark_id;
  int cycle = 0;
  State state = State::kInFlight;
  uint64_t first_position = 0, last_position = 0;
  std::string error_code;
};

// What the test knows of one mark it posted.
struct MarkFacts {
  size_t teacher = 0;
  size_t hot = 0;
  bool posted = false;      // the postMark was acknowledged
  bool in_doubt = false;    // a command on it went unanswered: not touched again
  bool busy = false;        // a command on it is in flight
  bool cancelled = false;   // a cancelMark was acknowledged
  bool corrected = false;   // a correctMark was acknowledged
};

struct Ledger {
  std::vector<SentCommand> commands;
  std::map<std::string, MarkFacts> marks;                 // by mark id
  std::set<std::pair<std::string, std::string>> attendance_tried;  // (lesson, student)
  std::string run_id;  // makes command and mark ids unique across runs

  size_t count(SentCommand::State state) const;
  // Indexes of the acknowledged commands of `cycle` (all cycles when < 0).
  std::vector<size_t> acked(int cycle = -1) const;
};

}  // namespace zhurnal::server_crash
