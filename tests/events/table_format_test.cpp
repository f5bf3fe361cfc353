// The table format of what is read mostly in key order, the log and the
// views: LZ4 in blocks of about 16 KiB (internal::scan_table_compression()),
// which made both smaller on disk and cheaper to read than RocksDB's
// default, Snappy in 4 KiB blocks.
#include <gtest/gtest.h>

#include <rocksdb/db.h>

#include <string>

#include "internal/rocks_store.hpp"
#include "support/temp_dir.hpp"
#include "zhurnal/events/kv_store.hpp"

namespace zhurnal::events {
namespace {

// Values like the stored events' and rows': runs of zero bytes around a
// number.
std::string value(int i) { return std::string(40, '\0') + std::to_string(i * 7919) + std::string(60, '\0'); }

std::string key(const char* prefix, int i) { return prefix + std::to_string(100000 + i); }

// Every table of `cf` is LZ4 in blocks of at least 12 KiB of rows, compressed.
void expect_scan_format(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, size_t tables) {
  rocksdb::TablePropertiesCollection props;
  ASSERT_TRUE(db->GetPropertiesOfAllTables(cf, &props).ok());
  ASSERT_EQ(props.size(), tables);
  for (const auto& [file, p] : props) {
    SCOPED_TRACE(file);
    EXPECT_EQ(p->compression_name, "LZ4");
    const uint64_t raw = p->raw_key_size + p->raw_value_size;
    ASSERT_GT(p->num_data_blocks, 0u);
    EXPECT_GE(raw / p->num_data_blocks, 12u << 10) << p->num_data_blocks << " blocks for " << raw << " bytes";
    EXPECT_LT(p->data_size, raw / 2) << "compressed";
  }
}

TEST(TableFormatTest, TheLogsTablesAreLz4InSixteenKibBlocks) {
  zhurnal::testing::TempDir dir;
  auto store = internal::RocksStore::open(dir.path().string(), true, false);
  ASSERT_TRUE(store) << store.error().to_string();
  rocksdb::DB* db = (*store)->db();
  for (int i = 0; i < 4000; ++i) {
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), (*store)->log_cf(), key("", i), value(i)).ok());
  }
  ASSERT_TRUE(db->Flush(rocksdb::FlushOptions(), (*store)->log_cf()).ok());
  expect_scan_format(db, (*store)->log_cf(), 1);
}

// A bulk load's table and a flush's alike (KvStore::open).
TEST(TableFormatTest, TheViewsTablesAreLz4InSixteenKibBlocks) {
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
  expect_scan_format(db, db->DefaultColumnFamily(), 2);
}

}  // namespace
}  // namespace zhurnal::events
