#include "internal/setup.hpp"

#include "internal/json.hpp"

namespace zhurnal::demo::internal {
namespace {

// Commands of one person, one after another from `start`, `step_s` apart.
class Sequence {
 public:
  Sequence(Plan& plan, int64_t start_us, int step_s) : plan_(plan), t_(start_us), step_(step_s) {}
  void add(const std::string& actor, std::string json) {
    plan_.add(t_, actor, std::move(json));
    t_ += step_ * kSecondUs;
  }

 private:
  Plan& plan_;
  int64_t t_;
  int64_t step_;
};

std::string register_user(const std::string& id, const std::string& school_id, const Person& p,
                          const std::string& role) {
  JsonObject o;
  o.str("userId", id).str("schoolId", school_id).str("fullName", p.full_name());
  o.raw("roles", "[\"" + role + "\"]");
  return command_json("registerUser", o);
}

std::string issue_credentials(const std::string& id, const std::string& login) {
  JsonObject o;
  o.str("userId", id).str("login", login);
  return command_json("issueCredentials", o);
}

std::string record_consent(const std::string& id, Day day, const char* note) {
  JsonObject o;
  o.str("userId", id).boolean("given", true).str("documentDate", format_day(day)).str("note", note);
  return command_json("recordConsent", o);
}

void bootstrap(const SetupContext& c, Day day, Plan& plan) {
  const SchoolModel& s = c.school;
  const std::string system = "system";  // commands::kSystemActor
  Sequence sys(plan, c.clock.utc_us(day, 9 * 60), 20);
  {
    JsonObject o;
    o.str("schoolId", s.id).str("name", s.name).str("timeZone", c.time_zone);
    o.strings("bellSchedule", bell_texts()).num("lessonMinutes", kLessonMinutes);
    sys.add(system, command_json("registerSchool", o));
  }
  const StaffMember& admin = s.administrator();
  sys.add(system, register_user(admin.id, s.id, admin.person, admin.role));
  sys.add(system, issue_credentials(admin.id, admin.login));
  if (c.auditor) {
    sys.add(system, register_user(c.auditor->id, "", c.auditor->person, "auditor"));
    sys.add(system, issue_credentials(c.auditor->id, c.auditor->login));
  }

  Sequence adm(plan, c.clock.utc_us(day, 10 * 60), 30);
  {
    std::string periods = "[";
    for (const YearPeriod& p : c.year.periods) {
      JsonObject o;
      o.str("periodId", p.id).str("name", p.name).str("start", format_day(p.start));
      o.str("end", format_day(p.end));
      periods += (periods.size() > 1 ? ", " : "") + o.done();
    }
    periods += "]";
    JsonObject o;
    o.str("schoolId", s.id).str("yearId", c.year.id).str("name", c.year.name);
    o.str("start", format_day(c.year.start)).str("end", format_day(c.year.end));
    o.str("periodKind", "quarters").raw("periods", periods);
    adm.add(admin.id, command_json("openAcademicYear", o));
  }
  for (const Holiday& h : c.year.holidays) {
    JsonObject o;
    o.str("schoolId", s.id).str("yearId", c.year.id).str("start", format_day(h.start));
    o.str("end", format_day(h.end)).str("name", h.name);
    adm.add(admin.id, command_json("declareHoliday", o));
  }
  for (int i = 0; i < kSubjectCount; ++i) {
    JsonObject o;
    o.str("schoolId", s.id).str("subjectId", subject_info(i).id).str("name", subject_info(i).name);
    adm.add(admin.id, command_json("defineSubject", o));
  }
  for (int i = 0; i < kWorkTypeCount; ++i) {
    const WorkTypeInfo& w = work_type_info(i);
    JsonObject o;
    o.str("schoolId", s.id).str("workTypeId", w.id).str("name", w.name).num("weight", w.weight);
    adm.add(admin.id, command_json("defineWorkType", o));
  }
  for (size_t i = 1; i < s.staff.size(); ++i) {
    const StaffMember& m = s.staff[i];
    adm.add(admin.id, register_user(m.id, s.id, m.person, m.role));
    adm.add(admin.id, issue_credentials(m.id, m.login));
  }
}

void teachers(const SetupContext& c, Day day, Plan& plan) {
  Sequence sec(plan, c.clock.utc_us(day, 10 * 60), 40);
  for (const TeacherModel& t : c.school.teachers) {
    sec.add(c.school.secretary().id, register_user(t.id, c.school.id, t.person, "teacher"));
  }
  Sequence adm(plan, c.clock.utc_us(day, 14 * 60), 30);
  for (const TeacherModel& t : c.school.teachers) {
    adm.add(c.school.administrator().id, issue_credentials(t.id, t.login));
  }
}

void classes(const SetupContext& c, Day day, Plan& plan) {
  const SchoolModel& s = c.school;
  const std::string& secretary = s.secretary().id;
  Sequence sec(plan, c.clock.utc_us(day, 9 * 60), 15);
  int order = 100;
  for (const ClassModel& cls : s.classes) {
    JsonObject o;
    o.str("classId", cls.id).str("schoolId", s.id).str("yearId", c.year.id);
    o.num("grade", cls.grade).str("letter", cls.letter);
    sec.add(secretary, command_json("openClass", o));
    const std::string order_text = "№ " + std::to_string(++order) + "-у от " + format_ru(day);
    std::vector<std::string> groups[2];
    for (int i : cls.students) {
      const StudentModel& st = s.students[static_cast<size_t>(i)];
      JsonObject e;
      e.str("studentId", st.id).str("schoolId", s.id).str("classId", cls.id);
      e.str("fullName", st.person.full_name()).str("birthDate", format_day(st.birth));
      e.str("from", format_day(c.year.start)).str("order", order_text);
      sec.add(secretary, command_json("enrollStudent", e));
      groups[st.group - 1].push_back(st.id);
    }
    if (split_in_groups(kEnglish, cls.grade)) {
      for (int g = 0; g < 2; ++g) {
        JsonObject d;
        d.str("classId", cls.id).str("subgroupId", "g" + std::to_string(g + 1));
        d.str("name", "Английский язык, группа " + std::to_string(g + 1));
        d.strings("studentIds", groups[g]);
        sec.add(secretary, command_json("defineSubgroup", d));
      }
    }
    JsonObject t;
    t.str("classId", cls.id)
        .str("teacherId", s.teachers[static_cast<size_t>(cls.class_teacher)].id);
    sec.add(secretary, command_json("assignClassTeacher", t));
  }
}

void assignments(const SetupContext& c, Day day, Plan& plan) {
  const SchoolModel& s = c.school;
  Sequence dep(plan, c.clock.utc_us(day, 10 * 60), 20);
  for (const UnitModel& u : s.units) {
    JsonObject o;
    o.str("assignmentId", u.id).str("classId", s.classes[static_cast<size_t>(u.class_index)].id);
    o.str("subgroupId", u.group ? "g" + std::to_string(u.group) : "");
    o.str("subjectId", subject_info(u.subject).id);
    o.str("teacherId", s.teachers[static_cast<size_t>(u.teacher)].id);
    o.str("start", format_day(c.year.start)).str("end", "");
    dep.add(s.deputy().id, command_json("assignTeaching", o));
  }
}

// Three rounds, each class teacher working through her own class: register
// the parents of her pupils (a family is registered in its youngest child's
// class), then link every pupil's parents, then record consents and issue
// logins (a parent's login needs the link to one of her children first).
void families(const SetupContext& c, Day day, Plan& plan) {
  const SchoolModel& s = c.school;
  std::vector<std::vector<int>> parents_of(s.students.size());
  for (size_t p = 0; p < s.parents.size(); ++p) {
    for (int child : s.parents[p].children)
      parents_of[static_cast<size_t>(child)].push_back(static_cast<int>(p));
  }
  const int rounds[] = {9 * 60, 10 * 60, 11 * 60};
  for (int round = 0; round < 3; ++round) {
    for (const ClassModel& cls : s.classes) {
      const std::string& ct = s.teachers[static_cast<size_t>(cls.class_teacher)].id;
      Sequence seq(plan, c.clock.utc_us(day, rounds[round]) + (cls.grade * 7 % 11) * kSecondUs, 12);
      for (int i : cls.students) {
        const StudentModel& st = s.students[static_cast<size_t>(i)];
        for (int pi : parents_of[static_cast<size_t>(i)]) {
          const ParentModel& p = s.parents[static_cast<size_t>(pi)];
          const bool home_class = p.children.front() == i;
          if (round == 0 && home_class) seq.add(ct, register_user(p.id, s.id, p.person, "parent"));
          if (round == 1) {
            // A class teacher links only families wholly in classes she leads;
            // the secretary links a family with children in other classes.
            bool other_teacher = false;
            for (int child : p.children) {
              const StudentModel& sibling = s.students[static_cast<size_t>(child)];
              other_teacher |= s.classes[static_cast<size_t>(sibling.class_index)].class_teacher !=
                               cls.class_teacher;
            }
            JsonObject o;
            o.str("studentId", st.id).str("parentId", p.id).str("relation", p.relation);
            seq.add(other_teacher ? s.secretary().id : ct, command_json("linkGuardian", o));
          }
          if (round == 2 && home_class) {
            seq.add(ct, record_consent(p.id, day, "Согласие на обработку персональных данных"));
            seq.add(ct, issue_credentials(p.id, p.login));
          }
        }
        if (round == 2) {
          seq.add(ct, record_consent(st.id, day,
                                     "Согласие законного представителя на обработку "
                                     "персональных данных ребёнка"));
          if (!st.login.empty()) seq.add(ct, issue_credentials(st.id, st.login));
        }
      }
    }
  }
}

}  // namespace

void plan_setup(const SetupContext& ctx, int offset, Day day, Plan& plan) {
  switch (offset) {
    case 0:
      bootstrap(ctx, day, plan);
      break;
    case 1:
      teachers(ctx, day, plan);
      break;
    case 2:
      classes(ctx, day, plan);
      break;
    case 3:
      assignments(ctx, day, plan);
      break;
    case 7:
      families(ctx, day, plan);
      break;
    default:
      break;
  }
}

}  // namespace zhurnal::demo::internal
