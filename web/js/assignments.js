// Which registers a user can open: classes, their subjects, the periods.
//
// The protocol has no request that lists a teacher's assignments (class x
// subject), a class's name, or the school's periods (docs/web.md, "What the
// pages need from the protocol"). Until it does, this module derives them
// from what `me` and the views return, and nothing else depends on how:
//   - classes: me.classes (the classes the user teaches or leads);
//   - a class's name, grade, students and academic year: its register for
//     the whole year (periodId "") in any subject the school defines, found
//     by trying the subject ids this tab has already seen, then the
//     reference book of the demo school and the import;
//   - the class's subjects and who teaches them: the diary of one of its
//     students (a week's lessons carry subjectId and teacherId; the period's
//     subject list carries every subject with lessons);
//   - the periods: the diary's period for dates walked across the year.
// Results are cached in sessionStorage for the tab.
import { addDays, todayIso } from './format.js';

const CACHE = 'zhurnal.class.';
const SEEN_SUBJECTS = 'zhurnal.subjects';
const SEED_SUBJECTS = ['rus', 'math', 'read', 'eng', 'lit', 'alg', 'hist', 'bio', 'geo', 'phys',
  'chem', 'inf', 'world', 'music', 'art', 'tech', 'pe', 'geom', 'soc', 'prob', 'obzh'];

function load(key) {
  try {
    return JSON.parse(sessionStorage.getItem(key));
  } catch {
    return null;
  }
}

function save(key, value) {
  try {
    sessionStorage.setItem(key, JSON.stringify(value));
  } catch {
    // A full storage only costs a re-derivation.
  }
}

// Subject ids this tab has seen in any view: the first to try for a class.
export function rememberSubjects(ids) {
  const seen = new Set(load(SEEN_SUBJECTS) || []);
  for (const id of ids) if (id) seen.add(id);
  save(SEEN_SUBJECTS, [...seen]);
}

async function anyRegister(client, classId, periodId) {
  const candidates = [...new Set([...(load(SEEN_SUBJECTS) || []), ...SEED_SUBJECTS])];
  let lastError = null;
  for (const subjectId of candidates) {
    try {
      const result = await client.request({ register: { classId, subjectId, periodId } });
      return result.register;
    } catch (e) {
      if (e.code !== 'not_found') throw e;
      lastError = e;
      if (/класс/i.test(e.message)) break;  // the class itself is unknown
    }
  }
  throw lastError || new Error('Журнал класса не найден');
}

// The class's name and grade, cheaply (cached).
export async function className(client, me, classId, periodId = '') {
  const cached = load(CACHE + me.userId + '.' + classId);
  if (cached) return cached;
  const name = load(CACHE + 'name.' + classId);
  if (name) return name;
  const view = await anyRegister(client, classId, periodId);
  const info = { classId, className: view.className, grade: view.grade };
  save(CACHE + 'name.' + classId, info);
  return info;
}

// Everything the register picker needs for one class:
// {classId, className, grade, year, subjects: [{subjectId, name, mine}], periods: [PeriodRef]}
export async function classInfo(client, me, classId) {
  const key = CACHE + me.userId + '.' + classId;
  const cached = load(key);
  if (cached) return cached;

  const year = await anyRegister(client, classId, '');
  const info = {
    classId, className: year.className, grade: year.grade, year: year.period,
    subjects: [], periods: [],
  };
  const subjects = new Map();
  const add = (subjectId, name, mine) => {
    const s = subjects.get(subjectId) || { subjectId, name, mine: false };
    s.mine = s.mine || mine;
    if (name) s.name = name;
    subjects.set(subjectId, s);
  };
  add(year.subjectId, year.subjectName, (year.lessons || []).some((l) => l.teacherId === me.userId));

  const student = (year.students || []).find((s) => !s.left) || year.students?.[0];
  if (student) {
    // Two weeks with lessons, from the last one of the year's register up
    // to today (a timetable repeats weekly; two weeks cover a week cut
    // short by a holiday).
    const today = todayIso();
    const held = (year.lessons || []).filter((l) => l.date <= today);
    let date = held.length ? held.at(-1).date : today;
    for (let i = 0, weeks = 0; i < 6 && weeks < 2; i++, date = addDays(date, -7)) {
      const diary = (await client.request({ diary: { studentId: student.studentId, date } })).diary;
      for (const s of diary.subjects || []) add(s.subjectId, s.name, false);
      for (const e of diary.lessons || []) add(e.lesson.subjectId, e.subjectName, e.lesson.teacherId === me.userId);
      if (diary.lessons?.length) weeks++;
    }
    info.periods = await periodsOf(client, student.studentId, year.period);
  }
  info.subjects = [...subjects.values()].sort((a, b) =>
    (b.mine - a.mine) || a.name.localeCompare(b.name, 'ru'));
  rememberSubjects(info.subjects.map((s) => s.subjectId));
  save(key, info);
  save(CACHE + 'name.' + classId, { classId, className: info.className, grade: info.grade });
  return info;
}

// The periods of the academic year, by asking the diary which period each
// stretch of the year falls in (between periods the diary names the year).
async function periodsOf(client, studentId, year) {
  const periods = [];
  let date = year.start;
  for (let i = 0; i < 40 && date <= year.end; i++) {
    const p = (await client.request({ diary: { studentId, date } })).diary.period;
    if (p && p.periodId !== year.periodId && !periods.some((q) => q.periodId === p.periodId)) {
      periods.push(p);
      date = addDays(p.end, 1);
    } else {
      date = addDays(date, 7);
    }
  }
  return periods.sort((a, b) => a.start.localeCompare(b.start));
}

// The period containing `date`, or the last one before it, or the first.
export function periodFor(periods, date) {
  return periods.find((p) => p.start <= date && date <= p.end) ||
    [...periods].reverse().find((p) => p.end < date) || periods[0] || null;
}
