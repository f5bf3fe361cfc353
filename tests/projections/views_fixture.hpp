// A JournalFixture with the read side: a view store in its own directory,
// the standard projections caught up with the seeded log, and Views over
// them.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "commands/journal_fixture.hpp"
#include "support/temp_dir.hpp"
#include "zhurnal/events/kv_store.hpp"
#include "zhurnal/projections/engine.hpp"
#include "zhurnal/projections/views.hpp"

namespace zhurnal::projections::testing {

class ViewsFixture : public commands::testing::JournalFixture {
 protected:
  // (Re)opens the view store and the engine and catches up with the log,
  // `batch` events per commit; a `live` engine then follows the log.
  void open_views(bool live, size_t batch = 2048) {
    views_.reset();
    engine_.reset();
    store_.reset();
    auto store = events::KvStore::open({views_dir_.str(), false, true});
    ASSERT_TRUE(store) << store.error().to_string();
    store_ = std::move(*store);
    auto engine = ProjectionEngine::open({log_.get(), store_.get(), nullptr, batch},
                                         standard_projections());
    ASSERT_TRUE(engine) << engine.error().to_string();
    engine_ = std::move(*engine);
    ASSERT_TRUE(engine_->catch_up().is_ok());
    if (live) engine_->start();
    views_ = std::make_unique<Views>(store_.get(), engine_.get());
  }

  zhurnal::testing::TempDir views_dir_;
  std::unique_ptr<events::KvStore> store_;
  std::unique_ptr<ProjectionEngine> engine_;
  std::unique_ptr<Views> views_;
};

}  // namespace zhurnal::projections::testing
