// Projection: one read model, a fold of the log into rows of a KvStore.
//
// A projection sees each event once, in log order, through apply(). It reads
// and writes its own rows through a ProjectionTx, which sees its own writes
// and commits them, together with the projection's checkpoint, in one batch.
// apply() must be deterministic (the same events give the same bytes: a
// rebuild is compared byte for byte with the live rows) and must not fail:
// the log is the truth, and an event the projection cannot use is skipped.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <memory_resource>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "schema/journal.capnp.h"
#include "zhurnal/events/kv_store.hpp"
#include "zhurnal/events/types.hpp"

namespace zhurnal::projections {
namespace internal {
template <typename T>
struct KeyedEntry;  // internal/key_sort.hpp
}  // namespace internal

// The rows of one projection within one commit. Row keys are relative to the
// projection's key space; the engine prefixes them with the projection's name
// and generation.
//
// Rows read from the store are remembered (present or absent) until flush()
// or discard(): within one batch a row is read from RocksDB at most once.
// This is sound because only this transaction writes its key space while a
// batch is applied (the engine holds its lock; a rebuild writes a scratch
// generation nobody else writes).
class ProjectionTx {
 public:
  ProjectionTx(events::KvStore* store, std::string prefix);
  ~ProjectionTx();
  ProjectionTx(const ProjectionTx&) = delete;
  ProjectionTx& operator=(const ProjectionTx&) = delete;

  // The row's current value, including this transaction's own writes, or
  // nullptr when there is none. The pointer stays valid until the row is
  // next put or erased, or until flush() or discard().
  const std::string* find(std::string_view row);
  // The same, copied.
  std::optional<std::string> get(std::string_view row) {
    const std::string* v = find(row);
    return v ? std::optional<std::string>(*v) : std::nullopt;
  }
  void put(std::string_view row, std::string value);
  void erase(std::string_view row);
  // Marks a change topic (e.g. "diary/s1") as changed by this transaction;
  // subscribers of the topic are told after the commit. Past kMaxTopics
  // distinct topics (a rebuild-mode fold holds a commit open over millions
  // of events, each cell its own topic) the set is replaced by kAllTopics.
  void touch(std::string topic) {
    if (all_topics_) return;
    topics_.insert(std::move(topic));
    if (topics_.size() > kMaxTopics) touch_all();
  }
  static constexpr size_t kMaxTopics = 16384;
  // Marks every topic as changed (kAllTopics) until the next flush() or
  // discard(). Rebuild mode does so at every batch: its commits cover too
  // many events for a list to spare anyone a look, and the projections then
  // skip working out which topics each event touches (lists_topics()).
  void touch_all() {
    if (all_topics_) return;
    topics_ = {std::string(kAllTopics)};
    all_topics_ = true;
  }
  // False once the topics have become kAllTopics (until the next flush() or
  // discard()): a projection may skip working out which topics an event
  // touches (rebuild mode spends most of its fold there).
  bool lists_topics() const { return !all_topics_; }
  // The topic that stands for "more changed than listed: every view may have".
  static constexpr std::string_view kAllTopics = "*";

  // Rows a projection keeps as plain values for the whole commit and encodes
  // once, at flush(): for rows whose bytes are written fresh from their value
  // (so that how often the value changed within the commit cannot show in
  // the bytes). flush() first calls write(), which puts or erases those rows
  // through this transaction and forgets them; discard() calls clear(). The
  // projection must read and write such rows only through its Pending while
  // a batch is applied (find() does not see values not yet written).
  class Pending {
   public:
    virtual ~Pending() = default;
    virtual void write(ProjectionTx& tx) = 0;
    virtual void clear() = 0;
    virtual bool empty() const = 0;
    // About how many bytes of memory the kept values take (part of the
    // transaction's held_bytes(), which a rebuild's memory budget checks).
    virtual size_t held_bytes() const = 0;
  };
  // The projection's Pending, or nullptr until set_pending(); owned here and
  // kept across commits (one projection per transaction).
  Pending* pending() const { return pending_.get(); }
  void set_pending(std::unique_ptr<Pending> p) { pending_ = std::move(p); }

  // Moves the writes into `batch` (in key order) and clears them, together
  // with every row read; returns touched topics.
  std::set<std::string> flush(events::KvBatch* batch);
  // The same into bulk loads (rebuild mode), in three steps, so that
  // several threads can write one projection's rows (a rebuild's final
  // flush writes hundreds of thousands of rows of one projection while the
  // other projections' threads are done): sort_writes() writes the Pending
  // rows and sorts every write, returning how many there are;
  // write_sorted() puts writes [begin, end) of that order into `load`,
  // whose keys must increase (calls on disjoint ranges may run on different
  // threads at once, and nothing else may run meanwhile); end_flush()
  // clears the rows as flush() does and returns the topics.
  size_t sort_writes();
  void write_sorted(size_t begin, size_t end, events::KvBulkLoad* load) const;
  std::set<std::string> end_flush();
  // About how many bytes of memory the rows held since the last flush() or
  // discard() take (keys, values and per-row overhead), the Pending's values
  // included. Rebuild mode keeps rows across many batches and flushes when
  // this passes its budget.
  size_t held_bytes() const { return held_bytes_ + (pending_ ? pending_->held_bytes() : 0); }
  bool empty() const { return dirty_ == 0 && topics_.empty() && (!pending_ || pending_->empty()); }
  const std::string& prefix() const { return prefix_; }

  // Drops pending writes and topics (after a failed commit).
  void discard();

  // For a fold from position zero into a key space that holds no rows (a
  // generation never committed: its checkpoint is zero): from now on every
  // row written is remembered in a Bloom filter, and a row that was never
  // written is known to be absent without a read of the store. `rows` is
  // the expected number of rows (it sizes the filter; more only raises the
  // rate of reads that find nothing). The caller must not use it when the
  // key space may hold rows. forget_written() frees the filter.
  void assume_empty_store(uint64_t rows);
  void forget_written();

  // Rebuild mode's commits follow one another with about as many rows each:
  // while on, a flush keeps the large blocks of memory its rows took (the
  // index, the arena's chunks, the sort order) for the next commit's rows
  // instead of giving them back to the system, which at the next commit
  // mapped them again a page at a time, a page fault each (a third of the
  // 2M faults of a 10M-event rebuild, docs/benchmarks.md "Session 14").
  // Off frees what is kept.
  void retain_memory(bool on);
  // Bytes kept that no row uses yet (what retain_memory() holds between
  // commits; zero while it is off).
  size_t retained_bytes() const { return retained_.kept_bytes(); }

 private:
  struct Row {
    std::optional<std::string> value;  // nullopt: absent (erased, or not stored)
    bool dirty = false;                // written by this transaction
  };
  // Blocks of at least kMinBlock bytes that clear_rows() gave back, kept
  // for the next commit's rows when retain_memory() is on: the arena asks
  // for its chunks in the same sizes again (it starts over after a
  // release), and the index is reserved at the size it had. Only what
  // clear_rows() gives back is kept (not the tables the index outgrows
  // while rows are added), and what a commit did not ask for again is freed
  // at the next clear_rows(), so no more is held than the last commit used.
  // Used by one thread at a time, as the transaction is.
  class RetainedBlocks final : public std::pmr::memory_resource {
   public:
    ~RetainedBlocks() override { free_kept(); }
    static constexpr size_t kMinBlock = size_t{64} << 10;
    bool retaining = false;  // retain_memory()
    bool keeping = false;    // within clear_rows(): blocks given back are kept
    void free_kept();
    size_t kept_bytes() const;

   private:
    struct Block {
      void* p;
      size_t bytes, align;
    };
    void* do_allocate(size_t bytes, size_t align) override;
    void do_deallocate(void* p, size_t bytes, size_t align) override;
    bool do_is_equal(const std::pmr::memory_resource& o) const noexcept override { return this == &o; }
    std::vector<Block> kept_;
  };

  // A held row and its key, both in arena_.
  struct Entry {
    std::string_view key;
    size_t hash;  // std::hash of the key (the index's; the filter of written rows takes it too)
    Row row;
  };
  // The index's key: a row key and its hash, kept in the index's slot so
  // that a probe compares hashes there and reads an entry's key only when
  // they match (a look-up touches the slot and the entry it finds; a
  // node-based map touched a bucket, the node before, and each node of the
  // bucket's chain, every one a cache miss in a rebuild's large map).
  struct IndexKey {
    size_t hash;
    std::string_view key;
  };
  struct IndexHash {
    size_t operator()(const IndexKey& k) const { return k.hash; }
  };
  struct IndexEq {
    bool operator()(const IndexKey& a, const IndexKey& b) const {
      return a.hash == b.hash && a.key == b.key;
    }
  };
  // The row if held, else nullptr and the key's hash (std::hash) in *hash.
  Row* held(std::string_view row, size_t* hash);
  Row& slot(std::string_view row);
  void remember(size_t hash);  // a row key's std::hash, into written_ (when on)
  Row& add_row(std::string_view row, size_t hash, std::optional<std::string> value);  // not dirty
  void set_value(Row& r, std::optional<std::string> value);
  template <typename Sink>
  void write_range(size_t begin, size_t end, Sink& sink) const;

  events::KvStore* store_;
  std::string prefix_;
  std::string key_;  // scratch: prefix_ + row, for reads
  // The rows. Entries (keys and rows) come from arena_ (a rebuild-mode
  // commit holds hundreds of thousands of rows, and freeing them one by one
  // at the flush was a tenth of a rebuild); index_ finds them by key.
  // added_ lists them in the order they were added, which is their order in
  // the arena: a flush walks them in that order, and clear_rows() frees the
  // values through it and then releases the arena whole.
  void clear_rows();
  void free_values();
  RetainedBlocks retained_;  // before arena_ and index_, which give their blocks back to it
  std::pmr::monotonic_buffer_resource arena_{size_t{64} << 10, &retained_};
  absl::flat_hash_map<IndexKey, Entry*, IndexHash, IndexEq,
                      std::pmr::polymorphic_allocator<std::pair<const IndexKey, Entry*>>>
      index_{&retained_};
  std::vector<Entry*> added_;
  // The writes in key order, from sort_writes() until end_flush().
  std::vector<internal::KeyedEntry<const Row*>> sorted_;
  // The row last found or added, and its key (the entry's, stable until
  // the rows are cleared): a put() after a find() of the same row skips the
  // second look-up.
  Row* last_ = nullptr;
  std::string_view last_key_;
  size_t dirty_ = 0;  // rows with dirty set
  size_t held_bytes_ = 0;  // see held_bytes()
  std::vector<uint64_t> written_;  // Bloom filter of rows written (assume_empty_store); empty: off
  std::set<std::string> topics_;
  bool all_topics_ = false;  // topics_ is {kAllTopics}
  std::unique_ptr<Pending> pending_;
};

class Projection {
 public:
  virtual ~Projection() = default;
  // Stable, short, no '/' (it prefixes the key space).
  virtual std::string_view name() const = 0;
  // Bump when apply() changes meaning: the engine then rebuilds from zero.
  virtual uint32_t version() const = 0;
  // `event` has the fields events::EventFields::kFold names (position,
  // stream version, recorded time, actor, payload, hash); the engine leaves
  // the others empty.
  virtual void apply(const events::RecordedEvent& event, schema::JournalEvent::Reader payload,
                     ProjectionTx& tx) = 0;
};

}  // namespace zhurnal::projections
