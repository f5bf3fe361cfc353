#include "zhurnal/events/event_log.hpp"

#include <future>

#include "internal/rocks_log.hpp"

namespace zhurnal::events {

Result<AppendResult> EventLog::append(std::vector<StreamAppend> streams, CommandContext context) {
  std::promise<Result<AppendResult>> promise;
  auto future = promise.get_future();
  append_async(std::move(streams), std::move(context),
               [&promise](Result<AppendResult> r) { promise.set_value(std::move(r)); });
  return future.get();
}

Result<AppendResult> EventLog::append(std::string_view stream, ExpectedVersion expected,
                                      std::vector<EventData> events, CommandContext context) {
  std::vector<StreamAppend> streams;
  streams.push_back(StreamAppend{std::string(stream), expected, std::move(events)});
  return append(std::move(streams), std::move(context));
}

Status EventLog::read_into(uint64_t from_position, size_t max, std::vector<RecordedEvent>* out,
                           EventFields) {
  Result<std::vector<RecordedEvent>> events = read_all(from_position, max);
  if (!events) {
    out->clear();
    return events.error();
  }
  *out = std::move(*events);
  return Status::ok();
}

Result<std::unique_ptr<EventLog>> open_event_log(LogOptions options) {
  return internal::RocksLog::open(std::move(options));
}

}  // namespace zhurnal::events
