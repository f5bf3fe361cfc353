// The tables the log and the views write: LZ4 (internal::table_compression()),
// which reads faster than RocksDB's default, Snappy; the log's in blocks of
// about 16 KiB (internal::kLogBlockBytes: it is read mostly in order), the
// views' in RocksDB's 4 KiB (they are read by key as much as by range). And
// the block cache, which a walk of a whole column family leaves alone.
#include <gtest/gtest.h>

#include <rocksdb/db.h>

#include <string>

#include "internal/keys.hpp"
#include "internal/rocks_store.hpp"
#include "support/temp_dir.hpp"
#include "zhurnal/events/kv_store.hpp"

namespace zhurnal::events {
namespace {

// Values like the stored events' and rows': runs of zero bytes around a
// number.
std::string value(int i) {
  return std::string(40, '\0') + std::to_string(i * 7919) + std::string(60, '\0');
}

std::string key(const char* prefix, int i) { return prefix + std::to_string(100000 + i); }

// Every table of `cf` is LZ4, compressed, in blocks of `block` bytes of rows
// (within a row's size of it).
void expect_lz4_blocks(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, size_t tables,
                       uint64_t block) {
  rocksdb::TablePropertiesCollection props;
  ASSERT_TRUE(db->GetPropertiesOfAllTables(cf, &props).ok());
  ASSERT_EQ(props.size(), tables);
  for (const auto& [file, p] : props) {
    SCOPED_TRACE(file);
    EXPECT_EQ(p->compression_name, "LZ4");
    const uint64_t raw = p->raw_key_size + p->raw_value_size;
    ASSERT_GT(p->num_data_blocks, 0u);
    const uint64_t per_block = raw / p->num_data_blocks;
    EXPECT_GE(per_block, block * 3 / 4) << p->num_data_blocks << " blocks for " << raw << " bytes";
    EXPECT_LE(per_block, block * 5 / 4) << p->num_data_blocks << " blocks for " << raw << " bytes";
    EXPECT_LT(p->data_size, raw / 2) << "compressed";
  }
}

// The log in 16 KiB blocks; its stream index and receipts, looked up by key
// on the append path, in 4 KiB ones.
TEST(TableFormatTest, TheLogsTablesAreLz4) {
  zhurnal::testing::TempDir dir;
  auto store = internal::RocksStore::open(dir.path().string(), true, false);
  ASSERT_TRUE(store) << store.error().to_string();
  rocksdb::DB* db = (*store)->db();
  for (rocksdb::ColumnFamilyHandle* cf :
       {(*store)->log_cf(), (*store)->streams_cf(), (*store)->commands_cf()}) {
    for (int i = 0; i < 4000; ++i) {
      ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), cf, key("", i), value(i)).ok());
    }
    ASSERT_TRUE(db->Flush(rocksdb::FlushOptions(), cf).ok());
  }
  expect_lz4_blocks(db, (*store)->log_cf(), 1, 16 << 10);
  expect_lz4_blocks(db, (*store)->streams_cf(), 1, 4 << 10);
  expect_lz4_blocks(db, (*store)->commands_cf(), 1, 4 << 10);
}

// A bulk load's table and a flush's alike (KvStore::open).
TEST(TableFormatTest, TheViewsTablesAreLz4InFourKibBlocks) {
  zhurnal::testing::TempDir dir;
  auto store = KvStore::open({dir.path().string(), false, true});
  ASSERT_TRUE(store) << store.error().to_string();
  auto load = (*store)->bulk_load();
  ASSERT_TRUE(load);
  for (int i = 0; i < 4000; ++i) (*load)->put(key("b/", i), value(i));
  ASSERT_TRUE((*load)->commit().is_ok());
  load->reset();
  KvBatch kv;
  for (int i = 0; i < 4000; ++i) kv.put(key("c/", i), value(i));
  ASSERT_TRUE((*store)->write(kv).is_ok());
  rocksdb::DB* db = internal::kv_store_db(**store);
  ASSERT_TRUE(db->Flush(rocksdb::FlushOptions()).ok());
  expect_lz4_blocks(db, db->DefaultColumnFamily(), 2, 4 << 10);
}

uint64_t block_cache_bytes(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf) {
  uint64_t n = 0;
  EXPECT_TRUE(db->GetIntProperty(cf, rocksdb::DB::Properties::kBlockCacheUsage, &n));
  return n;
}

// A walk of a whole column family (an audit, an export) reads its blocks
// without putting them in the block cache, which keeps what the append
// path's look-ups use; a look-up still caches its block.
TEST(TableFormatTest, WalksOfTheWholeLogLeaveTheBlockCacheAlone) {
  zhurnal::testing::TempDir dir;
  auto store = internal::RocksStore::open(dir.path().string(), true, false);
  ASSERT_TRUE(store) << store.error().to_string();
  rocksdb::DB* db = (*store)->db();
  for (rocksdb::ColumnFamilyHandle* cf : {(*store)->log_cf(), (*store)->streams_cf()}) {
    for (int i = 0; i < 4000; ++i) {
      const std::string k = internal::position_key(1 + i);
      ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), cf, k, value(i)).ok());
    }
    ASSERT_TRUE(db->Flush(rocksdb::FlushOptions(), cf).ok());
  }
  const uint64_t log_before = block_cache_bytes(db, (*store)->log_cf());
  const uint64_t streams_before = block_cache_bytes(db, (*store)->streams_cf());
  int seen = 0;
  auto count = [&](auto&&...) { return ++seen > 0; };
  ASSERT_TRUE((*store)->scan_log(1, count, nullptr).is_ok());
  EXPECT_EQ(seen, 4000);
  seen = 0;
  ASSERT_TRUE((*store)->scan_cf((*store)->streams_cf(), count, nullptr).is_ok());
  EXPECT_EQ(seen, 4000);
  EXPECT_LT(block_cache_bytes(db, (*store)->log_cf()), log_before + (4 << 10));
  EXPECT_LT(block_cache_bytes(db, (*store)->streams_cf()), streams_before + (4 << 10));

  std::string v;
  const std::string k = internal::position_key(2000);
  ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), (*store)->log_cf(), k, &v).ok());
  EXPECT_GT(block_cache_bytes(db, (*store)->log_cf()), log_before + (8 << 10))
      << "a look-up caches its block";
}

}  // namespace
}  // namespace zhurnal::events
