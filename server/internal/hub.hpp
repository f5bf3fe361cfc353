// Hub: live subscriptions and their fan-out. A subscription names a view (a
// diary week, a class register) or the raw log; the projections' change
// topics say which subscriptions a commit touched; for each, the view is
// queried again, checked against the subscriber's permissions, and pushed
// with the log position it reflects. A subscriber never gets a position it
// already has, so a reconnect with the last seen position gets what it missed
// (the current view, if newer) and then live updates, without duplicates.
//
// A diary subscription that asked for patches gets, after its first whole
// view, only what changed when nothing but the student's cells did (marks,
// attendance): a `diaryPatch` with those lessons' entries and their
// subjects (Views::diary_patch). Any other change, more than a few cells
// at once, or no whole view sent yet, and the whole diary goes out again.
// A patch reports the position of the last change it covers, which is
// always past the subscription's previous push.
//
// A subscription's first push reads its view from the store; later pushes
// of a diary read through a RowCache (projections/row_cache.hpp) shared by
// every diary subscription, so a push after a mark reads the one changed
// cell instead of the whole week and period again. Idle subscriptions (one
// push, then nothing) never fill it.
//
// Thread safety: all methods may be called from any thread. Pushes are
// computed on the worker pool, never on the projection engine's thread.
#pragma once

#include <boost/asio/thread_pool.hpp>

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "connection.hpp"
#include "schema/protocol.capnp.h"
#include "zhurnal/projections/row_cache.hpp"
#include "zhurnal/server/context.hpp"

namespace zhurnal::server::internal {

struct SubscriptionSpec {
  enum class Kind {
    kDiary,
    kRegister,
    kLog,
    kCompliance,
    kClassRoster,
    kSchool
  } kind = Kind::kDiary;
  std::string student_id, date;                   // diary
  bool patches = false;                           // diary: diaryPatch pushes wanted
  std::string class_id, subject_id, period_id;    // register; class list: class_id
  std::string school_id, month;                   // compliance; school: school_id
  uint32_t log_limit = 1000;                      // log: events per push
};

class Hub {
 public:
  Hub(ServerContext& context, boost::asio::thread_pool& workers);

  // Registers a subscription and returns its id. Its current state (when
  // newer than `last_position`) goes out on start_initial(), which the
  // connection calls once the subscribe response is queued, so that the
  // response always comes first.
  std::string subscribe(const std::shared_ptr<Connection>& conn, SubscriptionSpec spec,
                        uint64_t last_position);
  void start_initial(uint64_t conn_id);
  bool unsubscribe(uint64_t conn_id, const std::string& subscription_id);
  // Forgets every subscription of a connection (closed or signed out).
  void drop(uint64_t conn_id);
  // Called by the projection engine after each commit; returns at once.
  void on_changes(const projections::ChangeSet& changes);
  size_t subscriptions() const;

 private:
  struct Sub {
    SubscriptionSpec spec;
    std::set<std::string> topics;
    uint64_t pushed = 0;  // last position sent
    bool busy = false;    // a push is being computed
    bool again = false;   // another change arrived meanwhile
    bool initial = true;  // the first push waits for start_initial()
    bool warm = false;    // pushed once: later diary pushes use diary_rows_
    // Diary patches: changes seen since the last push was computed.
    bool has_whole = false;      // a whole view went out on this subscription
    bool whole_due = false;      // a change other than a cell's
    std::set<std::string> cells;  // lessons whose cell of the student changed
    uint64_t dirty_to = 0;       // the position of the last of those changes
    void note_whole(uint64_t position) {  // the next push is the whole view
      whole_due = true;
      cells.clear();
      dirty_to = std::max(dirty_to, position);
    }
  };
  // What a push of a diary with patches is to carry.
  struct DiaryWork {
    bool whole = true;
    std::set<std::string> lessons;
    uint64_t to = 0;
  };
  struct Conn {
    std::weak_ptr<Connection> conn;
    std::map<std::string, Sub> subs;
  };
  using Key = std::pair<uint64_t, std::string>;  // connection id, subscription id
  // More changed cells than this between two pushes: the whole diary.
  static constexpr size_t kMaxPatchLessons = 8;

  void schedule(const Key& key);
  void push(const Key& key);
  // Builds the push frame for a subscription; empty when nothing newer.
  std::string render(Connection& conn, const std::string& sub_id, const SubscriptionSpec& spec,
                     uint64_t* pushed, bool warm, const DiaryWork& work);
  // Notes a change of `topic` at `position` in the subscription's pending
  // diary work; returns the subscriptions to wake. Requires mu_.
  void note_change(const std::string& topic, uint64_t position, std::set<Key>* keys);
  std::set<std::string> topics_of(const SubscriptionSpec& spec);

  ServerContext& ctx_;
  boost::asio::thread_pool& workers_;
  mutable std::mutex mu_;
  std::map<uint64_t, Conn> conns_;
  std::map<std::string, std::set<Key>> by_topic_;
  std::set<Key> log_subs_;
  uint64_t next_id_ = 1;
  std::unique_ptr<projections::RowCache> diary_rows_;  // null without a log and engine
  // The last position on_changes() heard of. The engine calls listeners
  // before its position moves; a push waits for the position to get there,
  // or a quick render would report the position before the change and no
  // further change would wake it.
  std::atomic<uint64_t> changed_{0};
};

}  // namespace zhurnal::server::internal
