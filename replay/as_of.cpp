#include "zhurnal/replay/as_of.hpp"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "internal/prefix_log.hpp"
#include "zhurnal/events/kv_store.hpp"
#include "zhurnal/projections/engine.hpp"
#include "zhurnal/replay/local_time.hpp"
#include "zhurnal/replay/log_lookup.hpp"

namespace zhurnal::replay {
namespace {

using events::StatusCode;
namespace fs = std::filesystem;

events::Status invalid(std::string message) { return {StatusCode::kInvalidArgument, std::move(message)}; }

// The projections whose rows a view's Views code reads (and no other's): a
// fold of only these answers the view the same. The people projection
// serves no as-of view, and a register or a diary needs no compliance
// figures (a quarter of a rebuild's CPU at 10M events).
std::set<std::string> projections_of(AsOfView view) {
  if (view == AsOfView::kCompliance) return {"journal", "compliance"};
  return {"journal"};
}

}  // namespace

// The kept fold: a scratch view store and an engine over a prefix of the log.
// Members are destroyed in reverse order: the engine before the store before
// the directory is removed.
struct AsOfReader::Fold {
  std::set<std::string> projections;  // the ones folded
  fs::path dir;
  std::unique_ptr<internal::PrefixLog> prefix;
  std::unique_ptr<events::KvStore> store;
  std::unique_ptr<projections::ProjectionEngine> engine;
  std::unique_ptr<projections::Views> views;

  ~Fold() {
    views.reset();
    engine.reset();
    store.reset();
    std::error_code ec;
    if (!dir.empty()) fs::remove_all(dir, ec);
  }
};

AsOfReader::AsOfReader(AsOfOptions options)
    : options_(std::move(options)), counting_(std::make_unique<ReadCountingLog>(options_.log)) {}

AsOfReader::~AsOfReader() = default;

AsOfReader::FoldProgress AsOfReader::fold_progress() const {
  return {counting_->position_read(), fold_target_.load()};
}

uint64_t AsOfReader::cached_position() const {
  std::lock_guard lock(mu_);
  return fold_ ? fold_->prefix->limit() : 0;
}

events::Status AsOfReader::fold_to(uint64_t position, std::set<std::string> projections) {
  if (fold_) {
    const bool has_them = std::includes(fold_->projections.begin(), fold_->projections.end(),
                                        projections.begin(), projections.end());
    // Earlier, or a view of a projection not folded: start again from zero,
    // with every projection folded so far (the next query may want them).
    if (!has_them || fold_->prefix->limit() > position) {
      projections.insert(fold_->projections.begin(), fold_->projections.end());
      fold_.reset();
    }
  }
  if (!fold_) {
    auto fold = std::make_unique<Fold>();
    fold->projections = projections;
    std::error_code ec;
    fs::path parent = options_.scratch_parent.empty() ? fs::temp_directory_path(ec)
                                                      : fs::path(options_.scratch_parent);
    fs::create_directories(parent, ec);
    std::string templ = (parent / "zhurnal-as-of-XXXXXX").string();
    if (!::mkdtemp(templ.data())) {
      return {StatusCode::kIoError, "cannot create a scratch directory under " + parent.string()};
    }
    fold->dir = templ;
    counting_->reset();  // a fold from zero
    fold->prefix = std::make_unique<internal::PrefixLog>(counting_.get(), position);
    auto store = events::KvStore::open({fold->dir.string(), false, true});
    if (!store) return store.error();
    fold->store = std::move(*store);
    std::vector<std::unique_ptr<projections::Projection>> chosen;
    for (auto& p : projections::standard_projections()) {
      if (projections.contains(std::string(p->name()))) chosen.push_back(std::move(p));
    }
    projections::EngineOptions engine_options{fold->prefix.get(), fold->store.get(), nullptr, 4096};
    engine_options.bulk_memory_bytes = options_.bulk_memory_bytes;
    auto engine = projections::ProjectionEngine::open(engine_options, std::move(chosen));
    if (!engine) return engine.error();
    fold->engine = std::move(*engine);
    fold->views = std::make_unique<projections::Views>(fold->store.get(), fold->engine.get());
    fold_ = std::move(fold);
  }
  fold_->prefix->set_limit(position);
  fold_target_.store(position);
  events::Status st = fold_->engine->catch_up();
  if (!st.is_ok()) fold_.reset();  // never keep a half-folded store
  return st;
}

events::Result<std::string> as_of_school(events::EventLog& log, const AsOfQuery& q) {
  switch (q.view) {
    case AsOfView::kRegister:
      if (q.class_id.empty() || q.subject_id.empty() || q.period_id.empty()) {
        return std::unexpected(invalid("для журнала нужны класс, предмет и период"));
      }
      return school_of_class(log, q.class_id);
    case AsOfView::kDiary:
      if (q.student_id.empty() || q.date.empty()) {
        return std::unexpected(invalid("для дневника нужны ученик и дата"));
      }
      return school_of_student(log, q.student_id);
    case AsOfView::kCompliance:
      if (q.school_id.empty() || q.month.empty()) {
        return std::unexpected(invalid("для проверки журнала нужны школа и месяц"));
      }
      if (auto s = school_ref(log, q.school_id); !s) return std::unexpected(s.error());
      return q.school_id;
  }
  return std::unexpected(invalid("неизвестное представление"));
}

events::Result<AsOfResult> AsOfReader::query(const AsOfQuery& q) {
  std::lock_guard lock(mu_);
  return query_locked(q);
}

std::optional<events::Result<AsOfResult>> AsOfReader::try_query(const AsOfQuery& q,
                                                                std::chrono::milliseconds wait) {
  std::unique_lock lock(mu_, std::defer_lock);
  if (!lock.try_lock_for(wait)) return std::nullopt;
  return query_locked(q);
}

events::Result<AsOfResult> AsOfReader::query_locked(const AsOfQuery& q) {
  events::EventLog& log = *options_.log;
  auto school = as_of_school(log, q);
  if (!school) return std::unexpected(school.error());
  auto ref = school_ref(log, *school);
  if (!ref) return std::unexpected(ref.error());
  auto at_us = parse_local_time(q.at, ref->time_zone);
  if (!at_us) return std::unexpected(at_us.error());
  auto position = position_at(log, *at_us);
  if (!position) return std::unexpected(position.error());
  if (events::Status st = fold_to(*position, projections_of(q.view)); !st.is_ok()) {
    return std::unexpected(st);
  }

  AsOfResult out;
  out.at_us = *at_us;
  out.at = format_local_time(*at_us, ref->time_zone);
  out.school_id = *school;
  out.time_zone = ref->time_zone;
  out.position = *position;
  const projections::Views& views = *fold_->views;
  events::Result<projections::ViewMessage> view =
      q.view == AsOfView::kRegister ? views.class_register(q.class_id, q.subject_id, q.period_id)
      : q.view == AsOfView::kDiary  ? views.diary(q.student_id, q.date)
                                    : views.compliance(q.school_id, q.month);
  if (!view) {
    return events::error(view.error().code(),
                         view.error().message() + " (по состоянию на " + out.at + ", позиция " +
                             std::to_string(out.position) + ")");
  }
  out.view = std::move(*view);
  return out;
}

}  // namespace zhurnal::replay
