// The class register (журнал класса) for a class, subject and period: the
// grid of students x lessons, entry by mouse or keyboard, the lessons'
// topics and homework, corrections and cancellations with a reason, late
// entries marked, live updates, and a print version by month.
import { startPage, hasRole } from '../session.js';
import { h, clear, toast, showError } from '../dom.js';
import { newId, positionAfter } from '../client.js';
import { loadSchool, rememberSchool, workTypesWith } from '../catalogue.js';
import { classInfo, classList, periodFor } from '../register/classes.js';
import { ATTENDANCE_SHORT, ddmm, ddmmyyyy, markText, todayIso } from '../format.js';
import { RegisterGrid, DRAFT_CODES } from '../register/grid.js';
import { CellEditor, valueFromDraft } from '../register/cell_editor.js';
import { LessonEditor } from '../register/lesson_editor.js';
import { renderPrint, renderTopics } from '../register/pages.js';
import { ownAssignments, scheduleDialog } from '../register/lesson_scheduler.js';
import { timetableDialog } from './school_timetable.js';

const WORK_TYPE_KEY = 'zhurnal.workType';
const FRESH_MS = 4000;

const main = document.getElementById('main');
const params = new URLSearchParams(location.search);
const { client, me } = await startPage('register');

const state = {
  sel: null,          // {classId, subjectId, periodId}
  view: null,
  sub: null,
  info: null,         // classInfo of the selected class
  classes: [],        // classList: the classes the picker offers
  workTypeId: localStorage.getItem(WORK_TYPE_KEY) || '',
};

// ---- layout ----

const classSelect = h('select', { class: 'input', id: 'pick-class', onchange: () => pickClass(classSelect.value) });
const subjectSelect = h('select', { class: 'input', id: 'pick-subject', onchange: () => pick({ subjectId: subjectSelect.value }) });
const periodSelect = h('select', { class: 'input', id: 'pick-period', onchange: () => pick({ periodId: periodSelect.value }) });
const workTypeSelect = h('select', {
  class: 'input', id: 'pick-worktype',
  onchange: () => setWorkType(workTypeSelect.value),
});
// A teacher adds a lesson of her own (her assignment of the class and subject).
const addLesson = h('button', {
  type: 'button', class: 'btn', hidden: true,
  onclick: async () => scheduleDialog(client, {
    me, sel: state.sel, school: await loadSchool(client),
    className: state.view?.className || state.info?.className || '',
    subjectName: state.view?.subjectName || '',
    inPeriod: (date) => !state.view?.period?.start || (state.view.period.start <= date && date <= state.view.period.end),
  }),
}, 'Добавить урок…');
// ...and sees the class's timetable, where she repeats or cancels her own.
const timetable = h('button', {
  type: 'button', class: 'btn', hidden: true,
  onclick: async () => timetableDialog({
    client, school: await loadSchool(client), rights: { own: true },
    cls: { classId: state.sel.classId, name: state.view?.className || state.info?.className || '' },
    send: (c) => client.command(c),
  }),
}, 'Расписание класса…');
const title = h('h1', { id: 'register-title' }, 'Журнал класса');
const subtitle = h('p', { class: 'subtitle' });
const messageBox = h('div', { class: 'register-message' });
const gridBox = h('div', { class: 'grid-box' });
const topicsBox = h('section', { class: 'card topics', 'aria-labelledby': 'topics-title' });
const printBox = h('section', { class: 'print-only print-register', 'aria-hidden': 'true' });

const controls = h('div', { class: 'no-print', hidden: true },
  h('form', { class: 'toolbar', onsubmit: (e) => e.preventDefault(), 'aria-label': 'Выбор журнала' },
    h('label', { for: 'pick-class' }, 'Класс'), classSelect,
    h('label', { for: 'pick-subject' }, 'Предмет'), subjectSelect,
    h('label', { for: 'pick-period' }, 'Период'), periodSelect,
    h('span', { class: 'toolbar-gap' }),
    h('label', { for: 'pick-worktype' }, 'Вид работы'), workTypeSelect,
    addLesson, timetable,
    h('button', { type: 'button', class: 'btn', onclick: () => window.print() }, 'Печать')),
  h('p', { class: 'hint' },
    'Щёлкните клетку и наберите отметку (1–5) или код посещаемости (Н, Б, У, ОП), Enter — сохранить и перейти к следующему ученику. ',
    'Стрелки — перемещение, пробел — подробнее, Delete — отменить отметку. Щелчок по дате — тема урока и домашнее задание.'),
  h('div', { class: 'legend', 'aria-label': 'Обозначения' },
    h('span', {}, h('span', { class: 'mark m5 late' }, '5'), ' внесено с опозданием'),
    h('span', {}, h('span', { class: 'mark m4 corrected' }, '4'), ' исправлено'),
    h('span', {}, h('span', { class: 'mark m5' }, '5', h('sub', {}, '3')), ' вес работы'),
    h('span', {}, h('span', { class: 'legend-head no-topic' }, '07'), ' тема урока не записана'),
    h('span', {}, h('span', { class: 'pending' }, '5'), ' сохраняется')));
topicsBox.hidden = true;

clear(main).append(
  h('div', { class: 'page-head' }, h('div', {}, title, subtitle)),
  controls,
  messageBox,
  gridBox,
  printBox,
  topicsBox);

// ---- work types ----

function seenWorkTypes(view) {
  const seen = new Map();
  for (const s of view?.students || []) for (const c of s.cells || []) for (const m of c.marks || []) {
    if (m.workTypeId) seen.set(m.workTypeId, m.weight);
  }
  return seen;
}

function workTypes() {
  return workTypesWith(seenWorkTypes(state.view));
}

function setWorkType(id) {
  state.workTypeId = id;
  localStorage.setItem(WORK_TYPE_KEY, id);
  workTypeSelect.value = id;
}

function renderWorkTypes() {
  const list = workTypes();
  if (list.length && !list.some((w) => w.workTypeId === state.workTypeId)) state.workTypeId = list[0].workTypeId;
  clear(workTypeSelect).append(...list.map((w) => h('option', { value: w.workTypeId, selected: w.workTypeId === state.workTypeId },
    `${w.name}${w.weight > 1 ? ` (вес ${w.weight})` : ''}`)));
}

// ---- grid and editors ----

const grid = new RegisterGrid(gridBox, {
  onCommit: commitDraft,
  onOpenCell: (td, student, lesson, { keyboard }) => editor.open(td, cellContext(student, lesson), { keyboard }),
  onDelete: (td, student, lesson) => {
    const ctx = cellContext(student, lesson);
    const active = (ctx.cell.marks || []).filter((m) => !m.cancelled);
    if (active.length) editor.open(td, ctx, { mode: { cancel: active.at(-1) } });
  },
  onOpenLesson: (lesson) => lessonEditor.open(lesson, state.view),
  onDraft: () => editor.close(false),
});

function cellContext(student, lesson) {
  const index = state.view.lessons.findIndex((l) => l.lessonId === lesson.lessonId);
  const fresh = state.view.students.find((s) => s.studentId === student.studentId) || student;
  return { student: fresh, lesson, cell: fresh.cells?.[index] || {}, grade: state.view.grade };
}

const editor = new CellEditor({
  workTypes,
  workTypeId: () => state.workTypeId,
  setWorkType,
  post: (value, workTypeId, comment) => {
    const { student, lesson } = editor.ctx;
    editor.close(true);
    postMark(student, lesson, value, workTypeId, comment);
  },
  correct: (mark, value, reason) => {
    const { student, lesson } = editor.ctx;
    editor.close(true);
    send(student, lesson, markText(value), { correctMark: { markId: mark.markId, value, reason } });
  },
  cancel: (mark, reason) => {
    const { student, lesson } = editor.ctx;
    editor.close(true);
    send(student, lesson, '×', { cancelMark: { markId: mark.markId, reason } });
  },
  record: (code) => {
    const { student, lesson } = editor.ctx;
    editor.close(true);
    send(student, lesson, ATTENDANCE_SHORT[code], { recordAttendance: { lessonId: lesson.lessonId, studentId: student.studentId, code } });
  },
  correctAttendance: (code, reason) => {
    const { student, lesson } = editor.ctx;
    editor.close(true);
    send(student, lesson, ATTENDANCE_SHORT[code] || '✓', {
      correctAttendance: { lessonId: lesson.lessonId, studentId: student.studentId, code, reason },
    });
  },
});

const lessonEditor = new LessonEditor(async (lesson, { topic, homework, due }) => {
  const topicChanged = topic && topic !== (lesson.topic || '');
  const homeworkChanged = homework && (homework !== (lesson.homework || '') || due !== lesson.homeworkDue);
  if (!topicChanged && !homeworkChanged) {
    if (!topic && !homework) throw new Error('Запишите тему урока или домашнее задание.');
    return;
  }
  // The first topic marks the lesson as held; later ones change it.
  if (topicChanged) {
    await client.command(lesson.held
      ? { changeTopic: { lessonId: lesson.lessonId, topic } }
      : { holdLesson: { lessonId: lesson.lessonId, topic } });
  }
  if (homeworkChanged) {
    await client.command({ assignHomework: { lessonId: lesson.lessonId, text: homework, dueDate: due } });
  }
  toast('Урок сохранён', { kind: 'success' });
});

// A typed draft: a new mark or absence, or — when the cell already has one —
// the correction form with the typed value, which asks for the reason.
function commitDraft(td, student, lesson, draft) {
  const ctx = cellContext(student, lesson);
  const value = valueFromDraft(draft);
  if (value) {
    const active = (ctx.cell.marks || []).filter((m) => !m.cancelled);
    if (active.length) {
      const last = active.at(-1);
      if (markText(last.value) === draft) return;
      grid.focusCell(student.studentId, lesson.lessonId);
      editor.open(grid.cellElement(student.studentId, lesson.lessonId), ctx, { mode: { correct: last, value } });
      return;
    }
    postMark(student, lesson, value, state.workTypeId, '');
    return;
  }
  const code = DRAFT_CODES[draft];
  const hasAttendance = (ctx.cell.attendance && ctx.cell.attendance !== 'present') || ctx.cell.attendanceCorrected;
  if (hasAttendance) {
    if (ctx.cell.attendance === code) return;
    grid.focusCell(student.studentId, lesson.lessonId);
    editor.open(grid.cellElement(student.studentId, lesson.lessonId), ctx, { mode: { attendance: ctx.cell.attendance } });
    return;
  }
  send(student, lesson, draft, { recordAttendance: { lessonId: lesson.lessonId, studentId: student.studentId, code } });
}

function postMark(student, lesson, value, workTypeId, comment) {
  send(student, lesson, markText(value), {
    postMark: { markId: newId('m'), lessonId: lesson.lessonId, studentId: student.studentId, value, workTypeId, comment },
  });
}

// Sends a command for a cell and shows it as pending until a view at or
// past the command's position arrives; a refusal shows the server's message.
function send(student, lesson, text, command) {
  const key = `${lesson.lessonId}|${student.studentId}`;
  const entry = { text, minPosition: null };
  grid.pending.set(key, [...(grid.pending.get(key) || []), entry]);
  rerender();
  const sel = state.sel;
  client.command(command).then((accepted) => {
    entry.minPosition = accepted.lastPosition;
    // The view may already show the change (its push overtook this answer):
    // then the cell stops saying "saving" now, not at the next push.
    if (state.view && !positionAfter(entry.minPosition, state.view.position)) {
      dropPending();
      rerender();
    }
    // The push normally arrives first; if it does not, ask.
    setTimeout(() => {
      if (state.sel === sel && entry.minPosition && grid.pending.get(key)?.includes(entry)) refresh();
    }, 2000);
  }, (err) => {
    removePending(key, entry);
    rerender();
    toast(`${student.fullName}, ${ddmm(lesson.date)}: ${err.message}`, { kind: 'error' });
  });
}

function removePending(key, entry) {
  const list = (grid.pending.get(key) || []).filter((e) => e !== entry);
  if (list.length) grid.pending.set(key, list);
  else grid.pending.delete(key);
}

function dropPending() {
  for (const [key, list] of grid.pending) {
    for (const e of list) {
      if (e.minPosition && !positionAfter(e.minPosition, state.view.position)) removePending(key, e);
    }
  }
}

async function refresh() {
  if (!state.sel) return;
  try {
    const result = await client.request({ register: state.sel });
    if (!state.view || positionAfter(result.register.position, state.view.position)) applyView(result.register);
  } catch {
    // The subscription will catch up after a reconnect.
  }
}

function rerender() {
  if (!state.view) return;
  grid.render(state.view);
  if (editor.isOpen && editor.ctx) {
    editor.reattach(grid.cellElement(editor.ctx.student.studentId, editor.ctx.lesson.lessonId));
  }
}

// ---- views ----

function markKeys(view) {
  const keys = new Map();
  for (const s of view.students || []) {
    for (const c of s.cells || []) {
      for (const m of c.marks || []) keys.set(m.markId, m.position);
      keys.set(`${c.lessonId}|${s.studentId}`, `${c.attendance}|${c.attendanceCorrected}`);
    }
  }
  return keys;
}

function applyView(view) {
  const before = state.view && state.view.classId === view.classId && state.view.subjectId === view.subjectId
    ? markKeys(state.view) : null;
  state.view = view;
  if (before) {
    for (const [key, value] of markKeys(view)) {
      if (before.has(key) && before.get(key) === value) continue;
      if (!before.has(key) && key.includes('|') && value === 'present|false') continue;
      grid.fresh.add(key);
      setTimeout(() => grid.fresh.delete(key), FRESH_MS);
    }
  }
  dropPending();
  renderHeader(view);
  renderWorkTypes();
  rerender();
  renderTopics(topicsBox, view, (lesson) => lessonEditor.open(lesson, state.view));
  renderPrint(printBox, view, (view.lessons || []).some((l) => l.teacherId === me.userId) ? me.fullName : '');
}

function renderHeader(view) {
  const p = view.period || {};
  title.textContent = `Журнал: ${view.className}, ${view.subjectName}`;
  subtitle.textContent = `${p.name || ''} (${ddmmyyyy(p.start)} – ${ddmmyyyy(p.end)})`;
  document.title = `${view.className}, ${view.subjectName} — Журнал класса`;
}

// ---- selection ----

function setUrl() {
  history.replaceState(null, '', '?' + new URLSearchParams({
    class: state.sel.classId, subject: state.sel.subjectId, period: state.sel.periodId,
  }));
}

async function open(sel) {
  if (state.sub) state.sub.close();
  state.sub = null;
  editor.close(false);
  if (state.view && (state.view.classId !== sel.classId || state.view.subjectId !== sel.subjectId)) {
    grid.pending.clear();
  }
  state.sel = sel;
  controls.hidden = false;
  topicsBox.hidden = false;
  setUrl();
  renderPickers();
  clear(messageBox);
  gridBox.setAttribute('aria-busy', 'true');
  try {
    const sub = await client.subscribe({ register: sel }, (push) => {
      if (state.sel !== sel || !push.register) return;
      gridBox.removeAttribute('aria-busy');
      applyView(push.register);
    });
    if (state.sel !== sel) sub.close();  // another register was chosen meanwhile
    else state.sub = sub;
  } catch (e) {
    if (state.sel !== sel) return;
    gridBox.removeAttribute('aria-busy');
    state.view = null;
    clear(gridBox);
    topicsBox.hidden = true;
    showError(messageBox, e.code === 'forbidden' ? 'Нет доступа к этому журналу' : 'Не удалось открыть журнал', e);
  }
}

function pick(change) {
  open({ ...state.sel, ...change });
}

async function pickClass(classId) {
  try {
    state.info = await classInfo(client, me, classId);
  } catch (e) {
    showError(messageBox, 'Не удалось открыть журнал класса', e);
    return;
  }
  const subject = state.info.subjects.find((s) => s.subjectId === state.sel?.subjectId && s.mine) ||
    state.info.subjects.find((s) => s.mine) || state.info.subjects[0];
  if (!subject) {
    showError(messageBox, 'Журнал класса не найден', { message: `В классе ${state.info.className} нет уроков ни по одному предмету.` });
    return;
  }
  const period = state.info.periods.some((p) => p.periodId === state.sel?.periodId)
    ? state.sel.periodId : await defaultPeriod(classId, subject.subjectId);
  open({ classId, subjectId: subject.subjectId, periodId: period });
}

// The period containing today; when it has no lessons yet (the demo's
// lessons lie in the past), the latest earlier one that has.
async function defaultPeriod(classId, subjectId) {
  const periods = state.info?.periods || [];
  const current = periodFor(periods, todayIso());
  if (!current) return '';
  const candidates = periods.filter((p) => p.start <= current.start).reverse();
  for (const p of candidates) {
    try {
      const r = await client.request({ register: { classId, subjectId, periodId: p.periodId } });
      if (r.register.lessons?.length) return p.periodId;
    } catch {
      break;
    }
  }
  return current.periodId;
}

function renderPickers() {
  const sel = state.sel;
  addLesson.hidden = !ownAssignments(me, sel).length;
  timetable.hidden = !(me.assignments || []).some((a) => a.classId === sel?.classId);
  const classes = state.classes.some((c) => c.classId === sel?.classId) ? state.classes
    : [{ classId: sel?.classId, name: state.view?.className || sel?.classId }, ...state.classes];
  clear(classSelect).append(...classes.map((c) =>
    h('option', { value: c.classId, selected: c.classId === sel?.classId }, c.name)));
  const info = state.info?.classId === sel?.classId ? state.info : null;
  const subjects = info?.subjects || [];
  const mine = subjects.filter((s) => s.mine), others = subjects.filter((s) => !s.mine);
  const option = (s) => h('option', { value: s.subjectId, selected: s.subjectId === sel?.subjectId }, s.name);
  clear(subjectSelect);
  if (!subjects.some((s) => s.subjectId === sel?.subjectId)) {
    subjectSelect.append(h('option', { value: sel?.subjectId, selected: true }, state.view?.subjectName || sel?.subjectId));
  }
  if (mine.length) subjectSelect.append(h('optgroup', { label: 'Мои предметы' }, mine.map(option)));
  if (others.length) subjectSelect.append(h('optgroup', { label: 'Другие предметы класса' }, others.map(option)));
  const periods = info?.periods || [];
  clear(periodSelect).append(
    ...periods.map((p) => h('option', { value: p.periodId, selected: p.periodId === sel?.periodId }, p.name)),
    h('option', { value: '', selected: sel?.periodId === '' }, 'Весь учебный год'));
  if (sel?.periodId && !periods.some((p) => p.periodId === sel.periodId)) {
    periodSelect.prepend(h('option', { value: sel.periodId, selected: true }, state.view?.period?.name || sel.periodId));
  }
}

async function start() {
  // The administration reads every class of the school; a teacher the
  // classes she teaches or leads.
  const administration = hasRole(me, 'director', 'deputyDirector', 'administrator', 'secretary');
  try {
    await loadSchool(client);
    // The school's books stay current while the register is open: a work
    // type added, renamed or retired is offered (or no longer) at once, and
    // the marks' notes show its new name. (An auditor has no school of her
    // own: she reads with the names loaded.)
    client.subscribe({ school: '' }, (push) => {
      rememberSchool(push.school);
      renderWorkTypes();
      rerender();
    }).catch(() => {});
    state.classes = await classList(client, me, { everything: administration });
  } catch (e) {
    showError(messageBox, 'Не удалось загрузить список классов', e);
    return;
  }
  if (!state.classes.length && !params.get('class')) {
    messageBox.append(h('div', { class: 'card info-box' },
      h('h2', {}, 'Журналы классов'),
      h('p', {}, 'За вами пока не закреплено ни одного класса. Классы и предметы назначает заместитель директора.')));
    return;
  }
  renderWorkTypes();
  const fromUrl = params.get('class') && params.get('subject') && params.has('period');
  if (fromUrl) {
    await open({ classId: params.get('class'), subjectId: params.get('subject'), periodId: params.get('period') });
    if (state.classes.some((c) => c.classId === state.sel.classId)) {
      try {
        state.info = await classInfo(client, me, state.sel.classId);
        renderPickers();
      } catch {
        // The pickers keep what the URL named.
      }
    }
  } else {
    const own = state.classes.find((c) => c.mine) || state.classes[0];
    await pickClass(params.get('class') || own.classId);
  }
}

start();
