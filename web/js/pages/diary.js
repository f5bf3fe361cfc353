// The diary (дневник) of a student, by week, for the student herself and her
// parents: lessons with topics, homework, marks, absences and comments; the
// period's marks by subject with simple and weighted averages and a chart;
// messages from the school. Live: the week is a subscription, so a mark a
// teacher posts appears within a second, highlighted as new.
import { startPage, hasRole } from '../session.js';
import { h, clear, toast, showError } from '../dom.js';
import { marksChart } from '../chart.js';
import { loadSchool, workTypeName } from '../catalogue.js';
import {
  ATTENDANCE_LONG, ATTENDANCE_SHORT, addDays, dayMonthText, hundredths, markClass,
  markLongText, markText, mondayOf, shortDateTimeText, todayIso, weekText, weekdayText,
} from '../format.js';

const HIGHLIGHT_MS = 120000;  // how long a new mark stays highlighted

const main = document.getElementById('main');
const params = new URLSearchParams(location.search);

const state = {
  client: null,
  me: null,
  studentId: null,
  monday: null,
  sub: null,
  view: null,
  firstPush: true,
  seen: new Map(),      // markId -> {position, value} of the last change shown
  fresh: new Map(),     // markId -> {at, label}: when it changed, and how (highlighted)
  chartSubject: null,
  notice: '',
  opened: 0,            // counts openWeek calls
};

const { client, me } = await startPage('diary');
state.client = client;
state.me = me;

const children = me.children?.length ? me.children
  : hasRole(me, 'student') ? [{ studentId: me.userId, fullName: me.fullName, classId: '' }] : [];

// ---- layout ----

const switcher = h('div', { class: 'child-switch', role: 'group', 'aria-label': 'Чей дневник' });
const weekLabel = h('h2', { class: 'week-label', id: 'week-label' });
const periodLabel = h('span', { class: 'period-label' });
const dateInput = h('input', {
  type: 'date', class: 'input', 'aria-label': 'Перейти к дате',
  onchange: () => dateInput.value && openWeek(state.studentId, mondayOf(dateInput.value)),
});
const noticeBox = h('p', { class: 'notice', hidden: true });
const errorBox = h('div', { class: 'diary-error' });
const weekBox = h('section', { class: 'week', 'aria-labelledby': 'week-label' });
const subjectsBox = h('section', { class: 'card subjects', 'aria-labelledby': 'subjects-title' });
const messagesBox = h('section', { class: 'card messages', 'aria-labelledby': 'messages-title' });
const newLive = h('div', { class: 'visually-hidden', 'aria-live': 'polite' });
const layout = h('div', { class: 'diary-layout' }, weekBox, h('div', { class: 'diary-side' }, subjectsBox, messagesBox));

clear(main).append(
  h('div', { class: 'page-head' },
    h('h1', { id: 'diary-title' }, 'Дневник'),
    switcher),
  h('div', { class: 'week-nav' },
    h('button', {
      type: 'button', class: 'btn week-prev', 'aria-label': 'Предыдущая неделя',
      onclick: () => openWeek(state.studentId, addDays(state.monday, -7)),
    }, h('span', { 'aria-hidden': 'true' }, '←'), h('span', { class: 'btn-label' }, 'Предыдущая')),
    h('div', { class: 'week-title' }, weekLabel, periodLabel),
    h('button', {
      type: 'button', class: 'btn week-next', 'aria-label': 'Следующая неделя',
      onclick: () => openWeek(state.studentId, addDays(state.monday, 7)),
    }, h('span', { class: 'btn-label' }, 'Следующая'), h('span', { 'aria-hidden': 'true' }, '→')),
    h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => openWeek(state.studentId, mondayOf(todayIso())) },
      'Сегодня'),
    dateInput),
  noticeBox,
  errorBox,
  layout,
  newLive);

// ---- navigation ----

function renderSwitcher() {
  clear(switcher);
  if (children.length < 2) return;
  for (const c of children) {
    const active = c.studentId === state.studentId;
    switcher.append(h('button', {
      type: 'button', class: active ? 'chip active' : 'chip', 'aria-pressed': String(active),
      onclick: () => openWeek(c.studentId, state.monday),
    }, c.fullName.split(' ').slice(0, 2).reverse().join(' ')));
  }
}

function setUrl() {
  const p = new URLSearchParams({ student: state.studentId, date: state.monday });
  history.replaceState(null, '', '?' + p);
}

async function openWeek(studentId, monday, { notice = '' } = {}) {
  if (state.sub) state.sub.close();
  state.sub = null;
  const studentChanged = studentId !== state.studentId;
  state.studentId = studentId;
  state.monday = monday;
  state.firstPush = true;
  state.notice = notice;
  if (studentChanged) {
    state.seen.clear();
    state.fresh.clear();
    state.chartSubject = null;
  }
  weekLabel.textContent = weekText(monday);
  dateInput.value = monday;
  renderSwitcher();
  setUrl();
  clear(errorBox);
  weekBox.setAttribute('aria-busy', 'true');
  const opened = ++state.opened;  // a later openWeek supersedes this one
  try {
    const sub = await client.subscribe({ diary: { studentId, date: monday }, patches: true },
      (push) => opened === state.opened && onPush(push));
    if (opened !== state.opened) sub.close();
    else state.sub = sub;
  } catch (e) {
    if (opened !== state.opened) return;
    state.view = null;
    layout.hidden = true;
    noticeBox.hidden = true;
    showError(errorBox, e.code === 'forbidden' ? 'Нет доступа к этому дневнику' : 'Не удалось открыть дневник', e);
    if (children.length > 1) errorBox.firstChild.append(h('p', {}, 'Выберите ребёнка выше.'));
  }
}

function onPush(push) {
  if (push.diaryPatch) {
    // Only the changed lessons and their subjects: merged into the week shown.
    const patch = push.diaryPatch;
    if (!state.view || patch.weekStart !== state.monday) return;
    noteNewMarks(patch, true);
    state.view = mergePatch(state.view, patch);
    render(state.view);
    return;
  }
  if (!push.diary || push.diary.weekStart !== state.monday) return;
  const view = push.diary;
  noteNewMarks(view, !state.firstPush);
  state.firstPush = false;
  state.view = view;
  render(view);
}

// The diary with a patch's entries replaced (by lesson id) and its subjects
// replaced or added (by subject id; renderSubjects orders them by name); the
// rest as it was.
function mergePatch(view, patch) {
  const entries = new Map((patch.lessons || []).map((e) => [e.lesson.lessonId, e]));
  const lessons = (view.lessons || []).map((e) => entries.get(e.lesson.lessonId) || e);
  const subjects = new Map((view.subjects || []).map((s) => [s.subjectId, s]));
  for (const s of patch.subjects || []) subjects.set(s.subjectId, s);
  return { ...view, lessons, subjects: [...subjects.values()], position: patch.position };
}

// Marks that are new or changed since the last push of this subscription.
function noteNewMarks(view, announce) {
  const now = Date.now();
  const announced = [];
  const visit = (mark, subjectName) => {
    const prev = state.seen.get(mark.markId);
    if (announce && prev?.position !== mark.position) {
      // A mark seen before changed: corrected (from the value shown) or cancelled.
      const label = !prev ? 'новая' : mark.cancelled ? 'отменена' : 'исправлена';
      state.fresh.set(mark.markId, { at: now, label });
      announced.push({ mark, subjectName, label, before: prev?.value });
    }
    state.seen.set(mark.markId, { position: mark.position, value: mark.value });
  };
  for (const e of view.lessons || []) for (const m of e.cell?.marks || []) visit(m, e.subjectName);
  for (const s of view.subjects || []) for (const m of s.marks || []) visit(m, s.name);
  const unique = new Map(announced.map((a) => [a.mark.markId, a]));
  for (const { mark, subjectName, label, before } of unique.values()) {
    const text = label === 'отменена' ? `Отметка ${markLongText(mark.value)} отменена: ${subjectName}`
      : label === 'исправлена' ? `Отметка исправлена: ${markLongText(before)} → ${markLongText(mark.value)}, ${subjectName}`
        : `Новая отметка ${markLongText(mark.value)}: ${subjectName}`;
    toast(text, { kind: 'success' });
    newLive.textContent = text;
  }
  for (const [id, f] of state.fresh) if (now - f.at > HIGHLIGHT_MS) state.fresh.delete(id);
}

// ---- rendering ----

function markBadge(mark, { withTitle = true } = {}) {
  const classes = ['mark', markClass(mark.value)];
  if (mark.cancelled) classes.push('cancelled');
  if (mark.corrected) classes.push('corrected');
  if (mark.late) classes.push('late');
  const fresh = state.fresh.get(mark.markId);
  if (fresh) classes.push('is-new');
  const details = [workTypeName(mark.workTypeId)];
  if (mark.weight > 1) details.push(`вес ${mark.weight}`);
  if (mark.comment) details.push(mark.comment);
  if (mark.corrected) details.push('исправлена');
  if (mark.cancelled) details.push('отменена');
  if (mark.lessonDate) details.push('за урок ' + dayMonthText(mark.lessonDate));
  details.push('выставлена ' + shortDateTimeText(mark.postedAtUs));
  const label = `${markLongText(mark.value)}, ${details.join(', ')}`;
  return h('span', {
    class: classes.join(' '), title: withTitle ? label : null, 'aria-label': label,
    dataset: fresh ? { mark: mark.markId, fresh: fresh.label } : { mark: mark.markId },
  }, markText(mark.value));
}

function render(view) {
  document.getElementById('diary-title').textContent = `Дневник: ${view.fullName}, ${view.className}`;
  document.title = `Дневник — ${view.fullName}`;
  periodLabel.textContent = view.period?.name || '';
  layout.hidden = false;
  noticeBox.textContent = state.notice;
  noticeBox.hidden = !state.notice;
  weekBox.removeAttribute('aria-busy');
  renderWeek(view);
  renderSubjects(view);
  renderMessages(view);
}

function renderWeek(view) {
  clear(weekBox);
  const lessons = view.lessons || [];
  const comments = new Map();
  for (const n of view.notes || []) {
    if (n.kind === 'comment' && n.lessonId) comments.set(n.lessonId, [...(comments.get(n.lessonId) || []), n]);
  }
  if (!lessons.length) {
    weekBox.append(h('p', { class: 'empty card' }, 'На этой неделе уроков нет.'));
  }
  const lastDay = lessons.some((e) => e.lesson.date === addDays(state.monday, 6)) ? 6 : 5;
  const today = todayIso();
  for (let i = 0; i <= lastDay && lessons.length; i++) {
    const date = addDays(state.monday, i);
    const day = lessons.filter((e) => e.lesson.date === date)
      .sort((a, b) => (a.lesson.number || 0) - (b.lesson.number || 0));
    const title = `${weekdayText(date)}, ${dayMonthText(date)}`;
    const card = h('section', { class: date === today ? 'card day today' : 'card day', 'aria-label': title },
      h('h3', { class: 'day-title' }, title[0].toUpperCase() + title.slice(1)));
    if (!day.length) {
      card.append(h('p', { class: 'empty' }, 'Уроков нет'));
    } else {
      card.append(h('ol', { class: 'lessons' }, day.map((e) => lessonItem(e, comments.get(e.lesson.lessonId)))));
    }
    weekBox.append(card);
  }
}

function lessonItem(entry, comments = []) {
  const l = entry.lesson;
  const cell = entry.cell || {};
  const results = h('div', { class: 'results' });
  for (const m of cell.marks || []) results.append(markBadge(m));
  if (cell.attendance && cell.attendance !== 'present') {
    results.append(h('span', {
      class: 'att' + (cell.attendanceCorrected ? ' corrected' : ''),
      title: ATTENDANCE_LONG[cell.attendance], 'aria-label': ATTENDANCE_LONG[cell.attendance],
    }, ATTENDANCE_SHORT[cell.attendance]));
  }
  const body = h('div', { class: 'lesson-body' },
    h('div', { class: 'lesson-subject' }, entry.subjectName, h('small', {}, entry.teacherName)));
  if (l.cancelled) body.append(h('div', { class: 'lesson-cancelled' }, 'Урок отменён'));
  if (l.topic) body.append(h('div', { class: 'lesson-topic' }, h('span', { class: 'label' }, 'Тема: '), l.topic));
  if (l.homework) {
    body.append(h('div', { class: 'lesson-hw' }, h('span', { class: 'label' }, 'Домашнее задание: '), l.homework,
      l.homeworkDue ? h('small', {}, ` (к ${dayMonthText(l.homeworkDue)})`) : null));
  }
  for (const c of comments) {
    body.append(h('div', { class: 'lesson-comment' }, h('span', { class: 'label' }, 'Замечание: '), c.text,
      c.authorName ? h('small', {}, ` — ${c.authorName}`) : null));
  }
  return h('li', { class: l.cancelled ? 'lesson cancelled' : 'lesson' },
    h('span', { class: 'lesson-num', 'aria-label': `урок ${l.number}` }, l.number), body, results);
}

function renderSubjects(view) {
  const subjects = [...(view.subjects || [])].sort((a, b) => a.name.localeCompare(b.name, 'ru'));
  clear(subjectsBox).append(h('h2', { id: 'subjects-title' }, `Успеваемость: ${view.period?.name || 'период'}`));
  if (!subjects.length) {
    subjectsBox.append(h('p', { class: 'empty' }, 'Отметок за период пока нет.'));
    return;
  }
  if (!subjects.some((s) => s.subjectId === state.chartSubject)) {
    state.chartSubject = (subjects.find((s) => s.averages?.count) || subjects[0]).subjectId;
  }
  const rows = subjects.map((s) => {
    const selected = s.subjectId === state.chartSubject;
    return h('tr', { class: selected ? 'selected' : null },
      h('th', { scope: 'row' },
        h('button', {
          type: 'button', class: 'linklike', 'aria-pressed': String(selected),
          title: 'Показать график', onclick: () => { state.chartSubject = s.subjectId; renderSubjects(view); },
        }, s.name)),
      h('td', {}, h('div', { class: 'marks-list' }, (s.marks || []).map((m) => markBadge(m)))),
      h('td', { class: 'num', 'data-label': 'Средний' }, hundredths(s.averages?.simpleHundredths, s.averages?.count)),
      h('td', { class: 'num', 'data-label': 'Взвеш.' }, hundredths(s.averages?.weightedHundredths, s.averages?.count)),
      h('td', { class: 'num', 'data-label': 'Итог' }, s.hasPeriodMark ? h('span', { class: 'mark ' + markClass(s.periodMark.value) }, markText(s.periodMark.value)) : '—'));
  });
  const chosen = subjects.find((s) => s.subjectId === state.chartSubject);
  subjectsBox.append(
    h('div', { class: 'table-wrap' },
      h('table', { class: 'table subjects-table' },
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, 'Предмет'),
          h('th', { scope: 'col' }, 'Отметки'),
          h('th', { scope: 'col', class: 'num', title: 'Средний балл' }, 'Средний'),
          h('th', { scope: 'col', class: 'num', title: 'Средневзвешенный балл (с учётом веса работ)' }, 'Взвеш.'),
          h('th', { scope: 'col', class: 'num', title: 'Отметка за период' }, 'Итог'))),
        h('tbody', {}, rows))),
    h('figure', { class: 'chart-box' },
      marksChart(chosen?.marks || [], chosen?.name || ''),
      h('figcaption', {}, `${chosen?.name || ''}: отметки за период и средний взвешенный балл (линия)`)));
}

function renderMessages(view) {
  const notes = [...(view.notes || [])].filter((n) => n.kind !== 'comment' || !n.lessonId ||
    !(view.lessons || []).some((e) => e.lesson.lessonId === n.lessonId));
  notes.sort((a, b) => (BigInt(b.atUs || 0) > BigInt(a.atUs || 0) ? 1 : -1));
  const kinds = { message: 'Сообщение родителям', classMessage: 'Сообщение классу', comment: 'Замечание' };
  clear(messagesBox).append(h('h2', { id: 'messages-title' }, 'Сообщения от школы'));
  if (!notes.length) {
    messagesBox.append(h('p', { class: 'empty' }, 'На этой неделе сообщений нет.'));
    return;
  }
  messagesBox.append(h('ul', { class: 'notes' }, notes.map((n) => h('li', { class: 'note' },
    h('div', { class: 'note-head' },
      h('strong', {}, kinds[n.kind] || 'Сообщение'),
      h('span', {}, [n.authorName, shortDateTimeText(n.atUs)].filter(Boolean).join(' · '))),
    h('p', {}, n.text)))));
}

// ---- start ----

// On a first visit in a week without lessons (holidays, or a demo whose
// lessons lie in the past), show the week of the class's latest lesson
// (DiaryView.lastLessonDate), and say so.
async function latestWeekWithLessons(studentId, monday) {
  const view = (await client.request({ diary: { studentId, date: monday } })).diary;
  if (view.lessons?.length || !view.lastLessonDate || view.lastLessonDate >= monday) return monday;
  return mondayOf(view.lastLessonDate);
}

try {
  await loadSchool(client);  // work type names
} catch {
  // Marks then show their work type by id.
}

const studentId = params.get('student') || children[0]?.studentId;
if (!studentId) {
  showError(errorBox, 'Нет дневника для показа', { message: 'К вашей учётной записи не привязан ни один ученик.' });
} else if (params.get('date')) {
  openWeek(studentId, mondayOf(params.get('date')));
} else {
  const thisWeek = mondayOf(todayIso());
  let week = thisWeek;
  try {
    week = await latestWeekWithLessons(studentId, thisWeek);
  } catch {
    // The subscription below reports the error.
  }
  openWeek(studentId, week, {
    notice: week !== thisWeek ? `На этой неделе уроков нет — показана последняя неделя с уроками (${weekText(week)}).` : '',
  });
}
