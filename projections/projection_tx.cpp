#include "zhurnal/projections/projection.hpp"

#include "internal/key_sort.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace zhurnal::projections {

ProjectionTx::ProjectionTx(events::KvStore* store, std::string prefix)
    : store_(store), prefix_(std::move(prefix)) {}

ProjectionTx::~ProjectionTx() { free_values(); }

namespace {

// Bloom filter of written rows: 4 probes from one 64-bit hash (double hashing).
constexpr int kProbes = 4;
inline uint64_t mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h;
}
template <typename Fn>
void probes(uint64_t h, uint64_t bits, Fn fn) {  // h: the row key's std::hash
  const uint64_t h2 = mix(h) | 1;
  for (int i = 0; i < kProbes; ++i) fn((h + static_cast<uint64_t>(i) * h2) & (bits - 1));
}

}  // namespace

void ProjectionTx::assume_empty_store(uint64_t rows) {
  // ~16 bits per row (under 0.3% false positives with 4 probes), a power of
  // two between 1 Mbit and 512 Mbit (64 MiB).
  uint64_t bits = uint64_t{1} << 20;
  while (bits < rows * 16 && bits < (uint64_t{1} << 29)) bits <<= 1;
  written_.assign(bits / 64, 0);  // rows go in as they are flushed
}

void ProjectionTx::forget_written() { std::vector<uint64_t>().swap(written_); }

void ProjectionTx::remember(size_t hash) {
  probes(hash, written_.size() * 64, [&](uint64_t b) { written_[b / 64] |= uint64_t{1} << (b % 64); });
}

// What a row held costs besides its key's and value's bytes: the entry (a
// string_view, the hash, the optional and its string header), its index slot at the
// index's load (slot and control byte), its place in added_.
constexpr size_t kRowOverhead = 144;

ProjectionTx::Row& ProjectionTx::add_row(std::string_view row, size_t hash,
                                         std::optional<std::string> value) {
  held_bytes_ += kRowOverhead + row.size() + (value ? value->size() : 0);
  char* key = static_cast<char*>(arena_.allocate(row.size(), 1));
  row.copy(key, row.size());
  auto* entry = new (arena_.allocate(sizeof(Entry), alignof(Entry)))
      Entry{std::string_view(key, row.size()), hash, Row{std::move(value), false}};
  index_.emplace(IndexKey{hash, entry->key}, entry);
  added_.push_back(entry);
  last_key_ = entry->key;
  last_ = &entry->row;
  return entry->row;
}

void ProjectionTx::set_value(Row& r, std::optional<std::string> value) {
  held_bytes_ -= r.value ? r.value->size() : 0;
  held_bytes_ += value ? value->size() : 0;
  r.value = std::move(value);
}

// The values are the only memory of the entries' not in the arena; the
// entries' destructors would do no more than free them, so they are never
// run: their storage goes back with the arena.
void ProjectionTx::free_values() {
  for (Entry* entry : added_) entry->row.value.reset();
  added_.clear();
}

void ProjectionTx::clear_rows() {
  last_ = nullptr;
  free_values();
  if (!retained_.retaining) {
    index_.clear();
    arena_.release();
    return;
  }
  // What the last commit did not ask for again goes; what this one gives
  // back is kept for the next (RetainedBlocks).
  retained_.free_kept();
  const size_t capacity = index_.capacity();
  retained_.keeping = true;
  index_.clear();  // frees its table (past 127 slots)
  arena_.release();
  retained_.keeping = false;
  // The same table again: at most 7/8 of a table's slots are filled, so a
  // reserve of that many gets a table of the capacity it had.
  index_.reserve(capacity - capacity / 8);
}

void ProjectionTx::retain_memory(bool on) {
  retained_.retaining = on;
  if (on) return;
  retained_.free_kept();
  if (added_.empty()) {  // between commits: the reserved table and sort order go too
    index_.clear();
    std::vector<internal::KeyedEntry<const Row*>>().swap(sorted_);
  }
}

void ProjectionTx::RetainedBlocks::free_kept() {
  for (const Block& b : kept_) std::pmr::new_delete_resource()->deallocate(b.p, b.bytes, b.align);
  kept_.clear();
}

size_t ProjectionTx::RetainedBlocks::kept_bytes() const {
  size_t n = 0;
  for (const Block& b : kept_) n += b.bytes;
  return n;
}

void* ProjectionTx::RetainedBlocks::do_allocate(size_t bytes, size_t align) {
  if (bytes >= kMinBlock) {
    for (size_t i = 0; i < kept_.size(); ++i) {
      if (kept_[i].bytes == bytes && kept_[i].align == align) {
        void* p = kept_[i].p;
        kept_[i] = kept_.back();
        kept_.pop_back();
        return p;
      }
    }
  }
  return std::pmr::new_delete_resource()->allocate(bytes, align);
}

void ProjectionTx::RetainedBlocks::do_deallocate(void* p, size_t bytes, size_t align) {
  if (keeping && bytes >= kMinBlock) {
    kept_.push_back({p, bytes, align});
    return;
  }
  std::pmr::new_delete_resource()->deallocate(p, bytes, align);
}

ProjectionTx::Row* ProjectionTx::held(std::string_view row, size_t* hash) {
  // A projection mostly finds a row, then writes it: the second look-up is
  // the first one's answer.
  if (last_ && last_key_ == row) return last_;
  *hash = std::hash<std::string_view>{}(row);
  auto it = index_.find(IndexKey{*hash, row});
  if (it == index_.end()) return nullptr;
  last_key_ = it->second->key;
  last_ = &it->second->row;
  return last_;
}

ProjectionTx::Row& ProjectionTx::slot(std::string_view row) {
  size_t hash;
  if (Row* r = held(row, &hash)) return *r;
  return add_row(row, hash, std::nullopt);
}

const std::string* ProjectionTx::find(std::string_view row) {
  size_t hash;
  if (Row* r = held(row, &hash)) return r->value ? &*r->value : nullptr;
  if (!written_.empty()) {
    bool maybe = true;
    probes(hash, written_.size() * 64, [&](uint64_t b) {
      maybe = maybe && (written_[b / 64] >> (b % 64) & 1);
    });
    if (!maybe) {  // never written into a key space that started empty
      add_row(row, hash, std::nullopt);
      return nullptr;
    }
  }
  key_.assign(prefix_);
  key_.append(row);
  auto value = store_->get(key_);
  // A read failure of the view store is an infrastructure fault: the engine
  // catches it at its boundary and stops rather than writing wrong rows.
  if (!value) throw std::runtime_error("view store read failed: " + value.error().to_string());
  Row& r = add_row(row, hash, std::move(*value));
  return r.value ? &*r.value : nullptr;
}

void ProjectionTx::put(std::string_view row, std::string value) {
  Row& r = slot(row);
  set_value(r, std::move(value));
  if (!r.dirty) ++dirty_;
  r.dirty = true;
}

void ProjectionTx::erase(std::string_view row) {
  Row& r = slot(row);
  set_value(r, std::nullopt);
  if (!r.dirty) ++dirty_;
  r.dirty = true;
}

size_t ProjectionTx::sort_writes() {
  if (pending_) pending_->write(*this);  // its rows join the others, then sort
  // Key order: the memtable inserts a sorted run fastest, a bulk load takes
  // nothing else, and the bytes written do not depend on the hash map's
  // order.
  // The keys are sorted as views of their bytes, 16 bytes at a time copied
  // into the entries (internal/key_sort.hpp): a rebuild's final flush sorts
  // hundreds of thousands of keys that share long prefixes.
  sorted_.clear();
  sorted_.reserve(dirty_);
  // The rows written go into the filter of written rows here, not at each
  // put(): until the flush the row is held here, and find() looks here
  // first. Each row sets bits in kProbes random cache lines of a filter of
  // up to 64 MiB, which are prefetched kAhead rows ahead (one row after the
  // other, with the key hashed again, this was 3% of a 10M-event rebuild).
  // The rows are taken in the order they were added, which is their order
  // in the arena: the sort then reads their keys front to back.
  constexpr size_t kAhead = 8;
  size_t ahead[kAhead];
  size_t n = 0;
  const uint64_t bits = written_.size() * 64;
  for (const Entry* entry : added_) {
    if (!entry->row.dirty) continue;
    sorted_.emplace_back(entry->key, &entry->row);
    if (bits == 0) continue;
    probes(entry->hash, bits, [&](uint64_t b) { __builtin_prefetch(&written_[b / 64], 1); });
    if (n >= kAhead) remember(ahead[n % kAhead]);
    ahead[n++ % kAhead] = entry->hash;
  }
  for (size_t i = n > kAhead ? n - kAhead : 0; i < n; ++i) remember(ahead[i % kAhead]);
  internal::sort_by_key(std::span(sorted_));
  return sorted_.size();
}

template <typename Sink>
void ProjectionTx::write_range(size_t begin, size_t end, Sink& sink) const {
  // In key order the rows are at random places: each entry (its key just
  // before it in the arena) and each value (on the heap) was a cache miss
  // when a rebuild's commit wrote hundreds of thousands of them (the copies
  // into the table file's block, under write_range, were a third of its
  // time). The entry is prefetched kEntryAhead rows ahead; its value, whose
  // address is in the entry, kValueAhead rows ahead.
  constexpr size_t kEntryAhead = 16, kValueAhead = 8;
  std::string key = prefix_;
  for (size_t i = begin; i < end; ++i) {
    if (i + kEntryAhead < end) {
      __builtin_prefetch(sorted_[i + kEntryAhead].value);
      __builtin_prefetch(sorted_[i + kEntryAhead].key.data());
    }
    if (i + kValueAhead < end) {
      if (const auto& v = sorted_[i + kValueAhead].value->value) __builtin_prefetch(v->data());
    }
    const auto& d = sorted_[i];
    key.resize(prefix_.size());
    key += d.key;
    if (d.value->value) sink.put(key, *d.value->value);
    else sink.erase(key);
  }
}

void ProjectionTx::write_sorted(size_t begin, size_t end, events::KvBulkLoad* load) const {
  write_range(begin, std::min(end, sorted_.size()), *load);
}

std::set<std::string> ProjectionTx::end_flush() {
  if (retained_.retaining) {
    sorted_.clear();  // its capacity, for the next commit's sort
  } else {
    std::vector<internal::KeyedEntry<const Row*>>().swap(sorted_);
  }
  clear_rows();
  dirty_ = 0;
  held_bytes_ = 0;
  std::set<std::string> topics;
  topics.swap(topics_);
  all_topics_ = false;
  return topics;
}

std::set<std::string> ProjectionTx::flush(events::KvBatch* batch) {
  write_range(0, sort_writes(), *batch);
  return end_flush();
}

void ProjectionTx::discard() {
  if (pending_) pending_->clear();
  sorted_.clear();
  clear_rows();
  dirty_ = 0;
  held_bytes_ = 0;
  topics_.clear();
  all_topics_ = false;
}

}  // namespace zhurnal::projections
