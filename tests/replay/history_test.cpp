// replay history: every event about a student, a class and a teacher, with
// previous values found from the earlier events, in text, JSON lines and CSV.
#include <gtest/gtest.h>

#include <capnp/message.h>
#include <capnp/serialize.h>

#include <sstream>

#include "replay_fixture.hpp"
#include "schema/journal.capnp.h"
#include "zhurnal/replay/history.hpp"
#include "zhurnal/replay/local_time.hpp"

namespace zhurnal::replay {
namespace {

using testing::ReplayFixture;
using HistoryTest = ReplayFixture;

HistoryResult history_of(events::EventLog& log, HistorySubject kind, const std::string& id) {
  HistoryQuery q;
  q.kind = kind;
  q.id = id;
  auto h = history(log, q);
  EXPECT_TRUE(h) << h.error().to_string();
  return h ? *h : HistoryResult{};
}

const HistoryEntry* find(const HistoryResult& h, const std::string& type) {
  for (const HistoryEntry& e : h.entries) {
    if (e.event_type == type) return &e;
  }
  return nullptr;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST_F(HistoryTest, StudentHistoryHasTheMarkWithPreviousValuesActorsAndReasons) {
  const HistoryResult h = history_of(*log_, HistorySubject::kStudent, "s1");
  EXPECT_EQ(h.time_zone, "Asia/Yekaterinburg");
  ASSERT_NE(find(h, "StudentEnrolled"), nullptr);
  const HistoryEntry* posted = find(h, "MarkPosted");
  const HistoryEntry* corrected = find(h, "MarkCorrected");
  const HistoryEntry* cancelled = find(h, "MarkCancelled");
  ASSERT_TRUE(posted && corrected && cancelled);
  EXPECT_EQ(posted->previous, "");
  EXPECT_EQ(posted->value, "3");
  // Told with the names the fold knows: the student, the subject, the class.
  EXPECT_NE(posted->summary.find("Алексеев Иван (s1), Математика, 5А (c5a), 2026-10-05 урок №"),
            std::string::npos)
      << posted->summary;
  EXPECT_NE(corrected->summary.find("Алексеев Иван (s1), Математика"), std::string::npos)
      << corrected->summary;
  EXPECT_EQ(posted->actor, "t-math");
  EXPECT_FALSE(posted->actor_name.empty());
  EXPECT_EQ(posted->recorded_at, "2026-10-05 09:30:00");
  EXPECT_EQ(corrected->previous, "3");
  EXPECT_EQ(corrected->value, "4");
  EXPECT_EQ(corrected->reason, "Ошибка ввода");
  EXPECT_EQ(corrected->recorded_at, "2026-10-05 11:00:00");
  EXPECT_EQ(cancelled->previous, "4");
  EXPECT_EQ(cancelled->value, "отменена");
  EXPECT_EQ(cancelled->reason, "Выставлена не тому ученику");
  // In log order, and nothing about s2 (her absence and her mark).
  for (size_t i = 1; i < h.entries.size(); ++i) EXPECT_LT(h.entries[i - 1].position, h.entries[i].position);
  EXPECT_EQ(find(h, "AttendanceRecorded"), nullptr);
  for (const HistoryEntry& e : h.entries) EXPECT_EQ(e.payload_json.find("\"m2\""), std::string::npos);
}

TEST_F(HistoryTest, ClassHistoryHasItsLessonsMarksAndEnrolments) {
  const HistoryResult h = history_of(*log_, HistorySubject::kClass, "c5a");
  EXPECT_EQ(h.name, "5А");
  for (const char* type : {"ClassOpened", "StudentEnrolled", "LessonScheduled", "MarkPosted",
                           "MarkCorrected", "MarkCancelled", "AttendanceRecorded", "TeachingAssigned"}) {
    EXPECT_NE(find(h, type), nullptr) << type;
  }
  // A mark is found through its lesson's class, and told with the names.
  const HistoryEntry* posted = find(h, "MarkPosted");
  ASSERT_NE(posted, nullptr);
  EXPECT_NE(posted->summary.find("Алексеев Иван (s1), Математика, 5А (c5a), 2026-10-05 урок №"),
            std::string::npos)
      << posted->summary;
  // l-rus1 is a lesson of 1А: not in 5А's history.
  for (const HistoryEntry& e : h.entries) EXPECT_NE(e.stream, "lesson-l-rus1");
  const HistoryEntry* absence = find(h, "AttendanceRecorded");
  EXPECT_EQ(absence->value, "Б");
}

TEST_F(HistoryTest, TeacherHistoryHasWhatSheDidAndWhatWasDoneAboutHer) {
  const HistoryResult h = history_of(*log_, HistorySubject::kTeacher, "t-math");
  EXPECT_NE(find(h, "UserRegistered"), nullptr);
  EXPECT_NE(find(h, "TeachingAssigned"), nullptr);  // by the deputy, about her
  EXPECT_NE(find(h, "MarkPosted"), nullptr);        // by her
  for (const HistoryEntry& e : h.entries) {
    if (e.event_type == "MarkPosted") {
      EXPECT_EQ(e.actor, "t-math");
    }
  }
  // t-rus's lessons are not hers.
  for (const HistoryEntry& e : h.entries) EXPECT_NE(e.stream, "lesson-l-rus1");
}

// The events that name her only through the fold: the class teacher a new
// appointment replaces, the teacher of an assignment that ends. Both are
// told with her name, as the events she caused are.
TEST_F(HistoryTest, TeacherHistoryTellsEventsFoundThroughTheFoldWithNames) {
  at("2026-10-06 10:00");
  ok("secretary", R"({"assignClassTeacher": {"classId": "c5a", "teacherId": "t-math"}})");
  ok("deputy", R"({"endTeaching": {"assignmentId": "a-rus-1a", "classId": "c1a",
      "end": "2026-10-31"}})");
  const HistoryResult h = history_of(*log_, HistorySubject::kTeacher, "t-rus");
  const HistoryEntry* replaced = find(h, "ClassTeacherAssigned");
  const HistoryEntry* ended = find(h, "TeachingEnded");
  ASSERT_TRUE(replaced && ended);
  // Her own appointment comes first; the one that replaced her names her.
  for (const HistoryEntry& e : h.entries) {
    if (e.event_type == "ClassTeacherAssigned") replaced = &e;
  }
  EXPECT_EQ(replaced->previous, "Петрова Светлана Юрьевна (t-rus)");
  EXPECT_EQ(replaced->value, "Иванова Мария Петровна (t-math)");
  EXPECT_NE(replaced->summary.find("5А (c5a)"), std::string::npos) << replaced->summary;
  EXPECT_NE(ended->summary.find("Петрова Светлана Юрьевна (t-rus), 1А (c1a)"), std::string::npos)
      << ended->summary;
  const HistoryResult by_her = history_of(*log_, HistorySubject::kTeacher, "t-math");
  const HistoryEntry* posted = find(by_her, "MarkPosted");
  ASSERT_NE(posted, nullptr);
  EXPECT_NE(posted->summary.find("Алексеев Иван (s1), Математика, 5А (c5a)"), std::string::npos)
      << posted->summary;
}

// A correction is told with the value the earlier events left, for every
// kind of subject, even when its own `previous` field says otherwise (here
// an event appended by hand: the journal never writes one).
TEST_F(HistoryTest, PreviousValueComesFromTheEarlierEventsForEverySubject) {
  capnp::MallocMessageBuilder message;
  auto c = message.initRoot<schema::JournalEvent>().initAttendanceCorrected();
  c.setLessonId("l-math");
  c.setStudentId("s2");
  c.setPrevious(schema::AttendanceCode::LATE);  // the log says ill (Б)
  c.setCode(schema::AttendanceCode::PRESENT);
  c.setReason("Справка");
  const kj::Array<capnp::word> words = capnp::messageToFlatArray(message);
  const kj::ArrayPtr<const kj::byte> bytes = words.asBytes();
  events::CommandContext context;
  context.command_id = "cmd-by-hand";
  context.actor = "admin";
  ASSERT_TRUE(log_->append("lesson-l-math", events::ExpectedVersion::any(),
                           {{"AttendanceCorrected", std::string(bytes.begin(), bytes.end())}},
                           context));
  const std::pair<HistorySubject, const char*> subjects[] = {{HistorySubject::kStudent, "s2"},
                                                             {HistorySubject::kClass, "c5a"},
                                                             {HistorySubject::kTeacher, "admin"}};
  for (const auto& [kind, id] : subjects) {
    const HistoryResult h = history_of(*log_, kind, id);
    const HistoryEntry* corrected = find(h, "AttendanceCorrected");
    ASSERT_NE(corrected, nullptr) << id;
    EXPECT_EQ(corrected->previous, "Б") << id;
    EXPECT_EQ(corrected->value, "присутствовал") << id;
    EXPECT_NE(corrected->summary.find("Белова Мария (s2)"), std::string::npos)
        << corrected->summary;
  }
}

// A teacher's history keeps a lesson's values only from the first event it
// shows about the lesson, reading the earlier ones from the lesson's stream;
// an event outside that stream (appended by hand: the journal never writes
// one) is kept when it comes. The administrator's correction of m2 is told
// with the value such an event left, for every kind of subject.
TEST_F(HistoryTest, PreviousValueComesFromAnEventOutsideItsLessonsStream) {
  capnp::MallocMessageBuilder message;
  auto c = message.initRoot<schema::JournalEvent>().initMarkCorrected();
  c.setMarkId("m2");
  c.setLessonId("l-math");
  c.setStudentId("s2");
  c.initPrevious().setNumeric(5);
  c.initValue().setNumeric(2);
  c.setReason("Пересдача");
  const kj::Array<capnp::word> words = capnp::messageToFlatArray(message);
  const kj::ArrayPtr<const kj::byte> bytes = words.asBytes();
  events::CommandContext context;
  context.command_id = "cmd-by-hand";
  context.actor = "t-math";
  ASSERT_TRUE(log_->append("student-s2", events::ExpectedVersion::any(),
                           {{"MarkCorrected", std::string(bytes.begin(), bytes.end())}}, context));
  at("2026-10-06 10:00");
  ok("admin",
     R"({"correctMark": {"markId": "m2", "value": {"numeric": 4}, "reason": "Апелляция"}})");
  const std::pair<HistorySubject, const char*> subjects[] = {{HistorySubject::kStudent, "s2"},
                                                             {HistorySubject::kClass, "c5a"},
                                                             {HistorySubject::kTeacher, "admin"}};
  for (const auto& [kind, id] : subjects) {
    const HistoryResult h = history_of(*log_, kind, id);
    const HistoryEntry* corrected = nullptr;
    for (const HistoryEntry& e : h.entries) {
      if (e.event_type == "MarkCorrected" && e.actor == "admin") corrected = &e;
    }
    ASSERT_NE(corrected, nullptr) << id;
    EXPECT_EQ(corrected->previous, "2") << id;
    EXPECT_EQ(corrected->value, "4") << id;
  }
}

TEST_F(HistoryTest, TimeRangeAndPaging) {
  HistoryQuery q;
  q.kind = HistorySubject::kClass;
  q.id = "c5a";
  q.from_us = *parse_local_time("2026-10-05 10:00", "Asia/Yekaterinburg");
  q.to_us = *parse_local_time("2026-10-05 12:15", "Asia/Yekaterinburg");
  auto h = history(*log_, q);
  ASSERT_TRUE(h);
  ASSERT_EQ(h->entries.size(), 2u);
  EXPECT_EQ(h->entries[0].event_type, "MarkCorrected");
  EXPECT_EQ(h->entries[1].event_type, "MarkCancelled");

  q.from_us = std::numeric_limits<int64_t>::min();
  q.to_us = std::numeric_limits<int64_t>::max();
  const HistoryResult all = history_of(*log_, HistorySubject::kClass, "c5a");
  q.limit = 3;
  std::vector<uint64_t> paged;
  for (int page = 0; page < 100; ++page) {
    auto p = history(*log_, q);
    ASSERT_TRUE(p);
    for (const auto& e : p->entries) paged.push_back(e.position);
    if (p->next_position == 0) break;
    EXPECT_EQ(p->entries.size(), 3u);
    q.after_position = p->next_position;
  }
  ASSERT_EQ(paged.size(), all.entries.size());
  for (size_t i = 0; i < paged.size(); ++i) EXPECT_EQ(paged[i], all.entries[i].position);
}

// An EventLog that passes reads to another and keeps the first position of
// each read_into, to see where a history pass starts reading.
class ReadStartsLog final : public events::EventLog {
 public:
  explicit ReadStartsLog(events::EventLog* log) : log_(log) {}
  std::vector<uint64_t> starts;

  events::Status read_into(uint64_t from, size_t max, std::vector<events::RecordedEvent>* out,
                           events::EventFields fields) override {
    starts.push_back(from);
    return log_->read_into(from, max, out, fields);
  }
  events::Result<std::vector<events::RecordedEvent>> read_all(uint64_t from, size_t max) override {
    starts.push_back(from);
    return log_->read_all(from, max);
  }
  using events::EventLog::read_all;
  void append_async(std::vector<events::StreamAppend> s, events::CommandContext c,
                    AppendCallback done) override {
    log_->append_async(std::move(s), std::move(c), std::move(done));
  }
  events::Result<std::vector<events::RecordedEvent>> read_stream(std::string_view s, uint64_t v,
                                                                 events::Direction d,
                                                                 size_t max) override {
    return log_->read_stream(s, v, d, max);
  }
  events::Result<std::optional<events::AppendResult>> find_command(std::string_view id) override {
    return log_->find_command(id);
  }
  events::Result<uint64_t> stream_version(std::string_view s) override {
    return log_->stream_version(s);
  }
  uint64_t head_position() const override { return log_->head_position(); }
  using events::EventLog::subscribe;
  std::unique_ptr<events::Subscription> subscribe(uint64_t after, events::EventFields f) override {
    return log_->subscribe(after, f);
  }
  uint64_t add_commit_listener(CommitListener l) override {
    return log_->add_commit_listener(std::move(l));
  }
  void remove_commit_listener(uint64_t id) override { log_->remove_commit_listener(id); }
  events::Result<events::VerifyReport> verify(std::function<void(uint64_t)> p) override {
    return log_->verify(std::move(p));
  }
  events::LogStats stats() const override { return log_->stats(); }
  void close() override { log_->close(); }

 private:
  events::EventLog* log_;
};

// The next page continues the pass where the full one stopped: its entries
// are a fresh pass's, and it reads on from there instead of from position 1.
TEST_F(HistoryTest, ACursorContinuesThePassForTheNextPage) {
  at("2026-10-05 13:00");
  for (int i = 0; i < 5; ++i) {
    ok("t-math", post("m-c" + std::to_string(i), "s3", 2 + i % 4, "oral"));
  }
  ok("t-math",
     R"({"correctMark": {"markId": "m-c2", "value": {"numeric": 5}, "reason": "Пересчёт"}})");
  HistoryQuery q;
  q.kind = HistorySubject::kClass;
  q.id = "c5a";
  const HistoryResult all = history_of(*log_, q.kind, q.id);
  ASSERT_GT(all.entries.size(), 10u);

  ReadStartsLog counted(log_.get());
  HistoryCursor cursor;
  q.limit = 4;
  std::vector<HistoryEntry> paged;
  for (int page = 0; page < 100; ++page) {
    counted.starts.clear();
    auto p = history(counted, q, &cursor);
    ASSERT_TRUE(p) << p.error().to_string();
    ASSERT_FALSE(counted.starts.empty());
    // The first page reads from the start; every later one from where the
    // one before stopped reading, past the positions it returned.
    if (page == 0) {
      EXPECT_EQ(counted.starts.front(), 1u);
    } else {
      EXPECT_GT(counted.starts.front(), q.after_position) << "page " << page;
    }
    paged.insert(paged.end(), p->entries.begin(), p->entries.end());
    EXPECT_EQ(cursor.empty(), p->next_position == 0);
    if (p->next_position == 0) break;
    EXPECT_EQ(p->entries.size(), 4u);
    q.after_position = p->next_position;
    EXPECT_TRUE(cursor.continues(q));
  }
  ASSERT_EQ(paged.size(), all.entries.size());
  for (size_t i = 0; i < paged.size(); ++i) {
    EXPECT_EQ(paged[i].position, all.entries[i].position);
    EXPECT_EQ(paged[i].recorded_at, all.entries[i].recorded_at);
    EXPECT_EQ(paged[i].previous, all.entries[i].previous);
    EXPECT_EQ(paged[i].summary, all.entries[i].summary);
    EXPECT_EQ(paged[i].payload_json, all.entries[i].payload_json);
  }

  // A cursor continues only the query it stopped: another subject, other
  // time bounds or another page start from position 1.
  q.after_position = 0;
  q.limit = 2;
  ASSERT_TRUE(history(*log_, q, &cursor));
  ASSERT_FALSE(cursor.empty());
  HistoryQuery other = q;
  other.after_position = 1;
  EXPECT_FALSE(cursor.continues(other));
  other = q;
  other.id = "c1a";
  EXPECT_FALSE(cursor.continues(other));
  other = q;
  other.to_us = 0;
  EXPECT_FALSE(cursor.continues(other));
  other = q;
  other.after_position = history(*log_, q)->next_position;
  EXPECT_TRUE(cursor.continues(other));
  counted.starts.clear();
  auto fresh = history(counted, HistoryQuery{HistorySubject::kStudent, "s3"}, &cursor);
  ASSERT_TRUE(fresh);
  EXPECT_EQ(counted.starts.front(), 1u);
  EXPECT_TRUE(cursor.empty());  // a page that was not full keeps nothing
}

// A pass ends at the range's end: it reads no further than the batch that
// holds the first event after it (a pass to the log's end reads once more
// and finds nothing).
TEST_F(HistoryTest, APassEndsAtTheRangesEnd) {
  ReadStartsLog counted(log_.get());
  HistoryQuery q;
  q.kind = HistorySubject::kStudent;
  q.id = "s1";
  q.to_us = *parse_local_time("2026-10-05 11:30", "Asia/Yekaterinburg");
  auto h = history(counted, q);
  ASSERT_TRUE(h) << h.error().to_string();
  EXPECT_EQ(counted.starts.size(), 1u);
  ASSERT_FALSE(h->entries.empty());
  EXPECT_EQ(h->entries.back().event_type, "MarkCorrected");
  EXPECT_EQ(h->name, "Алексеев Иван");
  // A range that ends before the subject was named still finds her name.
  q.to_us = *parse_local_time("2026-08-01 00:00", "Asia/Yekaterinburg");
  h = history(*log_, q);
  ASSERT_TRUE(h) << h.error().to_string();
  EXPECT_TRUE(h->entries.empty());
  EXPECT_EQ(h->name, "Алексеев Иван");
}

TEST_F(HistoryTest, UnknownSubjectIsNotFound) {
  HistoryQuery q;
  q.kind = HistorySubject::kStudent;
  q.id = "c5a";  // a class, not a student
  EXPECT_EQ(history(*log_, q).error().code(), events::StatusCode::kNotFound);
  q.id = "";
  EXPECT_EQ(history(*log_, q).error().code(), events::StatusCode::kInvalidArgument);
}

TEST_F(HistoryTest, TextJsonLinesAndCsv) {
  const HistoryResult h = history_of(*log_, HistorySubject::kStudent, "s1");
  const std::string text = format_history_text(h);
  EXPECT_NE(text.find("История: ученик s1"), std::string::npos);
  EXPECT_NE(text.find("было: 3  стало: 4"), std::string::npos) << text;
  EXPECT_NE(text.find("причина: Ошибка ввода"), std::string::npos);
  EXPECT_NE(text.find("2026-10-05 11:00:00  Исправление отметки (MarkCorrected)\n"),
            std::string::npos)
      << text;

  const auto jsonl = lines(format_history_jsonl(h));
  ASSERT_EQ(jsonl.size(), h.entries.size() + 1);  // the header object first
  EXPECT_NE(jsonl[0].find("\"subject\":\"student\""), std::string::npos);
  bool correction = false;
  for (const std::string& l : jsonl) {
    EXPECT_EQ(l.front(), '{');
    EXPECT_EQ(l.back(), '}');
    if (l.find("\"eventType\":\"MarkCorrected\"") != std::string::npos) {
      correction = true;
      EXPECT_NE(l.find("\"previous\":\"3\",\"value\":\"4\""), std::string::npos) << l;
      EXPECT_NE(l.find("\"payload\":{\"markCorrected\":"), std::string::npos) << l;
    }
  }
  EXPECT_TRUE(correction);

  // For Russian Excel: a BOM, `;`, CRLF, Russian column names.
  const auto csv = lines(format_history_csv(h));
  ASSERT_EQ(csv.size(), h.entries.size() + 1);
  EXPECT_EQ(csv[0],
            "\xEF\xBB\xBFПозиция;Время (" + h.time_zone +
                ");Время UTC, мкс;Событие;Тип события;Поток;Кто (id);Кто;Команда;Причина;Было;"
                "Стало;Что\r");
  bool cancel = false;
  for (const std::string& l : csv) {
    if (l.find(";Отмена отметки;MarkCancelled;") != std::string::npos) {
      cancel = true;
      EXPECT_NE(l.find(";Выставлена не тому ученику;4;отменена;"), std::string::npos) << l;
    }
  }
  EXPECT_TRUE(cancel);
}

}  // namespace
}  // namespace zhurnal::replay
