// Which registers a user can open: the classes, a class's subjects and its
// periods, from the protocol's reference data (docs/web.md):
//   - the school's classes, subjects and periods: the `school` request
//     (js/catalogue.js);
//   - the user's own subjects in a class: `me.assignments`;
//   - the class's other subjects (taught by colleagues): the period's
//     subject list of one student's diary, which names every subject with
//     lessons (two requests per class, kept for the page).
import { loadSchool } from '../catalogue.js';
import { todayIso } from '../format.js';

const cache = new Map();  // classId -> Promise<info>

// The classes the user may open, [{classId, name, grade, mine}] by grade and
// name: the administration every class of the school, teachers those in
// `me.classes` (the ones they teach or lead).
export async function classList(client, me, { everything = false } = {}) {
  const school = await loadSchool(client);
  const readable = new Set(me.classes || []);
  return school.classes
    .filter((c) => everything || readable.has(c.classId))
    .map((c) => ({ classId: c.classId, name: c.name, grade: c.grade, yearId: c.yearId, mine: readable.has(c.classId) }))
    .sort((a, b) => (a.grade - b.grade) || a.name.localeCompare(b.name, 'ru'));
}

// {classId, className, grade, subjects: [{subjectId, name, mine}], periods: [PeriodRef]}
export function classInfo(client, me, classId) {
  if (!cache.has(classId)) {
    const p = load(client, me, classId);
    p.catch(() => cache.delete(classId));
    cache.set(classId, p);
  }
  return cache.get(classId);
}

async function load(client, me, classId) {
  const school = await loadSchool(client);
  const cls = school.classes.find((c) => c.classId === classId);
  const names = new Map(school.subjects.map((s) => [s.id, s.name]));
  const subjects = new Map();
  const add = (subjectId, mine) => {
    const s = subjects.get(subjectId) || { subjectId, name: names.get(subjectId) || subjectId, mine: false };
    s.mine = s.mine || mine;
    subjects.set(subjectId, s);
  };
  for (const a of me.assignments || []) if (a.classId === classId) add(a.subjectId, true);

  // The class's other subjects, from one student's diary.
  const first = [...subjects.keys()][0] || school.subjects[0]?.id;
  if (first) {
    const year = (await client.request({ register: { classId, subjectId: first, periodId: '' } })).register;
    const student = (year.students || []).find((s) => !s.left) || year.students?.[0];
    if (student) {
      let diary = (await client.request({ diary: { studentId: student.studentId, date: todayIso() } })).diary;
      if (!diary.subjects?.length && diary.lastLessonDate && diary.lastLessonDate < diary.weekStart) {
        diary = (await client.request({ diary: { studentId: student.studentId, date: diary.lastLessonDate } })).diary;
      }
      for (const s of diary.subjects || []) add(s.subjectId, false);
    }
  }
  const periods = school.periods
    .filter((p) => !cls || p.yearId === cls.yearId)
    .sort((a, b) => a.start.localeCompare(b.start));
  return {
    classId,
    className: cls?.name || classId,
    grade: cls?.grade || 0,
    subjects: [...subjects.values()].sort((a, b) => (b.mine - a.mine) || a.name.localeCompare(b.name, 'ru')),
    periods,
  };
}

// The period containing `date`, or the last one before it, or the first.
export function periodFor(periods, date) {
  return periods.find((p) => p.start <= date && date <= p.end) ||
    [...periods].reverse().find((p) => p.end < date) || periods[0] || null;
}
