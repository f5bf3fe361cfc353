#include "zhurnal/replay/data_dir.hpp"

#include <filesystem>

namespace zhurnal::replay {

DataPaths data_paths(const std::string& data) {
  namespace fs = std::filesystem;
  const fs::path d(data);
  DataPaths p;
  p.data = data;
  std::error_code ec;
  const bool bare_log = fs::exists(d / "CURRENT", ec) && !fs::exists(d / "log", ec);
  p.log = bare_log ? data : (d / "log").string();
  p.credentials = (d / "credentials").string();
  p.views = (d / "views").string();
  p.control_socket = (d / "control.sock").string();
  return p;
}

}  // namespace zhurnal::replay
