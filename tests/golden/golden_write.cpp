// --write: the v1 golden cases. Fixed values only: the output must not depend
// on the clock or the machine (two runs give identical files).
#include <cstdio>
#include <map>

#include "expectations.hpp"
#include "golden_fields.hpp"
#include "internal/codec.hpp"

namespace zhurnal::golden {
namespace {

namespace fs = std::filesystem;
using events::AppendResult;
using events::CommandContext;
using events::EventData;
using events::ExpectedVersion;
using events::Hash;
using events::RecordedEvent;
using events::StreamAppend;

struct GoldenEvent {
  std::string file;
  std::string note;       // a comment for the expectations file
  std::string prev_file;  // the event this one chains to; empty for position 1
  uint64_t position;
  std::string stream;
  uint64_t stream_version;
  std::string type;
  int64_t recorded_at_us;
  CommandContext context;
  std::string payload;
};

struct GoldenRequestStream {
  std::string stream;
  ExpectedVersion expected;
  std::vector<std::string> event_files;
};

struct GoldenReceipt {
  std::string file;
  std::string note;
  AppendResult result;
  std::string actor;
  std::vector<GoldenRequestStream> request;
};

constexpr char kLesson[] = "lesson-0199012a-7c3e-7d1a-9b2a-4e6f8a1c2d3e";
constexpr char kStudent[] = "student-0198ffe0-1111-7abc-8def-000000001042";
constexpr char kClassGroup[] = "class_group-0198ff00-7a00-7000-8000-00000000007a";
constexpr char kTeacher[] = "teacher-0198ffd0-2222-7abc-8def-000000000017";
constexpr char kCommand1[] = "cmd-0199012a-8000-7000-8000-000000000001";
constexpr int64_t kFirstLessonUs = 1'756'706'400'123'456;  // 2025-09-01 06:00:00.123456 UTC
constexpr int64_t kTermOpenedUs = 1'766'610'000'000'000;   // 2025-12-24 21:00:00 UTC

// An attendance roster: deterministic Russian text of about 30 KiB.
std::string roster_payload() {
  static constexpr const char* kSurnames[] = {"Иванов",   "Смирнова", "Кузнецов", "Попова",
                                              "Васильев", "Петрова",  "Соколов",  "Михайлова",
                                              "Новиков",  "Фёдорова", "Морозов"};
  static constexpr const char* kNames[] = {"Алексей", "Мария",  "Дмитрий", "Анна", "Иван",
                                           "Софья",   "Кирилл", "Полина",  "Егор"};
  static constexpr const char* kStatus[] = {"присутствует", "отсутствует (по болезни)",
                                            "опоздание 10 мин", "присутствует",
                                            "освобождён(а) от урока"};
  std::string out;
  for (int i = 0; i < 420; ++i) {
    out += std::to_string(i + 1) + ". " + kSurnames[i % 11] + " " + kNames[(i * 7) % 9] + " — " +
           kStatus[(i * 3) % 5] + "\n";
  }
  return out;
}

std::vector<GoldenEvent> golden_events() {
  const CommandContext first{kCommand1, kTeacher, "req-0199012a-9000-7000-8000-0000000000aa",
                             "cmd-0199012a-8000-7000-8000-000000000000", std::nullopt};
  using namespace std::string_literals;
  return {
      {"event_v1_1.bin", "a three-event, two-stream append (receipt_v1_1.bin): lesson v1", "", 1,
       kLesson, 1, "LessonHeld", kFirstLessonUs, first,
       "Контрольная работа: квадратные уравнения, 7«А», урок 3"},
      {"event_v1_2.bin", "the same append: lesson v2, chained to event_v1_1.bin", "event_v1_1.bin",
       2, kLesson, 2, "HomeworkAssigned", kFirstLessonUs, first, "§12, № 341–345 (чётные)"},
      {"event_v1_3.bin",
       "the same append: another stream (student v1); a binary payload with NUL bytes",
       "event_v1_2.bin", 3, kStudent, 1, "MarkPosted", kFirstLessonUs, first,
       "\x00\x00\x00\x00\x03\x00\x00\x00\x00\x00\x00\x00\x02\x00\x01\x00\x05\xff\x00\x00"s
       "Отлично, без ошибок"},
      {"event_v1_4.bin", "empty actor, correlation and causation ids; empty payload",
       "event_v1_3.bin", 4, kClassGroup, 1, "TermOpened", kTermOpenedUs,
       CommandContext{"system-term-2025-2026-2", "", "", "", std::nullopt}, ""},
      {"event_v1_5.bin", "a large payload (an attendance roster, listed by size and SHA-256)",
       "event_v1_4.bin", 5, kLesson, 3, "AttendanceTaken", kTermOpenedUs + 250'001,
       CommandContext{"cmd-0199012a-8000-7000-8000-000000000005", kTeacher,
                      "req-0199012a-9000-7000-8000-0000000000ab", "", std::nullopt},
       roster_payload()},
  };
}

std::vector<GoldenReceipt> golden_receipts() {
  AppendResult result;
  result.first_position = 1;
  result.last_position = 3;
  result.streams = {{kLesson, 2}, {kStudent, 1}};
  result.recorded_at_us = kFirstLessonUs;
  return {{"receipt_v1_1.bin",
           "the receipt of command " + std::string(kCommand1) + " (events 1 to 3)",
           result,
           kTeacher,
           {{kLesson, ExpectedVersion::no_stream(), {"event_v1_1.bin", "event_v1_2.bin"}},
            {kStudent, ExpectedVersion::any(), {"event_v1_3.bin"}}}}};
}

void append_section(std::string* out, std::string_view kind, const std::string& file,
                    const std::string& note, const Fields& fields) {
  *out += "\n# " + note + "\n[" + std::string(kind) + " " + file + "]\n";
  for (const auto& [k, v] : fields) *out += k + " = " + v + "\n";
}

}  // namespace

int write(const fs::path& dir) {
  const std::vector<GoldenEvent> cases = golden_events();
  const std::vector<GoldenReceipt> receipts = golden_receipts();
  std::vector<fs::path> targets = {dir / kExpectationsFile};
  for (const auto& c : cases) targets.push_back(dir / c.file);
  for (const auto& r : receipts) targets.push_back(dir / r.file);
  for (const fs::path& p : targets) {
    if (fs::exists(p)) {
      std::fprintf(stderr,
                   "golden_events: %s exists; golden files are written once and never "
                   "regenerated\n",
                   p.string().c_str());
      return 1;
    }
  }

  std::string expectations =
      "# Golden encodings of the event log's stored values, v1 (schema/envelope.capnp).\n"
      "# Written once by `golden_events --write` and committed with the .bin files next to it.\n"
      "# `golden_events --check` decodes every file on every build (target golden_check) and\n"
      "# in ctest, and compares each field with the values below.\n"
      "# Never edit or regenerate these files to make the check pass: a failure means data\n"
      "# already on disk would be read differently. A later schema adds new files instead.\n"
      "#\n"
      "# Text is quoted (\\xNN for bytes that are not printable ASCII or UTF-8). Hashes are\n"
      "# hex SHA-256; hash is the stored 32-byte prefix, SHA-256(prev_hash || body), and\n"
      "# prev_file names the event whose hash must equal prev_hash.\n";

  std::map<std::string, Hash> hashes;
  std::map<std::string, const GoldenEvent*> by_file;
  for (const GoldenEvent& c : cases) {
    const Hash prev = c.prev_file.empty() ? Hash{} : hashes.at(c.prev_file);
    events::internal::EnvelopeFields f;
    f.position = c.position;
    f.stream = c.stream;
    f.stream_version = c.stream_version;
    f.type = c.type;
    f.recorded_at_us = c.recorded_at_us;
    f.context = &c.context;
    f.prev_hash = &prev;
    f.payload = c.payload;
    Hash hash;
    const std::string value = events::internal::encode_stored_event(f, &hash);
    if (!write_file(dir / c.file, value)) {
      std::fprintf(stderr, "golden_events: cannot write %s\n", (dir / c.file).string().c_str());
      return 1;
    }
    hashes[c.file] = hash;
    by_file[c.file] = &c;

    // What was meant, not what the decoder reads back.
    const RecordedEvent meant{c.position,
                              c.stream,
                              c.stream_version,
                              c.type,
                              c.recorded_at_us,
                              c.context.actor,
                              c.context.command_id,
                              c.context.correlation_id,
                              c.context.causation_id,
                              prev,
                              hash,
                              c.payload};
    Fields fields = event_fields(meant, value.size());
    if (!c.prev_file.empty()) fields.emplace_back("prev_file", quote(c.prev_file));
    append_section(&expectations, "event", c.file, c.note, fields);
  }

  for (const GoldenReceipt& r : receipts) {
    std::vector<StreamAppend> request;
    for (const GoldenRequestStream& s : r.request) {
      StreamAppend a{s.stream, s.expected, {}};
      for (const std::string& file : s.event_files) {
        a.events.push_back(EventData{by_file.at(file)->type, by_file.at(file)->payload});
      }
      request.push_back(std::move(a));
    }
    const Hash digest =
        events::internal::request_digest(request, CommandContext{"", r.actor, "", "", std::nullopt});
    if (!write_file(dir / r.file, events::internal::encode_receipt(r.result, digest))) {
      std::fprintf(stderr, "golden_events: cannot write %s\n", (dir / r.file).string().c_str());
      return 1;
    }
    Fields fields = receipt_fields(r.result, digest);
    fields.emplace_back("request.actor", quote(r.actor));
    fields.emplace_back("request.streams", num(r.request.size()));
    for (size_t i = 0; i < r.request.size(); ++i) {
      const GoldenRequestStream& s = r.request[i];
      const std::string k = "request.stream." + num(i);
      std::string files;
      for (const std::string& f : s.event_files) files += (files.empty() ? "" : " ") + f;
      fields.emplace_back(k + ".id", quote(s.stream));
      fields.emplace_back(k + ".expected_kind", quote(kind_name(s.expected.kind())));
      fields.emplace_back(k + ".expected_version", num(s.expected.version()));
      fields.emplace_back(k + ".events", quote(files));
    }
    append_section(&expectations, "receipt", r.file, r.note, fields);
  }

  if (!write_file(dir / kExpectationsFile, expectations)) {
    std::fprintf(stderr, "golden_events: cannot write %s\n",
                 (dir / kExpectationsFile).string().c_str());
    return 1;
  }
  // What was just written must pass the check that every build runs.
  return check(dir);
}

}  // namespace zhurnal::golden
