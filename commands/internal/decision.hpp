// The shape of every decider: a pure function of the state, the actor, the
// clock and the command that either emits events or returns a rejection.
// Deciders never touch the log; the Journal appends what they emit.
#pragma once

#include <capnp/message.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "schema/commands.capnp.h"
#include "state.hpp"
#include "zhurnal/commands/errors.hpp"
#include "zhurnal/events/types.hpp"

namespace zhurnal::commands::internal {

// Collects the events of one decision, each on its stream.
class Emitter {
 public:
  // Adds an event on `stream`; returns its JournalEvent builder, on which the
  // caller initialises exactly one union member. Valid until take().
  schema::JournalEvent::Builder add(std::string stream);

  bool empty() const { return events_.empty(); }
  size_t size() const { return events_.size(); }

  // Encodes the events into appends, one per stream in order of first use,
  // each expecting the stream's current version in `state` exactly.
  std::vector<events::StreamAppend> take(const JournalState& state);

 private:
  struct Pending {
    std::string stream;
    std::unique_ptr<capnp::MallocMessageBuilder> message;
  };
  std::vector<Pending> events_;
};

// The event type name stored in the envelope: the union member's name with
// its first letter upper-cased ("markPosted" -> "MarkPosted").
std::string event_type_name(schema::JournalEvent::Which which);

struct Decision {
  const JournalState& state;
  const std::string& actor_id;
  const User* actor;  // nullptr for the system actor
  bool system;        // the in-process bootstrap/import actor: every right
  int64_t now_us;
  Emitter& out;
};

using Verdict = std::optional<Rejection>;  // nullopt: accepted, events emitted

inline Rejection reject(ErrorCode code, std::string message) { return {code, std::move(message)}; }

// Role checks. has_role is true for the system actor.
bool has_role(const Decision& d, schema::Role role);
// The actor has one of `roles` and belongs to `school_id` (region-wide users
// with an empty school belong to every school).
bool staff_of(const Decision& d, const std::string& school_id,
              std::initializer_list<schema::Role> roles);
bool is_class_teacher(const Decision& d, const std::string& class_id);

std::string text(capnp::Text::Reader t);
// Trimmed, non-empty.
bool present(capnp::Text::Reader t);

// The standard rejections, with their Russian messages.
Rejection not_authorized();
Rejection not_found(const std::string& what, const std::string& id);
Rejection already_exists(const std::string& what, const std::string& id);
Rejection invalid(const std::string& message);
Rejection reason_required();

}  // namespace zhurnal::commands::internal
