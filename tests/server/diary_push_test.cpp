// A diary push is exactly what a fresh `diary` query returns at the push's
// position: after every step of a sequence of marks, corrections,
// cancellations, attendance, a lesson held, a comment and a final mark, the
// parent's push (the later ones read through the hub's row cache) is
// compared with the answer to a query sent right after it. A parent sees
// only her own child's diary.
#include <capnp/compat/json.h>

#include <map>

#include "schema/views.capnp.h"
#include "server_fixture.hpp"

namespace zhurnal::server::testing {
namespace {

bool is_ok(const std::optional<std::string>& r) { return r && r->find(R"("ok":true)") != std::string::npos; }

// The JSON object that follows `"<member>":` in a frame (the view itself).
std::string diary_object(const std::string& frame, const std::string& member = "diary") {
  const size_t at = frame.find("\"" + member + "\":{");
  if (at == std::string::npos) return {};
  const size_t start = at + member.size() + 3;
  int depth = 0;
  bool in_string = false;
  for (size_t i = start; i < frame.size(); ++i) {
    const char c = frame[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}' && --depth == 0) {
      return frame.substr(start, i - start + 1);
    }
  }
  return {};
}

uint64_t position_of(const std::string& frame) {
  const std::string p = json_field(frame, "position");
  return p.empty() ? 0 : std::stoull(p);
}

class DiaryPushTest : public ServerFixture {
 protected:
  // Runs a command as `user` and returns its last log position.
  uint64_t command(WsClient& c, const std::string& body) {
    const std::string id = "c" + std::to_string(++n_);
    auto r = c.request(id, R"("command": {"commandId": ")" + id + R"(", "command": )" + body + "}");
    EXPECT_TRUE(is_ok(r)) << body << " -> " << (r ? *r : "no response");
    return r ? std::stoull(json_field(*r, "lastPosition")) : 0;
  }

  // Waits for the parent's push at or past `position` and compares it with
  // a fresh query; returns the push.
  std::string expect_push_equals_query(WsClient& parent, uint64_t position, const std::string& what) {
    std::string push;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      auto frame = parent.wait_push("\"diary\":", std::chrono::seconds(10));
      if (!frame) break;
      if (position_of(*frame) >= position) {
        push = std::move(*frame);
        break;
      }
    }
    EXPECT_FALSE(push.empty()) << what << ": no push at position " << position;
    if (push.empty()) return push;
    ++pushes_;
    auto fresh = parent.request("q" + std::to_string(++n_), kDiary);
    EXPECT_TRUE(is_ok(fresh)) << what;
    if (!fresh) return push;
    EXPECT_EQ(diary_object(push), diary_object(*fresh)) << what;
    EXPECT_FALSE(diary_object(push).empty()) << what;
    return push;
  }

  static constexpr char kDiary[] = R"("diary": {"studentId": "s1", "date": "2026-10-05"})";
  int n_ = 0;
  int pushes_ = 0;
};

std::string mark(const std::string& id, const std::string& lesson, const std::string& student,
                 const std::string& value, const std::string& work_type = "oral") {
  return R"({"postMark": {"markId": ")" + id + R"(", "lessonId": ")" + lesson +
         R"(", "studentId": ")" + student + R"(", "value": )" + value + R"(, "workTypeId": ")" +
         work_type + R"(", "comment": ""}})";
}

TEST_F(DiaryPushTest, EveryPushEqualsAFreshQueryAtItsPosition) {
  auto parent = signed_in("p1");
  // Her sign-in folded first: the initial push and the query after it must
  // see the same position.
  ASSERT_TRUE(engine_->wait_position(log_->head_position(), std::chrono::seconds(10)));
  ASSERT_TRUE(is_ok(parent->request(
      "s", R"("subscribe": {"lastPosition": "0", "diary": {"studentId": "s1", "date": "2026-10-05"}})")));
  expect_push_equals_query(*parent, 1, "initial push");
  // Not her child: refused, now and after marks.
  auto other = parent->request(
      "s2", R"("subscribe": {"lastPosition": "0", "diary": {"studentId": "s2", "date": "2026-10-05"}})");
  EXPECT_NE(other->find(R"("code":"forbidden")"), std::string::npos) << *other;

  auto math = signed_in("t-math");
  auto eng = signed_in("t-eng");
  auto rus = signed_in("t-rus");
  at("2026-10-05 11:30");
  struct Step {
    WsClient* by;
    std::string body, what;
  };
  const std::vector<Step> steps = {
      {math.get(), mark("m1", "l-math", "s1", R"({"numeric": 5})"), "a mark"},
      {math.get(), mark("m2", "l-math", "s1", R"({"numeric": 3})", "test"), "a second mark, same cell"},
      {math.get(), R"({"correctMark": {"markId": "m1", "value": {"numeric": 4}, "reason": "Ошибка"}})",
       "a correction"},
      {eng.get(), mark("e1", "l-eng", "s1", R"({"numeric": 2})"), "a mark in another subject"},
      {math.get(), R"({"cancelMark": {"markId": "m2", "reason": "Ошибка ввода"}})", "a cancellation"},
      {math.get(), R"({"recordAttendance": {"lessonId": "l-math", "studentId": "s1", "code": "late"}})",
       "attendance"},
      {math.get(), R"({"holdLesson": {"lessonId": "l-math", "topic": "Дроби"}})", "a lesson held"},
      {math.get(), mark("m3", "l-math", "s1", R"({"nonNumeric": "pass"})"), "a mark after the lesson row changed"},
      {rus.get(), R"({"commentStudent": {"commentId": "k1", "studentId": "s1", "lessonId": "", "text": "Молодец"}})",
       "a comment"},
      {eng.get(), R"({"cancelMark": {"markId": "e1", "reason": "Не тот ученик"}})", "a cancellation, other subject"},
  };
  for (const Step& s : steps) {
    // A mark for another student (s2) between the steps: the parent's
    // pushes never carry it.
    command(*math, mark("x" + std::to_string(n_), "l-math", "s2", R"({"numeric": 4})"));
    const uint64_t pos = command(*s.by, s.body);
    const std::string push = expect_push_equals_query(*parent, pos, s.what);
    EXPECT_EQ(push.find(R"("studentId":"s2")"), std::string::npos) << s.what;
  }
  at("2026-10-20 12:00");
  const uint64_t fin = command(*math, R"({"setFinalMark": {"studentId": "s1", "classId": "c5a",
      "subjectId": "math", "kind": "period", "periodId": "q1", "value": {"numeric": 4}, "reason": ""}})");
  const std::string push = expect_push_equals_query(*parent, fin, "a final mark");
  EXPECT_NE(push.find(R"("hasPeriodMark":true)"), std::string::npos) << push;
  EXPECT_EQ(pushes_, static_cast<int>(steps.size()) + 2);
}

// The diary as a page keeps it: a whole diary, then patches merged into it
// (entries replaced by lesson id; subjects replaced or added, in subject id
// order; the rest kept). Views are compared in the codec's own encoding.
class PageDiary {
 public:
  void set_whole(const std::string& json) { whole_ = normalise(json); }
  // Merges the patch; false when there was no whole diary to merge it into.
  bool merge(const std::string& patch_json) {
    if (whole_.empty()) return false;
    capnp::MallocMessageBuilder held, patch, out;
    codec_.decode(kj::StringPtr(whole_.c_str()), held.initRoot<schema::DiaryView>());
    codec_.decode(kj::StringPtr(patch_json.c_str()), patch.initRoot<schema::DiaryView>());
    auto w = held.getRoot<schema::DiaryView>().asReader();
    auto p = patch.getRoot<schema::DiaryView>().asReader();
    out.setRoot(w);
    auto merged = out.getRoot<schema::DiaryView>();
    auto lessons = merged.getLessons();
    for (size_t i = 0; i < lessons.size(); ++i) {
      for (auto e : p.getLessons()) {
        if (e.getLesson().getLessonId() == lessons[i].getLesson().getLessonId()) lessons.setWithCaveats(i, e);
      }
    }
    std::map<std::string, schema::DiaryView::Subject::Reader> subjects;
    for (auto x : w.getSubjects()) subjects.insert_or_assign(x.getSubjectId().cStr(), x);
    for (auto x : p.getSubjects()) subjects.insert_or_assign(x.getSubjectId().cStr(), x);
    auto list = merged.initSubjects(subjects.size());
    size_t i = 0;
    for (auto& [id, x] : subjects) list.setWithCaveats(i++, x);
    merged.setPosition(p.getPosition());
    kj::String text = codec_.encode(merged.asReader());
    whole_.assign(text.cStr(), text.size());
    return true;
  }
  const std::string& json() const { return whole_; }
  std::string normalise(const std::string& json) {
    capnp::MallocMessageBuilder m;
    codec_.decode(kj::StringPtr(json.c_str()), m.initRoot<schema::DiaryView>());
    kj::String text = codec_.encode(m.getRoot<schema::DiaryView>().asReader());
    return std::string(text.cStr(), text.size());
  }

 private:
  capnp::JsonCodec codec_;
  std::string whole_;
};

// With `patches`, a parent's page holds after every step what a fresh query
// returns: cell changes come as patches (a week's lesson, an earlier lesson
// of the period, two subjects), everything else as the whole diary.
TEST_F(DiaryPushTest, PatchesMergedIntoTheWholeDiaryEqualAFreshQuery) {
  auto parent = signed_in("p1");
  auto bad = parent->request("b", R"("subscribe": {"lastPosition": "0", "patches": true,
      "register": {"classId": "c5a", "subjectId": "math", "periodId": "q1"}})");
  EXPECT_NE(bad->find(R"("code":"bad_request")"), std::string::npos) << *bad;
  auto math = signed_in("t-math");
  auto eng = signed_in("t-eng");
  auto rus = signed_in("t-rus");
  auto deputy = signed_in("deputy");
  // The sign-ins' events folded first: the initial push and the query after
  // it must see the same position.
  ASSERT_TRUE(engine_->wait_position(log_->head_position(), std::chrono::seconds(10)));
  ASSERT_TRUE(is_ok(parent->request(
      "s", R"("subscribe": {"lastPosition": "0", "patches": true, "diary": {"studentId": "s1", "date": "2026-10-05"}})")));
  PageDiary page;
  // Waits for the push at or past `position`, merges it, compares with a
  // fresh query; returns the member the push carried.
  auto step = [&](uint64_t position, const std::string& what) -> std::string {
    std::string push;
    for (;;) {
      auto frame = parent->wait_push("\"push\"", std::chrono::seconds(10));
      if (!frame) break;
      if (position_of(*frame) >= position) {
        push = std::move(*frame);
        break;
      }
    }
    EXPECT_FALSE(push.empty()) << what << ": no push at position " << position;
    if (push.empty()) return {};
    std::string member = "diary";
    if (std::string patch = diary_object(push, "diaryPatch"); !patch.empty()) {
      member = "diaryPatch";
      // What a cell cannot change is not in a patch (docs/protocol.md).
      EXPECT_EQ(patch.find("\"notes\""), std::string::npos) << patch;
      EXPECT_EQ(patch.find("\"lastLessonDate\""), std::string::npos) << patch;
      EXPECT_TRUE(page.merge(patch)) << what << ": a patch before the whole diary";
      EXPECT_EQ(position_of(push), position) << what;
    } else {
      page.set_whole(diary_object(push));
    }
    auto fresh = parent->request("q" + std::to_string(++n_), kDiary);
    EXPECT_TRUE(fresh && is_ok(*fresh)) << what;
    if (fresh) {
      EXPECT_EQ(page.json(), page.normalise(diary_object(*fresh))) << what;
    }
    return member;
  };
  EXPECT_EQ(step(1, "initial push"), "diary");
  at("2026-10-05 11:30");
  struct Step {
    WsClient* by;
    std::string body, what, member;
  };
  const std::vector<Step> steps = {
      {math.get(), mark("m1", "l-math", "s1", R"({"numeric": 5})"), "a mark", "diaryPatch"},
      {math.get(), mark("m2", "l-math", "s1", R"({"numeric": 3})", "test"), "a second mark, same cell",
       "diaryPatch"},
      {math.get(), R"({"correctMark": {"markId": "m1", "value": {"numeric": 4}, "reason": "Ошибка"}})",
       "a correction", "diaryPatch"},
      {eng.get(), mark("e1", "l-eng", "s1", R"({"numeric": 2})"), "a first mark in another subject",
       "diaryPatch"},
      {math.get(), R"({"cancelMark": {"markId": "m2", "reason": "Ошибка ввода"}})", "a cancellation",
       "diaryPatch"},
      {math.get(), R"({"recordAttendance": {"lessonId": "l-math", "studentId": "s1", "code": "late"}})",
       "attendance", "diaryPatch"},
      {math.get(), R"({"holdLesson": {"lessonId": "l-math", "topic": "Дроби"}})", "a lesson held", "diary"},
      {math.get(), mark("m3", "l-math", "s1", R"({"nonNumeric": "pass"})"), "a mark after a whole push",
       "diaryPatch"},
      {deputy.get(), R"({"scheduleLesson": {"lessonId": "l-math-0928", "classId": "c5a", "subgroupId": "",
          "subjectId": "math", "teacherId": "t-math", "date": "2026-09-28", "number": 2}})",
       "a lesson of an earlier week", "diary"},
      {math.get(), mark("m4", "l-math-0928", "s1", R"({"numeric": 3})"), "a mark in an earlier week",
       "diaryPatch"},
      {rus.get(), R"({"commentStudent": {"commentId": "k1", "studentId": "s1", "lessonId": "", "text": "Молодец"}})",
       "a comment", "diary"},
      {eng.get(), R"({"cancelMark": {"markId": "e1", "reason": "Не тот ученик"}})", "a cancellation, other subject",
       "diaryPatch"},
  };
  for (const Step& s : steps) {
    command(*math, mark("x" + std::to_string(n_), "l-math", "s2", R"({"numeric": 4})"));
    const uint64_t pos = command(*s.by, s.body);
    EXPECT_EQ(step(pos, s.what), s.member) << s.what;
  }
}

// A commit with more changes than it lists (its topics are just "*": a
// catch-up from far behind, or a live batch past 16,384 topics) wakes every
// subscription whole: the parent's diary comes again, with what changed,
// equal to a fresh query.
TEST_F(DiaryPushTest, ACommitOfTooManyChangesPushesEveryDiaryWhole) {
  auto parent = signed_in("p1");
  ASSERT_TRUE(engine_->wait_position(log_->head_position(), std::chrono::seconds(10)));
  ASSERT_TRUE(is_ok(parent->request("s", std::string(R"("subscribe": {"lastPosition": "0", )") + kDiary + "}")));
  expect_push_equals_query(*parent, 1, "initial push");

  // The live thread stops; the log runs ahead by more than a batch (the
  // fixture's engine takes 2,048 events a batch), so catch_up() folds in
  // rebuild mode.
  engine_->stop();
  at("2026-10-05 11:30");
  ok("t-math", mark("m1", "l-math", "s1", R"({"numeric": 5})"));
  for (int i = 0; i < 2100; ++i) {
    ok("t-rus", R"({"commentStudent": {"commentId": "f)" + std::to_string(i) +
                    R"(", "studentId": "s2", "lessonId": "", "text": "Замечание"}})");
  }
  const uint64_t head = log_->head_position();
  std::vector<std::set<std::string>> commits;
  const uint64_t listener =
      engine_->add_listener([&](const projections::ChangeSet& c) { commits.push_back(c.topics); });
  ASSERT_TRUE(engine_->catch_up().is_ok());
  engine_->remove_listener(listener);
  ASSERT_FALSE(commits.empty());
  for (const auto& topics : commits) {
    EXPECT_EQ(topics, std::set<std::string>{std::string(projections::ProjectionTx::kAllTopics)});
  }
  const std::string push = expect_push_equals_query(*parent, head, "after a commit of every topic");
  EXPECT_NE(diary_object(push).find(R"("markId":"m1")"), std::string::npos) << push;
  engine_->start();
}

}  // namespace
}  // namespace zhurnal::server::testing
