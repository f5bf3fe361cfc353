#include "audit_requests.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "response_error.hpp"
#include "zhurnal/replay/history.hpp"
#include "zhurnal/replay/local_time.hpp"
#include "zhurnal/replay/log_lookup.hpp"

namespace zhurnal::server::internal {
namespace {

using events::StatusCode;

constexpr auto kWait = std::chrono::seconds(2);
constexpr uint32_t kRetrySeconds = 2;
constexpr uint32_t kDefaultLimit = 200;
constexpr uint32_t kMaxLimit = 1000;
constexpr auto kCursorIdle = std::chrono::minutes(5);

void fail(schema::Response::Builder r, const std::string& code, const std::string& message,
          uint32_t retry = 0) {
  set_error(r, code, message, retry);
}

// `text` with its first letter capitalised, Cyrillic (UTF-8) or Latin:
// replay's messages are clauses ("ученик не найден: s9") made to follow a
// prefix.
std::string sentence(std::string text) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  if (text.size() >= 2 && byte(0) == 0xD0 && byte(1) >= 0xB0 && byte(1) <= 0xBF) {
    text[1] = static_cast<char>(byte(1) - 0x20);  // а..п -> А..П
  } else if (text.size() >= 2 && byte(0) == 0xD1 && byte(1) >= 0x80 && byte(1) <= 0x8F) {
    text[0] = static_cast<char>(0xD0);  // р..я -> Р..Я
    text[1] = static_cast<char>(byte(1) + 0x20);
  } else if (text.size() >= 2 && byte(0) == 0xD1 && byte(1) == 0x91) {
    text[0] = static_cast<char>(0xD0);  // ё -> Ё
    text[1] = static_cast<char>(0x81);
  } else if (!text.empty() && text[0] >= 'a' && text[0] <= 'z') {
    text[0] = static_cast<char>(text[0] - 'a' + 'A');
  }
  return text;
}

// A storage or input error as a protocol error.
void fail_with(schema::Response::Builder r, const events::Status& st) {
  switch (st.code()) {
    case StatusCode::kInvalidArgument:
      return fail(r, "bad_request", "Некорректный запрос: " + st.message());
    case StatusCode::kNotFound:
      return fail(r, "not_found", sentence(st.message()));
    default:
      return fail(r, "internal", "Ошибка чтения журнала");
  }
}

std::string str(capnp::Text::Reader t) { return {t.cStr(), t.size()}; }

}  // namespace

AuditRequests::AuditRequests(ServerContext& context)
    : ctx_(context),
      as_of_(std::make_unique<replay::AsOfReader>(
          replay::AsOfOptions{context.log, "", context.fold_memory_bytes})) {}

AuditRequests::~AuditRequests() = default;

bool AuditRequests::may_audit(const std::string& user, const std::string& school_id) const {
  auto info = ctx_.journal->user_info(user);
  if (!info) return false;
  const auto has = [&](const char* role) {
    return std::find(info->roles.begin(), info->roles.end(), role) != info->roles.end();
  };
  if (has("auditor")) return true;
  return (has("director") || has("deputyDirector")) && !info->school_id.empty() &&
         info->school_id == school_id;
}

void AuditRequests::expire_cursors(std::vector<replay::HistoryCursor>* dropped) {
  const auto now = std::chrono::steady_clock::now();
  std::erase_if(cursors_, [&](KeptCursor& k) {
    if (now - k.used < kCursorIdle) return false;
    dropped->push_back(std::move(k.cursor));
    return true;
  });
}

replay::HistoryCursor AuditRequests::take_cursor(const std::string& user,
                                                 const replay::HistoryQuery& query) {
  std::vector<replay::HistoryCursor> dropped;
  std::lock_guard lock(cursors_mu_);
  expire_cursors(&dropped);
  for (auto it = cursors_.begin(); it != cursors_.end(); ++it) {
    if (it->user == user && it->cursor.continues(query)) {
      replay::HistoryCursor c = std::move(it->cursor);
      cursors_.erase(it);
      return c;
    }
  }
  return {};
}

void AuditRequests::keep_cursor(const std::string& user, replay::HistoryCursor cursor) {
  std::vector<replay::HistoryCursor> dropped;
  std::lock_guard lock(cursors_mu_);
  expire_cursors(&dropped);
  if (cursors_.size() >= kCursorsKept) {
    dropped.push_back(std::move(cursors_.front().cursor));
    cursors_.erase(cursors_.begin());
  }
  cursors_.push_back({user, std::move(cursor), std::chrono::steady_clock::now()});
}

void AuditRequests::history(const std::string& user, schema::HistoryQuery::Reader q,
                            schema::Response::Builder r) {
  if (user.empty()) return fail(r, "not_signed_in", "Войдите в систему");
  replay::HistoryQuery hq;
  events::Result<std::string> school = std::string();
  auto subject = q.getSubject();
  switch (subject.which()) {
    case schema::HistoryQuery::Subject::STUDENT_ID:
      hq.kind = replay::HistorySubject::kStudent;
      hq.id = str(subject.getStudentId());
      if (!hq.id.empty()) school = replay::school_of_student(*ctx_.log, hq.id);
      break;
    case schema::HistoryQuery::Subject::CLASS_ID:
      hq.kind = replay::HistorySubject::kClass;
      hq.id = str(subject.getClassId());
      if (!hq.id.empty()) school = replay::school_of_class(*ctx_.log, hq.id);
      break;
    case schema::HistoryQuery::Subject::TEACHER_ID:
      hq.kind = replay::HistorySubject::kTeacher;
      hq.id = str(subject.getTeacherId());
      if (!hq.id.empty()) school = replay::school_of_user(*ctx_.log, hq.id);
      break;
  }
  if (hq.id.empty()) {
    return fail(r, "bad_request", "Некорректный запрос: укажите studentId, classId или teacherId");
  }
  // Permission first: nobody learns whether an id exists in a school she may not audit.
  auto me = ctx_.journal->user_info(user);
  const bool auditor =
      me && std::find(me->roles.begin(), me->roles.end(), "auditor") != me->roles.end();
  if (!school) {
    if (!auditor) return fail(r, "forbidden", "Недостаточно прав для просмотра");
    return fail_with(r, school.error());
  }
  if (!may_audit(user, *school)) return fail(r, "forbidden", "Недостаточно прав для просмотра");
  std::string zone = "UTC";
  if (!school->empty()) {
    auto ref = replay::school_ref(*ctx_.log, *school);
    if (!ref) return fail_with(r, ref.error());
    zone = ref->time_zone;
  }
  if (q.getFrom().size()) {
    auto t = replay::parse_local_time(str(q.getFrom()), zone);
    if (!t) return fail_with(r, t.error());
    hq.from_us = *t;
  }
  if (q.getTo().size()) {
    auto t = replay::parse_local_time(str(q.getTo()), zone);
    if (!t) return fail_with(r, t.error());
    hq.to_us = *t;
  }
  hq.after_position = q.getAfterPosition();
  hq.limit = std::clamp<uint32_t>(q.getLimit() ? q.getLimit() : kDefaultLimit, 1, kMaxLimit);

  if (!history_slots_.try_acquire_for(kWait)) {
    return fail(r, "busy", "Сервер занят другими запросами истории, повторите позже", kRetrySeconds);
  }
  replay::HistoryCursor cursor = take_cursor(user, hq);
  const bool continued = !cursor.empty();
  auto h = replay::history(*ctx_.log, hq, &cursor);
  history_slots_.release();
  if (!cursor.empty()) keep_cursor(user, std::move(cursor));
  if (!h) return fail_with(r, h.error());
  if (ctx_.metrics != nullptr) {
    ctx_.metrics->history_pages.fetch_add(1, std::memory_order_relaxed);
    if (continued) ctx_.metrics->history_pages_continued.fetch_add(1, std::memory_order_relaxed);
  }

  auto out = r.getResult().initHistory();
  out.setSubjectKind(std::string(replay::subject_kind_name(h->kind)));
  out.setSubjectId(h->id);
  out.setTimeZone(h->time_zone);
  out.setNextPosition(h->next_position);
  auto entries = out.initEntries(h->entries.size());
  for (size_t i = 0; i < h->entries.size(); ++i) {
    const replay::HistoryEntry& e = h->entries[i];
    auto o = entries[i];
    o.setPosition(e.position);
    o.setRecordedAtUs(e.recorded_at_us);
    o.setRecordedAt(e.recorded_at);
    o.setEventType(e.event_type);
    o.setStreamId(e.stream);
    o.setActor(e.actor);
    o.setActorName(e.actor_name);
    o.setCommandId(e.command_id);
    o.setReason(e.reason);
    o.setPrevious(e.previous);
    o.setValue(e.value);
    o.setSummary(e.summary);
    o.setPayload(e.payload_json);
  }
  r.setOk(true);
}

void AuditRequests::as_of(const std::string& user, schema::AsOfQuery::Reader q,
                          schema::Response::Builder r) {
  if (user.empty()) return fail(r, "not_signed_in", "Войдите в систему");
  replay::AsOfQuery aq;
  aq.at = str(q.getAt());
  auto view = q.getView();
  switch (view.which()) {
    case schema::AsOfQuery::View::REGISTER:
      aq.view = replay::AsOfView::kRegister;
      aq.class_id = str(view.getRegister().getClassId());
      aq.subject_id = str(view.getRegister().getSubjectId());
      aq.period_id = str(view.getRegister().getPeriodId());
      break;
    case schema::AsOfQuery::View::DIARY:
      aq.view = replay::AsOfView::kDiary;
      aq.student_id = str(view.getDiary().getStudentId());
      aq.date = str(view.getDiary().getDate());
      break;
    case schema::AsOfQuery::View::COMPLIANCE:
      aq.view = replay::AsOfView::kCompliance;
      aq.school_id = str(view.getCompliance().getSchoolId());
      aq.month = str(view.getCompliance().getMonth());
      break;
  }
  auto me = ctx_.journal->user_info(user);
  const bool auditor =
      me && std::find(me->roles.begin(), me->roles.end(), "auditor") != me->roles.end();
  auto school = replay::as_of_school(*ctx_.log, aq);
  if (!school) {
    if (!auditor && school.error().code() == StatusCode::kNotFound) {
      return fail(r, "forbidden", "Недостаточно прав для просмотра");
    }
    return fail_with(r, school.error());
  }
  if (!may_audit(user, *school)) return fail(r, "forbidden", "Недостаточно прав для просмотра");

  auto result = as_of_->try_query(aq, kWait);
  if (!result) {
    return fail(r, "busy", "Сервер занят восстановлением другого состояния, повторите позже",
                kRetrySeconds);
  }
  if (!*result) return fail_with(r, result->error());
  const replay::AsOfResult& a = **result;
  auto out = r.getResult().initAsOf();
  out.setAt(a.at);
  out.setAtUs(a.at_us);
  out.setTimeZone(a.time_zone);
  out.setPosition(a.position);
  auto v = out.initView();
  switch (aq.view) {
    case replay::AsOfView::kRegister:
      v.setRegister(a.view->getRoot<schema::RegisterView>().asReader());
      break;
    case replay::AsOfView::kDiary:
      v.setDiary(a.view->getRoot<schema::DiaryView>().asReader());
      break;
    case replay::AsOfView::kCompliance:
      v.setCompliance(a.view->getRoot<schema::ComplianceView>().asReader());
      break;
  }
  r.setOk(true);
}

}  // namespace zhurnal::server::internal
