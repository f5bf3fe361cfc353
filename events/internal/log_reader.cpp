#include "zhurnal/events/log_reader.hpp"

#include <stdlib.h>

#include <filesystem>

#include "audit.hpp"
#include "codec.hpp"
#include "rocks_store.hpp"

namespace zhurnal::events {
namespace {

namespace fs = std::filesystem;

class SecondaryLogReader final : public LogReader {
 public:
  SecondaryLogReader(std::unique_ptr<internal::RocksStore> store, std::string owned_scratch)
      : store_(std::move(store)), owned_scratch_(std::move(owned_scratch)) {}

  ~SecondaryLogReader() override {
    store_.reset();  // closes the instance before its directory goes
    if (!owned_scratch_.empty()) {
      std::error_code ec;
      fs::remove_all(owned_scratch_, ec);
    }
  }

  Status catch_up() override { return store_->catch_up(); }

  Result<uint64_t> head_position() override {
    auto tail = store_->tail();
    if (!tail) return std::unexpected(tail.error());
    return tail->position;
  }

  Result<VerifyReport> verify(const std::function<void(uint64_t)>& progress,
                              const Observer& visit) override {
    return internal::audit_store(*store_, nullptr, progress, visit);
  }

  Status scan(uint64_t from_position, const Visitor& fn) override {
    uint64_t expect = std::max<uint64_t>(from_position, 1);
    Status bad;
    RecordedEvent e;
    Status s = store_->scan_log(expect, [&](uint64_t key, std::string_view value) {
      if (key != expect) {
        bad = {StatusCode::kCorruption, "position " + std::to_string(expect) + " is missing"};
        return false;
      }
      if (value.size() < 32) {
        bad = {StatusCode::kCorruption, "position " + std::to_string(key) + " is truncated"};
        return false;
      }
      if (Status d = internal::decode_stored_event(value, &e); !d.is_ok()) {
        bad = {StatusCode::kCorruption,
               "position " + std::to_string(key) + " does not decode: " + d.message()};
        return false;
      }
      if (e.position != key) {
        bad = {StatusCode::kCorruption, "position " + std::to_string(key) +
                                            " holds the envelope of " + std::to_string(e.position)};
        return false;
      }
      ++expect;
      return fn(e, internal::stored_body(value));
    });
    if (!s.is_ok()) return s;
    return bad;
  }

 private:
  std::unique_ptr<internal::RocksStore> store_;
  std::string owned_scratch_;
};

}  // namespace

Result<std::unique_ptr<LogReader>> LogReader::open(Options options) {
  std::error_code ec;
  if (!fs::exists(fs::path(options.path) / "CURRENT", ec)) {
    return error(StatusCode::kNotFound, "no event log at " + options.path);
  }
  std::string owned;
  if (options.scratch_dir.empty()) {
    std::string tmpl = (fs::temp_directory_path(ec) / "zhurnal-reader-XXXXXX").string();
    if (ec || mkdtemp(tmpl.data()) == nullptr) {
      return error(StatusCode::kIoError, "cannot create a scratch directory under the temp dir");
    }
    owned = options.scratch_dir = tmpl;
  }
  auto store = internal::RocksStore::open_secondary(options.path, options.scratch_dir);
  if (!store) {
    if (!owned.empty()) fs::remove_all(owned, ec);
    return std::unexpected(store.error());
  }
  return std::unique_ptr<LogReader>(new SecondaryLogReader(std::move(*store), std::move(owned)));
}

}  // namespace zhurnal::events
