#include "replay_commands.hpp"

#include <capnp/compat/json.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "ops_commands.hpp"
#include "replay_view_text.hpp"
#include "schema/protocol.capnp.h"
#include "zhurnal/events/event_log.hpp"
#include "zhurnal/events/kv_store.hpp"
#include "zhurnal/events/log_reader.hpp"
#include "zhurnal/projections/engine.hpp"
#include "zhurnal/projections/views.hpp"
#include "zhurnal/replay/as_of.hpp"
#include "zhurnal/replay/history.hpp"
#include "zhurnal/replay/local_time.hpp"
#include "zhurnal/replay/log_lookup.hpp"
#include "zhurnal/replay/progress.hpp"
#include "zhurnal/replay/read_counting_log.hpp"
#include "zhurnal/replay/rebuild.hpp"

namespace zhurnal::cli {
namespace {

namespace fs = std::filesystem;

int fail(const std::string& what, const events::Status& st) {
  std::fprintf(stderr, "zhurnal: %s: %s\n", what.c_str(), st.to_string().c_str());
  return 2;
}

// A server's data directory holds log/ and views/; a bare log directory is
// accepted too (as `replay verify` does).
fs::path log_dir(const std::string& data) {
  const fs::path nested = fs::path(data) / "log";
  return fs::exists(nested) ? nested : fs::path(data);
}

events::Result<std::unique_ptr<events::EventLog>> open_log(const std::string& data) {
  if (data.empty() || !fs::exists(data)) {
    return events::error(events::StatusCode::kNotFound, "нет каталога данных " + data);
  }
  events::LogOptions o;
  o.path = log_dir(data).string();
  o.create_if_missing = false;
  return events::open_event_log(o);
}

// The log for the commands that only read it (history, as-of): a secondary
// instance, so that they also run beside `zhurnal serve`, over the log as
// it stood when they started.
events::Result<std::unique_ptr<events::EventLog>> open_log_to_read(const std::string& data) {
  if (data.empty() || !fs::exists(data)) {
    return events::error(events::StatusCode::kNotFound, "нет каталога данных " + data);
  }
  return events::open_log_snapshot({log_dir(data).string(), {}});
}

int run_rebuild(const ReplayCliOptions& o) {
  auto log = open_log(o.data);
  if (!log) {
    if (log.error().code() == events::StatusCode::kInUse) {
      // It writes the rebuilt rows into the view store, which the server
      // holds; a copy (a backup restored elsewhere) can be rebuilt instead.
      std::fprintf(stderr,
                   "zhurnal: каталог %s занят работающим сервером; replay rebuild пишет в "
                   "представления, поэтому нужен остановленный сервер или копия (zhurnal backup, "
                   "затем zhurnal restore)\n",
                   o.data.c_str());
      return 2;
    }
    return fail("не удалось открыть журнал событий", log.error());
  }
  const fs::path views_dir = fs::path(o.data) / "views";
  if (!fs::exists(views_dir)) {
    std::fprintf(stderr,
                 "zhurnal: нет хранилища представлений %s (сервер строит его при первом "
                 "запуске)\n",
                 views_dir.c_str());
    return 2;
  }
  auto store = events::KvStore::open({views_dir.string(), false, false});
  if (!store) return fail("не удалось открыть хранилище представлений", store.error());
  // The engine reads the log through a counter, for the fold's progress.
  replay::ReadCountingLog counting(log->get());
  projections::EngineOptions engine_options{&counting, store->get(), nullptr, 4096};
  engine_options.bulk_memory_bytes = o.rebuild_memory_mib << 20;
  auto engine = projections::ProjectionEngine::open(engine_options, projections::standard_projections());
  if (!engine) return fail("не удалось открыть представления", engine.error());
  for (const auto& s : (*engine)->status()) {
    if (s.lag > 0) {
      std::printf(
          "представление %s отстаёт от журнала событий (его позиция %llu, отставание "
          "%llu): сравнение на его позиции\n",
          s.name.c_str(), static_cast<unsigned long long>(s.checkpoint),
          static_cast<unsigned long long>(s.lag));
    }
  }
  replay::RebuildOptions ro;
  ro.keep = o.show;
  // Progress on stderr: the fold (positions read of the head), then the
  // comparison (rows compared; their number is not known beforehand).
  const uint64_t head = counting.head_position();
  std::atomic<uint64_t> compared{0};
  std::optional<replay::ProgressTicker> ticker;
  ticker.emplace(
      "пересборка", [head] { return head; }, [&] { return counting.position_read(); });
  ro.on_compare = [&] {
    ticker.reset();
    ticker.emplace("сравнение", nullptr, [&] { return compared.load(); });
  };
  ro.rows_compared = &compared;
  auto report = replay::rebuild_and_compare_all(**engine, **store, ro);
  ticker.reset();
  if (!report) return fail("пересборка не удалась", report.error());
  std::fputs(replay::format_rebuild_report(*report).c_str(), stdout);
  return report->ok() ? 0 : 1;
}

std::string view_json(const replay::AsOfResult& r, replay::AsOfView kind) {
  capnp::MallocMessageBuilder m;
  auto out = m.initRoot<schema::AsOfView>();
  out.setAt(r.at);
  out.setAtUs(r.at_us);
  out.setTimeZone(r.time_zone);
  out.setPosition(r.position);
  auto view = out.initView();
  switch (kind) {
    case replay::AsOfView::kRegister:
      view.setRegister(r.view->getRoot<schema::RegisterView>().asReader());
      break;
    case replay::AsOfView::kDiary:
      view.setDiary(r.view->getRoot<schema::DiaryView>().asReader());
      break;
    case replay::AsOfView::kCompliance:
      view.setCompliance(r.view->getRoot<schema::ComplianceView>().asReader());
      break;
  }
  capnp::JsonCodec codec;
  codec.setPrettyPrint(true);
  kj::String s = codec.encode(out.asReader());
  return std::string(s.cStr(), s.size()) + "\n";
}

int run_as_of(const ReplayCliOptions& o) {
  replay::AsOfQuery q;
  q.at = o.at;
  const int chosen = !o.register_class.empty() + !o.diary_student.empty() + !o.compliance_school.empty();
  if (chosen != 1) {
    std::fprintf(stderr,
                 "zhurnal: укажите одно представление: --register КЛАСС, --diary УЧЕНИК или "
                 "--compliance ШКОЛА\n");
    return 2;
  }
  if (!o.register_class.empty()) {
    q.view = replay::AsOfView::kRegister;
    q.class_id = o.register_class;
    q.subject_id = o.subject;
    q.period_id = o.period;
  } else if (!o.diary_student.empty()) {
    q.view = replay::AsOfView::kDiary;
    q.student_id = o.diary_student;
    q.date = o.date;
  } else {
    q.view = replay::AsOfView::kCompliance;
    q.school_id = o.compliance_school;
    q.month = o.month;
  }
  auto log = open_log_to_read(o.data);
  if (!log) return fail("не удалось открыть журнал событий", log.error());
  replay::AsOfReader reader({log->get(), o.scratch, o.rebuild_memory_mib << 20});
  auto r = [&] {
    replay::ProgressTicker ticker(
        "свёртка журнала", [&] { return reader.fold_progress().target; },
        [&] { return reader.fold_progress().done; });
    return reader.query(q);
  }();
  if (!r) return fail("журнал на момент", r.error());
  if (o.format == "json") {
    std::fputs(view_json(*r, q.view).c_str(), stdout);
    return 0;
  }
  std::printf("По состоянию на %s (%s), событий учтено: %llu\n\n", r->at.c_str(),
              r->time_zone.c_str(), static_cast<unsigned long long>(r->position));
  std::string text = q.view == replay::AsOfView::kRegister
                         ? register_text(r->view->getRoot<schema::RegisterView>().asReader())
                     : q.view == replay::AsOfView::kDiary
                         ? diary_text(r->view->getRoot<schema::DiaryView>().asReader())
                         : compliance_text(r->view->getRoot<schema::ComplianceView>().asReader());
  std::fputs(text.c_str(), stdout);
  return 0;
}

int run_history(const ReplayCliOptions& o) {
  replay::HistoryQuery q;
  const int chosen = !o.student.empty() + !o.class_id.empty() + !o.teacher.empty();
  if (chosen != 1) {
    std::fprintf(stderr, "zhurnal: укажите одно: --student ID, --class ID или --teacher ID\n");
    return 2;
  }
  if (!o.student.empty()) {
    q.kind = replay::HistorySubject::kStudent;
    q.id = o.student;
  } else if (!o.class_id.empty()) {
    q.kind = replay::HistorySubject::kClass;
    q.id = o.class_id;
  } else {
    q.kind = replay::HistorySubject::kTeacher;
    q.id = o.teacher;
  }
  q.limit = o.limit;
  auto log = open_log_to_read(o.data);
  if (!log) return fail("не удалось открыть журнал событий", log.error());
  if (!o.from.empty() || !o.to.empty()) {
    // --from/--to are in the subject's school's time zone.
    auto school = q.kind == replay::HistorySubject::kStudent ? replay::school_of_student(**log, q.id)
                  : q.kind == replay::HistorySubject::kClass ? replay::school_of_class(**log, q.id)
                                                             : replay::school_of_user(**log, q.id);
    if (!school) return fail("история", school.error());
    std::string zone = "UTC";
    if (!school->empty()) {
      auto ref = replay::school_ref(**log, *school);
      if (!ref) return fail("история", ref.error());
      zone = ref->time_zone;
    }
    if (!o.from.empty()) {
      auto t = replay::parse_local_time(o.from, zone);
      if (!t) return fail("--from", t.error());
      q.from_us = *t;
    }
    if (!o.to.empty()) {
      auto t = replay::parse_local_time(o.to, zone);
      if (!t) return fail("--to", t.error());
      q.to_us = *t;
    }
  }
  replay::ReadCountingLog counting(log->get());
  auto h = [&] {
    const uint64_t head = counting.head_position();
    replay::ProgressTicker ticker(
        "история", [head] { return head; }, [&] { return counting.position_read(); });
    return replay::history(counting, q);
  }();
  if (!h) return fail("история", h.error());
  const std::string out = o.format == "jsonl" ? replay::format_history_jsonl(*h)
                          : o.format == "csv" ? replay::format_history_csv(*h)
                                              : replay::format_history_text(*h);
  std::fputs(out.c_str(), stdout);
  return 0;
}

}  // namespace

ReplayCommands add_replay_commands(CLI::App& replay, ReplayCliOptions& o) {
  ReplayCommands c;
  c.rebuild = replay.add_subcommand(
      "rebuild", "пересобрать все представления с нулевой позиции и сравнить с рабочими");
  c.rebuild->add_option("--data", o.data, "каталог данных (с log/ и views/)")->required();
  c.rebuild->add_option("--show", o.show, "сколько расхождений вывести, не больше")
      ->capture_default_str();
  c.rebuild
      ->add_option("--rebuild-memory-mib", o.rebuild_memory_mib,
                   "строки, которые пересборка держит в памяти между пакетными загрузками "
                   "(МиБ; процессу нужно примерно вдвое-втрое больше)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);

  c.as_of = replay.add_subcommand(
      "as-of", "журнал класса, дневник или мониторинг в том виде, как они были в заданный момент");
  c.as_of->add_option("--data", o.data, "каталог данных")->required();
  c.as_of->add_option("--at", o.at, "местное время школы, \"ГГГГ-ММ-ДД ЧЧ:ММ[:СС]\"")->required();
  c.as_of->add_option("--register", o.register_class, "журнал класса ID (с --subject, --period)");
  c.as_of->add_option("--subject", o.subject, "id предмета (журнал класса)");
  c.as_of->add_option("--period", o.period, "id периода (журнал класса)");
  c.as_of->add_option("--diary", o.diary_student, "дневник ученика ID (с --date)");
  c.as_of->add_option("--date", o.date, "любой день недели дневника, ГГГГ-ММ-ДД");
  c.as_of->add_option("--compliance", o.compliance_school,
                      "мониторинг школы ID за месяц (с --month)");
  c.as_of->add_option("--month", o.month, "ГГГГ-ММ (мониторинг)");
  c.as_of->add_option(
      "--scratch", o.scratch,
      "где создать временное хранилище представлений (по умолчанию: временный каталог)");
  c.as_of
      ->add_option("--rebuild-memory-mib", o.rebuild_memory_mib,
                   "строки, которые свёртка держит в памяти между пакетными загрузками (МиБ; "
                   "процессу нужно примерно в 1,5–3 раза больше)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  c.as_of->add_option("--format", o.format, "text или json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();

  c.history = replay.add_subcommand("history", "все события об ученике, классе или сотруднике");
  c.history->add_option("--data", o.data, "каталог данных")->required();
  c.history->add_option("--student", o.student, "id ученика");
  c.history->add_option("--class", o.class_id, "id класса");
  c.history->add_option("--teacher", o.teacher, "id учителя (любого сотрудника)");
  c.history->add_option("--from", o.from, "начало, местное время школы, включительно");
  c.history->add_option("--to", o.to, "конец, местное время школы, не включая");
  c.history->add_option("--limit", o.limit, "событий не больше (0: все)");
  c.history->add_option("--format", o.format, "text, jsonl или csv")
      ->check(CLI::IsMember({"text", "jsonl", "csv"}))
      ->capture_default_str();
  return c;
}

int run_replay_command(const ReplayCommands& c, const ReplayCliOptions& o) {
  if (c.rebuild && c.rebuild->parsed()) return run_rebuild(o);
  if (c.as_of && c.as_of->parsed()) return run_as_of(o);
  if (c.history && c.history->parsed()) return run_history(o);
  return 2;
}

}  // namespace zhurnal::cli
