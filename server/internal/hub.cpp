#include "hub.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "json.hpp"
#include "json_writer.hpp"
#include "log_events.hpp"
#include "roster_requests.hpp"
#include "school_requests.hpp"

namespace zhurnal::server::internal {

Hub::Hub(ServerContext& context, boost::asio::thread_pool& workers)
    : ctx_(context), workers_(workers) {
  if (ctx_.log && ctx_.engine) {
    diary_rows_ = std::make_unique<projections::RowCache>(ctx_.log, ctx_.engine->position());
  }
}

std::set<std::string> Hub::topics_of(const SubscriptionSpec& spec) {
  std::set<std::string> topics;
  if (spec.kind == SubscriptionSpec::Kind::kDiary) {
    topics.insert("diary/" + spec.student_id);
    if (auto info = ctx_.journal->user_info(spec.student_id)) {
      if (!info->class_id.empty()) topics.insert("lesson-class/" + info->class_id);
      topics.insert("books/" + info->school_id);  // subjects' names
    }
  } else if (spec.kind == SubscriptionSpec::Kind::kCompliance) {
    topics.insert("compliance/" + spec.school_id + "/" + spec.month);
  } else if (spec.kind == SubscriptionSpec::Kind::kRegister) {
    topics.insert("register/" + spec.class_id + "/" + spec.subject_id);
    topics.insert("class/" + spec.class_id);
    topics.insert("books/" + ctx_.journal->school_of_class(spec.class_id));  // subject, work types
  } else if (spec.kind == SubscriptionSpec::Kind::kClassRoster) {
    topics.insert("roster/" + spec.class_id);
    topics.insert("class/" + spec.class_id);
  } else if (spec.kind == SubscriptionSpec::Kind::kSchool) {
    topics.insert("school/" + spec.school_id);
  }
  return topics;
}

std::string Hub::subscribe(const std::shared_ptr<Connection>& conn, SubscriptionSpec spec,
                           uint64_t last_position) {
  const std::set<std::string> topics = topics_of(spec);
  Key key;
  {
    std::lock_guard lock(mu_);
    Conn& c = conns_[conn->id()];
    c.conn = conn;
    const std::string id = "s" + std::to_string(next_id_++);
    key = {conn->id(), id};
    Sub& s = c.subs[id];
    s.spec = std::move(spec);
    s.topics = topics;
    s.pushed = last_position;
    for (const std::string& t : topics) by_topic_[t].insert(key);
    if (s.spec.kind == SubscriptionSpec::Kind::kLog) log_subs_.insert(key);
  }
  return key.second;
}

void Hub::start_initial(uint64_t conn_id) {
  std::vector<Key> keys;
  {
    std::lock_guard lock(mu_);
    auto c = conns_.find(conn_id);
    if (c == conns_.end()) return;
    for (auto& [id, s] : c->second.subs) {
      if (!s.initial) continue;
      s.initial = false;
      keys.push_back({conn_id, id});
    }
  }
  for (const Key& k : keys) schedule(k);
}

bool Hub::unsubscribe(uint64_t conn_id, const std::string& sub_id) {
  std::lock_guard lock(mu_);
  auto c = conns_.find(conn_id);
  if (c == conns_.end()) return false;
  auto s = c->second.subs.find(sub_id);
  if (s == c->second.subs.end()) return false;
  const Key key{conn_id, sub_id};
  for (const std::string& t : s->second.topics) {
    auto it = by_topic_.find(t);
    if (it == by_topic_.end()) continue;
    it->second.erase(key);
    if (it->second.empty()) by_topic_.erase(it);
  }
  log_subs_.erase(key);
  c->second.subs.erase(s);
  return true;
}

void Hub::drop(uint64_t conn_id) {
  std::vector<std::string> ids;
  {
    std::lock_guard lock(mu_);
    auto c = conns_.find(conn_id);
    if (c == conns_.end()) return;
    for (auto& [id, s] : c->second.subs) ids.push_back(id);
  }
  for (const std::string& id : ids) unsubscribe(conn_id, id);
  std::lock_guard lock(mu_);
  conns_.erase(conn_id);
}

size_t Hub::subscriptions() const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& [id, c] : conns_) n += c.subs.size();
  return n;
}

void Hub::on_changes(const projections::ChangeSet& changes) {
  uint64_t seen = changed_.load(std::memory_order_relaxed);
  while (seen < changes.position &&
         !changed_.compare_exchange_weak(seen, changes.position, std::memory_order_relaxed)) {
  }
  std::set<Key> keys;
  {
    std::lock_guard lock(mu_);
    if (changes.topics.contains(std::string(projections::ProjectionTx::kAllTopics))) {
      // Too many changes to list: every subscription looks again, whole.
      for (auto& [conn_id, c] : conns_) {
        for (auto& [sub_id, s] : c.subs) {
          keys.insert({conn_id, sub_id});
          s.note_whole(changes.position);
        }
      }
    } else {
      for (const std::string& t : changes.topics) note_change(t, changes.position, &keys);
    }
    keys.insert(log_subs_.begin(), log_subs_.end());
  }
  for (const Key& k : keys) schedule(k);
}

void Hub::note_change(const std::string& topic, uint64_t position, std::set<Key>* keys) {
  // "diary-cell/<student>/<lesson>" wakes the student's diary subscriptions
  // with one cell to patch; any other topic wakes its subscriptions whole.
  static constexpr std::string_view kCell = "diary-cell/";
  std::string lesson;
  auto it = by_topic_.end();
  if (std::string_view t(topic); t.starts_with(kCell)) {
    t.remove_prefix(kCell.size());
    const size_t slash = t.find('/');
    if (slash == std::string_view::npos) return;
    lesson = t.substr(slash + 1);
    it = by_topic_.find("diary/" + std::string(t.substr(0, slash)));
  } else {
    it = by_topic_.find(topic);
  }
  if (it == by_topic_.end()) return;
  for (const Key& k : it->second) {
    keys->insert(k);
    auto c = conns_.find(k.first);
    if (c == conns_.end()) continue;
    auto s = c->second.subs.find(k.second);
    if (s == c->second.subs.end() || s->second.spec.kind != SubscriptionSpec::Kind::kDiary) continue;
    Sub& sub = s->second;
    if (lesson.empty() || sub.cells.size() >= kMaxPatchLessons) {
      sub.note_whole(position);
    } else {
      if (!sub.whole_due) sub.cells.insert(lesson);
      sub.dirty_to = std::max(sub.dirty_to, position);
    }
  }
}

void Hub::schedule(const Key& key) {
  {
    std::lock_guard lock(mu_);
    auto c = conns_.find(key.first);
    if (c == conns_.end()) return;
    auto s = c->second.subs.find(key.second);
    if (s == c->second.subs.end() || s->second.initial) return;
    if (s->second.busy) {
      s->second.again = true;  // the running push will go round once more
      return;
    }
    s->second.busy = true;
  }
  boost::asio::post(workers_, [this, key] { push(key); });
}

void Hub::push(const Key& key) {
  for (;;) {
    std::shared_ptr<Connection> conn;
    SubscriptionSpec spec;
    uint64_t pushed = 0;
    bool warm = false;
    DiaryWork work;
    {
      std::lock_guard lock(mu_);
      auto c = conns_.find(key.first);
      if (c == conns_.end()) return;
      auto s = c->second.subs.find(key.second);
      if (s == c->second.subs.end()) return;
      conn = c->second.conn.lock();
      if (!conn) return;
      spec = s->second.spec;
      pushed = s->second.pushed;
      warm = s->second.warm;
      s->second.again = false;
      if (spec.kind == SubscriptionSpec::Kind::kDiary) {
        Sub& sub = s->second;
        work.whole = !spec.patches || !diary_rows_ || !sub.has_whole || sub.whole_due || sub.cells.empty();
        work.lessons = std::move(sub.cells);
        work.to = sub.dirty_to;
        sub.cells.clear();
        sub.whole_due = false;
      }
    }
    // The engine moves its position right after its listeners return.
    if (const uint64_t want = changed_.load(std::memory_order_relaxed);
        ctx_.engine && ctx_.engine->position() < want) {
      ctx_.engine->wait_position(want, std::chrono::seconds(1));
    }
    // The school's view is the journal's decision state, which folds the
    // same events on its own thread.
    if (spec.kind == SubscriptionSpec::Kind::kSchool) {
      ctx_.journal->wait_applied(changed_.load(std::memory_order_relaxed), std::chrono::seconds(1));
    }
    // A patch reads its rows at the engine's position, which must cover it.
    if (!work.whole && (!ctx_.engine || ctx_.engine->position() < work.to)) work.whole = true;
    std::string frame;
    try {
      frame = render(*conn, key.second, spec, &pushed, warm, work);
    } catch (const std::exception& e) {
      if (ctx_.logger) ctx_.logger->warn("push {} failed: {}", key.second, e.what());
    }
    const bool sent = !frame.empty();
    if (sent) {
      conn->send(std::make_shared<const std::string>(std::move(frame)));
      ctx_.metrics->pushes.fetch_add(1, std::memory_order_relaxed);
    }
    std::lock_guard lock(mu_);
    auto c = conns_.find(key.first);
    if (c == conns_.end()) return;
    auto s = c->second.subs.find(key.second);
    if (s == c->second.subs.end()) return;
    s->second.pushed = std::max(s->second.pushed, pushed);
    s->second.warm = true;
    if (sent && spec.kind == SubscriptionSpec::Kind::kDiary && work.whole) s->second.has_whole = true;
    const bool more_log = spec.kind == SubscriptionSpec::Kind::kLog && sent &&
                          s->second.pushed < ctx_.log->head_position();
    if (!s->second.again && !more_log) {
      s->second.busy = false;
      return;
    }
  }
}

std::string Hub::render(Connection& conn, const std::string& sub_id, const SubscriptionSpec& spec,
                        uint64_t* pushed, bool warm, const DiaryWork& work) {
  // The views go out as they come from the query, without a copy into a
  // ServerMessage (json_writer.hpp writes the same frame the codec would).
  const std::string user = conn.user_id();
  switch (spec.kind) {
    case SubscriptionSpec::Kind::kDiary: {
      if (!ctx_.journal->may_read_student(user, spec.student_id)) return {};
      if (!work.whole) {
        // Changes at or before the last push went out with it (a whole view).
        if (work.to <= *pushed) return {};
        auto patch = ctx_.views->diary_patch(spec.student_id, spec.date, work.lessons, work.to, *diary_rows_);
        if (!patch) return {};
        auto d = (*patch)->getRoot<schema::DiaryView>().asReader();
        if (d.getLessons().size() == 0 && d.getSubjects().size() == 0) return {};  // not this week's or period's
        *pushed = work.to;
        return write_view_push(sub_id, work.to, "diaryPatch", d);
      }
      auto view = warm && diary_rows_ ? ctx_.views->diary(spec.student_id, spec.date, *diary_rows_)
                                      : ctx_.views->diary(spec.student_id, spec.date);
      if (!view) return {};
      auto d = (*view)->getRoot<schema::DiaryView>().asReader();
      if (d.getPosition() <= *pushed) return {};
      *pushed = d.getPosition();
      return write_view_push(sub_id, d.getPosition(), "diary", d);
    }
    case SubscriptionSpec::Kind::kRegister: {
      if (!ctx_.journal->may_read_class(user, spec.class_id)) return {};
      auto view = ctx_.views->class_register(spec.class_id, spec.subject_id, spec.period_id);
      if (!view) return {};
      auto r = (*view)->getRoot<schema::RegisterView>().asReader();
      if (r.getPosition() <= *pushed) return {};
      *pushed = r.getPosition();
      return write_view_push(sub_id, r.getPosition(), "register", r);
    }
    case SubscriptionSpec::Kind::kCompliance: {
      if (!ctx_.journal->may_read_school(user, spec.school_id)) return {};
      auto view = ctx_.views->compliance(spec.school_id, spec.month);
      if (!view) return {};
      auto c = (*view)->getRoot<schema::ComplianceView>().asReader();
      if (c.getPosition() <= *pushed) return {};
      *pushed = c.getPosition();
      return write_view_push(sub_id, c.getPosition(), "compliance", c);
    }
    case SubscriptionSpec::Kind::kClassRoster:
    case SubscriptionSpec::Kind::kSchool:
    case SubscriptionSpec::Kind::kLog:
      break;
  }
  capnp::MallocMessageBuilder message;
  auto push = message.initRoot<schema::ServerMessage>().initPush();
  push.setSubscription(sub_id);
  if (spec.kind == SubscriptionSpec::Kind::kClassRoster) {
    if (!render_roster(ctx_, user, spec, push, pushed)) return {};
  } else if (spec.kind == SubscriptionSpec::Kind::kSchool) {
    if (!render_school(ctx_, user, spec, push, pushed)) return {};
  } else {
    if (!ctx_.journal->may_read_log(user)) return {};
    auto events = ctx_.log->read_all(*pushed + 1, spec.log_limit);
    if (!events || events->empty()) return {};
    *pushed = events->back().position;
    push.setPosition(*pushed);
    fill_log_events(*events, push.initLog(events->size()), actor_names(*ctx_.journal));
  }
  return write_json(message.getRoot<schema::ServerMessage>().asReader());
}

}  // namespace zhurnal::server::internal
