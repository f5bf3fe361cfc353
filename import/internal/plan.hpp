// The plan behind an ImportPlan: the report and the encoded journal commands
// in the order they run. Immutable once built.
#pragma once

#include <string>
#include <vector>

#include "zhurnal/import/import.hpp"

namespace zhurnal::import::internal {

struct PlannedCommand {
  int line = 0;            // the row it comes from; 0 for a class opening
  std::string what;        // Russian, for the report and a rejection message
  std::string command_id;  // internal::command_id() of the files and the bytes
  std::string bytes;       // a flat-array encoded schema::Command
};

struct PlanData {
  Report report;
  std::string actor;
  std::string correlation_id;  // the same for every command of one import
  std::vector<PlannedCommand> commands;
};

}  // namespace zhurnal::import::internal
