// Where the parts of a data directory live (docs/storage-format.md).
#pragma once

#include <string>

namespace zhurnal::replay {

struct DataPaths {
  std::string data;            // DATA
  std::string log;             // DATA/log (the event log)
  std::string credentials;     // DATA/credentials
  std::string views;           // DATA/views
  std::string control_socket;  // DATA/control.sock (a running server's, mode 0600)
};

// The paths of data directory `data`. For the tools that take --data, a
// directory that is itself a log (it holds RocksDB's CURRENT file and no
// log/ subdirectory) is accepted as the log, as older versions expected.
DataPaths data_paths(const std::string& data);

}  // namespace zhurnal::replay
