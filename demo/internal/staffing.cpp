// Who is in the demo school: staff, teachers by discipline with balanced
// loads, 33 classes of about 24 students drawn from families (siblings share
// a surname and a patronymic), their parents, and the class teachers.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "internal/model.hpp"

namespace zhurnal::demo::internal {
namespace {

const char* const kLetters[] = {"А", "Б", "В"};
const char* const kLetterIds[] = {"a", "b", "v"};

std::string numbered(const std::string& prefix, int n, int width) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%0*d", width, n);
  return prefix + buf;
}

struct Family {
  FamilyName name;
  std::vector<int> children;  // student indices
};

// Ability tiers: 10% weak, 45% average, 35% good, 10% excellent.
int draw_tier(Rng& rng) {
  static const double kTierShare[] = {0.10, 0.45, 0.35, 0.10};
  return static_cast<int>(rng.weighted(kTierShare));
}

// Born so that a pupil of `grade` is 6.5–7.5 years old in grade 1 on 1 September.
Day birth_date(Day year_start, int grade, Rng& rng) {
  const int y = year_of(year_start);
  const Day from = make_day(y - 7 - grade, 3, 1), to = make_day(y - 6 - grade, 2, 28);
  return Day{rng.uniform_int(from.days, to.days)};
}

void add_staff(SchoolModel& s, Rng& rng, std::set<std::string>& logins) {
  const char* const roles[] = {"administrator", "director", "deputyDirector", "secretary"};
  const char* const ids[] = {"admin", "director", "deputy", "secretary"};
  for (int i = 0; i < 4; ++i) {
    const bool female = rng.chance(i == 3 ? 0.95 : 0.7);
    StaffMember m{s.id + "-" + ids[i], random_adult(female, rng), "", roles[i]};
    m.login = make_login(m.person, logins);
    s.staff.push_back(std::move(m));
  }
}

// Classes 1А–11В with their students, sorted as the journal lists them.
void add_classes_and_students(SchoolModel& s, const ModelOptions& o, Rng& rng,
                              std::vector<Family>& families) {
  for (int grade = 1; grade <= 11; ++grade) {
    for (int l = 0; l < 3; ++l) {
      ClassModel c;
      c.id = s.id + "-c" + std::to_string(grade) + kLetterIds[l];
      c.grade = grade;
      c.letter = kLetters[l];
      const int ci = static_cast<int>(s.classes.size());
      const int size = o.class_size + rng.uniform_int(-2, 2);
      for (int i = 0; i < size; ++i) {
        StudentModel st;
        st.class_index = ci;
        const bool female = rng.chance(0.5);
        // About one pupil in eight has an older brother or sister here.
        int family = -1;
        if (!families.empty() && rng.chance(0.12)) {
          const int f = rng.uniform_int(0, static_cast<int>(families.size()) - 1);
          const auto& kids = families[static_cast<size_t>(f)].children;
          // Siblings are in different grades (the current class is not stored yet).
          const bool fits = kids.size() < 3 && std::none_of(kids.begin(), kids.end(), [&](int k) {
                              const int kc = s.students[static_cast<size_t>(k)].class_index;
                              return kc == ci || s.classes[static_cast<size_t>(kc)].grade == grade;
                            });
          if (fits) family = f;
        }
        if (family < 0) {
          family = static_cast<int>(families.size());
          families.push_back({random_family(rng), {}});
        }
        st.family = family;
        st.person = child_of(families[static_cast<size_t>(family)].name, female, rng);
        st.birth = birth_date(o.year_start, grade, rng);
        st.tier = draw_tier(rng);
        for (auto& sh : st.shift) {
          const double x = rng.unit();
          sh = static_cast<int8_t>(x < 0.15 ? -1 : x < 0.30 ? 1 : 0);
        }
        st.pe_exempt = rng.chance(0.03);
        families[static_cast<size_t>(family)].children.push_back(
            static_cast<int>(s.students.size()));
        c.students.push_back(static_cast<int>(s.students.size()));
        s.students.push_back(std::move(st));
      }
      s.classes.push_back(std::move(c));
    }
  }
  // Alphabetical order within each class; ids then follow the class lists.
  int number = 0;
  for (ClassModel& c : s.classes) {
    std::stable_sort(c.students.begin(), c.students.end(), [&](int a, int b) {
      return s.students[static_cast<size_t>(a)].person.full_name() <
             s.students[static_cast<size_t>(b)].person.full_name();
    });
    const size_t half = (c.students.size() + 1) / 2;
    for (size_t i = 0; i < c.students.size(); ++i) {
      StudentModel& st = s.students[static_cast<size_t>(c.students[i])];
      st.id = numbered(s.id + "-s", ++number, 4);
      st.group = i < half ? 1 : 2;
    }
  }
}

void add_parents(SchoolModel& s, Rng& rng, std::vector<Family>& families,
                 std::set<std::string>& logins) {
  for (Family& f : families) {
    // The parent id follows the family's first child in the school's numbering.
    auto first = std::min_element(f.children.begin(), f.children.end(), [&](int a, int b) {
      return s.students[static_cast<size_t>(a)].id < s.students[static_cast<size_t>(b)].id;
    });
    const std::string base =
        s.id + "-p" + s.students[static_cast<size_t>(*first)].id.substr(s.id.size() + 2);
    std::vector<std::pair<Person, const char*>> adults;
    const double x = rng.unit();
    if (x < 0.85) {
      adults = {{mother_of(f.name, rng), "мать"}, {father_of(f.name, rng), "отец"}};
    } else if (x < 0.96) {
      adults = {{mother_of(f.name, rng), "мать"}};
    } else if (x < 0.98) {
      adults = {{father_of(f.name, rng), "отец"}};
    } else {
      adults = {{mother_of(f.name, rng), "опекун"}};  // a grandmother as guardian
    }
    std::sort(f.children.begin(), f.children.end(), [&](int a, int b) {
      return s.students[static_cast<size_t>(a)].class_index <
             s.students[static_cast<size_t>(b)].class_index;
    });
    for (size_t i = 0; i < adults.size(); ++i) {
      ParentModel p{base + static_cast<char>('a' + i), adults[i].first, adults[i].second,
                    f.children, ""};
      p.login = make_login(p.person, logins);
      s.parents.push_back(std::move(p));
    }
  }
}

// Teachers per discipline, and the units (assignments) they take. Jobs of a
// discipline are laid out by grade and cut into consecutive shares, so a
// teacher takes parallel classes, as schools arrange loads.
void add_teachers_and_units(SchoolModel& s, Rng& rng, std::set<std::string>& logins) {
  struct Job {
    int class_index, group, hours;
  };
  std::vector<std::vector<Job>> jobs(kDisciplineCount);
  for (size_t ci = 0; ci < s.classes.size(); ++ci) {
    const int grade = s.classes[ci].grade;
    std::vector<int> hours(kDisciplineCount, 0);
    std::vector<bool> split(kDisciplineCount, false);
    for (const Load& l : weekly_load(grade)) {
      const auto d = static_cast<size_t>(discipline_of(l.subject, grade));
      hours[d] += l.hours;
      split[d] = split[d] || split_in_groups(l.subject, grade);
    }
    for (size_t d = 0; d < jobs.size(); ++d) {
      if (hours[d] > 0) jobs[d].push_back({static_cast<int>(ci), split[d] ? 1 : 0, hours[d]});
    }
  }
  // Subgroup 2 jobs follow all subgroup 1 jobs of the discipline.
  for (auto& list : jobs) {
    std::vector<Job> second;
    for (const Job& j : list) {
      if (j.group == 1) second.push_back({j.class_index, 2, j.hours});
    }
    list.insert(list.end(), second.begin(), second.end());
  }

  // job → teacher, per discipline
  std::vector<std::vector<int>> teacher_of(kDisciplineCount);
  for (int d = 0; d < kDisciplineCount; ++d) {
    const auto& list = jobs[static_cast<size_t>(d)];
    if (list.empty()) continue;
    int total = 0;
    for (const Job& j : list) total += j.hours;
    const int n = d == kPrimary
                      ? static_cast<int>(list.size())
                      : std::max(1, (total + kTargetHoursPerTeacher - 1) / kTargetHoursPerTeacher);
    const int first = static_cast<int>(s.teachers.size());
    for (int i = 0; i < n; ++i) {
      TeacherModel t;
      t.id = numbered(s.id + "-t", first + i + 1, 2);
      t.discipline = d;
      t.person = random_adult(rng.chance(discipline_info(d).female_share), rng);
      t.login = make_login(t.person, logins);
      t.late_factor = rng.chance(0.2) ? 2.5 : 0.625;  // a fifth are habitually late; mean 1
      s.teachers.push_back(std::move(t));
    }
    int cum = 0;
    for (size_t k = 0; k < list.size(); ++k) {
      int t = d == kPrimary
                  ? static_cast<int>(k)
                  : std::min(n - 1, static_cast<int>((2 * cum + list[k].hours) * n / (2 * total)));
      cum += list[k].hours;
      teacher_of[static_cast<size_t>(d)].push_back(first + t);
    }
    // A class's two subgroups meet at once: they need two different teachers.
    for (size_t k = 0; k < list.size(); ++k) {
      if (list[k].group != 2) continue;
      for (size_t j = 0; j < k; ++j) {
        int& t2 = teacher_of[static_cast<size_t>(d)][k];
        if (list[j].group == 1 && list[j].class_index == list[k].class_index &&
            teacher_of[static_cast<size_t>(d)][j] == t2) {
          t2 = first + (t2 - first + 1) % n;
        }
      }
    }
  }
  // Units: one per subject of a class (two for English groups).
  for (size_t ci = 0; ci < s.classes.size(); ++ci) {
    ClassModel& c = s.classes[ci];
    for (const Load& l : weekly_load(c.grade)) {
      const int d = discipline_of(l.subject, c.grade);
      const auto& list = jobs[static_cast<size_t>(d)];
      const int groups = split_in_groups(l.subject, c.grade) ? 2 : 1;
      for (int g = 1; g <= groups; ++g) {
        const int want_group = groups == 2 ? g : 0;
        for (size_t k = 0; k < list.size(); ++k) {
          if (list[k].class_index != static_cast<int>(ci) || list[k].group != want_group) continue;
          UnitModel u;
          u.class_index = static_cast<int>(ci);
          u.subject = l.subject;
          u.group = want_group;
          u.teacher = teacher_of[static_cast<size_t>(d)][k];
          u.hours = l.hours;
          u.id = c.id + "-" + subject_info(l.subject).id +
                 (want_group ? "-g" + std::to_string(g) : "");
          s.teachers[static_cast<size_t>(u.teacher)].hours += u.hours;
          c.units.push_back(static_cast<int>(s.units.size()));
          s.units.push_back(std::move(u));
        }
      }
    }
  }
}

// Grades 1–4: their own teacher. Older classes: the teacher with the most
// lessons in the class among those not leading a class yet.
void assign_class_teachers(SchoolModel& s) {
  for (size_t ci = 0; ci < s.classes.size(); ++ci) {
    ClassModel& c = s.classes[ci];
    std::vector<int> hours(s.teachers.size(), 0);
    for (int u : c.units) {
      const UnitModel& unit = s.units[static_cast<size_t>(u)];
      if (unit.group <= 1) hours[static_cast<size_t>(unit.teacher)] += unit.hours;
    }
    int best = -1;
    for (size_t t = 0; t < s.teachers.size(); ++t) {
      const TeacherModel& teacher = s.teachers[t];
      if (teacher.led_class >= 0 || hours[t] == 0) continue;
      if (c.grade <= 4 && teacher.discipline != kPrimary) continue;
      if (teacher.discipline == kPeD || teacher.discipline == kMusicD) continue;
      if (best < 0 || hours[t] > hours[static_cast<size_t>(best)]) best = static_cast<int>(t);
    }
    if (best < 0) {  // everyone teaching here leads a class: any free subject teacher
      for (size_t t = 0; t < s.teachers.size() && best < 0; ++t) {
        if (s.teachers[t].led_class < 0 && s.teachers[t].discipline != kPrimary)
          best = static_cast<int>(t);
      }
    }
    if (best < 0) continue;  // cannot happen with the plans in curriculum.cpp
    c.class_teacher = best;
    s.teachers[static_cast<size_t>(best)].led_class = static_cast<int>(ci);
  }
}

}  // namespace

SchoolModel build_school_model(const ModelOptions& o, std::set<std::string>& logins) {
  Rng rng(stream_seed(o.seed, static_cast<uint64_t>(o.index), "people"));
  SchoolModel s;
  s.index = o.index;
  s.id = o.id;
  s.name = "МАОУ «Средняя общеобразовательная школа № " + std::to_string(o.index + 1) + "» (демо)";
  std::vector<Family> families;
  add_staff(s, rng, logins);
  add_classes_and_students(s, o, rng, families);
  add_teachers_and_units(s, rng, logins);
  assign_class_teachers(s);
  add_parents(s, rng, families, logins);
  for (StudentModel& st : s.students) {
    if (s.classes[static_cast<size_t>(st.class_index)].grade >= 5)
      st.login = make_login(st.person, logins);
  }
  return s;
}

}  // namespace zhurnal::demo::internal
