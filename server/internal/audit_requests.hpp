// The auditor's requests (docs/protocol.md "history", "asOf"): every event
// about a student, class or teacher, and a read model as it stood at an
// instant. Readable by auditors (every school) and by the director and the
// deputy director of the subject's school; nobody else (docs/permissions.md).
//
// Both are long reads of the log, so both are bounded: at most two history
// scans and one as-of fold run at a time; a request that cannot start within
// two seconds is answered `busy` with retryAfterSeconds. The as-of fold is
// kept between requests (AsOfReader), so asking again at the same or a later
// instant only folds the difference. A history page that came back full
// keeps its pass (replay::HistoryCursor), so the user's next page continues
// it instead of reading the log again from the start: at most
// kCursorsKept are kept, and one unused for five minutes is dropped at the
// next history request.
//
// Thread safety: the methods may run on any worker thread concurrently.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <semaphore>
#include <string>
#include <vector>

#include "schema/protocol.capnp.h"
#include "zhurnal/replay/as_of.hpp"
#include "zhurnal/replay/history.hpp"
#include "zhurnal/server/context.hpp"

namespace zhurnal::server::internal {

class AuditRequests {
 public:
  explicit AuditRequests(ServerContext& context);
  ~AuditRequests();

  // History passes kept for their next page, the oldest dropped first. A
  // pass at a region's scale (10.1M events) holds 0.1-0.2 GB
  // (docs/benchmarks.md, session 23); four of them hold less than the two
  // did when a pass held 1.13 GB.
  static constexpr size_t kCursorsKept = 4;

  // Fill `response` with the result or an error (`user` empty: not signed in).
  void history(const std::string& user, schema::HistoryQuery::Reader query,
               schema::Response::Builder response);
  void as_of(const std::string& user, schema::AsOfQuery::Reader query,
             schema::Response::Builder response);

 private:
  // Auditors everywhere; the director and deputy within their school.
  bool may_audit(const std::string& user, const std::string& school_id) const;

  // The user's kept pass that `query` continues (empty if none), taken out.
  replay::HistoryCursor take_cursor(const std::string& user, const replay::HistoryQuery& query);
  void keep_cursor(const std::string& user, replay::HistoryCursor cursor);
  // Moves the cursors unused for too long into `dropped` (freed by the
  // caller, outside the lock: a region's fold takes a while to free).
  void expire_cursors(std::vector<replay::HistoryCursor>* dropped);

  struct KeptCursor {
    std::string user;
    replay::HistoryCursor cursor;
    std::chrono::steady_clock::time_point used;
  };

  ServerContext& ctx_;
  std::unique_ptr<replay::AsOfReader> as_of_;
  std::counting_semaphore<2> history_slots_{2};
  std::mutex cursors_mu_;
  std::vector<KeptCursor> cursors_;  // guarded by cursors_mu_; oldest first
};

}  // namespace zhurnal::server::internal
