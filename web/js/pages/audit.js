// The auditor's page: the history of a student, a class or a teacher as a
// timeline (who, when, what, why, the value before and after), filtered by
// kind of event and dates; a class register exactly as it stood at a chosen
// school-local instant (`asOf`), corrected and cancelled marks marked; and the
// integrity check of the whole log (`verifyLog`). Read only: nothing here
// changes the journal.
import { startPage, hasRole } from '../session.js';
import { h, clear, showError } from '../dom.js';
import { ATTENDANCE_LONG, ATTENDANCE_SHORT, addDays, ddmm, markClass, markLongText, markText, plural, todayIso } from '../format.js';
import { loadSchool } from '../catalogue.js';
import { periodFor } from '../register/classes.js';
import { EVENT_TYPES, payloadBody } from '../log_text.js';
import { KIND_GROUPS, isCorrection, matchesKind } from '../audit_kinds.js';

const SERVER_PAGE = 200;     // history entries per request when reading oldest first
const NEWEST_PAGE = 1000;    // per request when reading everything for newest first
const NEWEST_CAP = 10000;    // entries read for newest first; beyond that, narrow the dates
const SHOWN_STEP = 100;      // rows added by "Показать ещё"
const REFERENCE_PAGE = 2000; // log events per request while looking for schools and teachers
const REFERENCE_PAGES = 6;

const main = document.getElementById('main');
const { client, me } = await startPage('audit');
const params = new URLSearchParams(location.search);

if (!hasRole(me, 'auditor')) {
  clear(main).append(h('div', { class: 'error-box', role: 'alert' },
    h('strong', {}, 'Нет доступа'),
    h('p', {}, 'История изменений и проверка журнала доступны только проверяющим.')));
  await new Promise(() => {});  // nothing more for this user
}

const state = {
  schools: new Map(),        // schoolId -> name
  teachers: new Map(),       // schoolId -> Map(userId -> fullName)
  school: null,              // the school's reference books (`school` request)
  students: [],              // of the chosen class (`classRoster`)
  entries: [],               // the loaded history, oldest first
  next: '0',                 // the server's nextPosition ('0': everything loaded)
  zone: '',                  // the subject's school's time zone
  shown: SHOWN_STEP,
  loading: false,
  query: null,               // the history query the entries belong to
  generation: 0,             // drops answers to superseded queries
};

// ---- controls ----

const schoolSelect = h('select', { class: 'input', id: 'a-school', onchange: () => chooseSchool(schoolSelect.value) });
const kindSelect = h('select', { class: 'input', id: 'a-kind', onchange: onSubjectKind },
  h('option', { value: 'student' }, 'Ученик'),
  h('option', { value: 'class' }, 'Класс'),
  h('option', { value: 'teacher' }, 'Учитель'));
const classSelect = h('select', { class: 'input', id: 'a-class', onchange: onClass });
const studentSelect = h('select', { class: 'input', id: 'a-student', onchange: loadHistory });
const teacherSelect = h('select', { class: 'input', id: 'a-teacher', onchange: loadHistory });
const studentLabel = h('label', { for: 'a-student' }, 'Ученик', studentSelect);
const classLabel = h('label', { for: 'a-class' }, 'Класс', classSelect);
const teacherLabel = h('label', { for: 'a-teacher' }, 'Учитель', teacherSelect);

const filterSelect = h('select', { class: 'input', id: 'a-filter', onchange: renderTimeline },
  h('option', { value: '' }, 'все события'),
  h('optgroup', { label: 'Группы' },
    Object.entries(KIND_GROUPS).map(([id, g]) => h('option', { value: 'g:' + id }, g.name))),
  h('optgroup', { label: 'Тип события' },
    Object.entries(EVENT_TYPES).sort((a, b) => a[1].localeCompare(b[1], 'ru'))
      .map(([type, name]) => h('option', { value: 't:' + type }, name))));
const fromInput = h('input', { class: 'input', id: 'a-from', type: 'date', onchange: loadHistory });
const toInput = h('input', { class: 'input', id: 'a-to', type: 'date', onchange: loadHistory });
const orderSelect = h('select', { class: 'input', id: 'a-order', onchange: loadHistory },
  h('option', { value: 'newest' }, 'сначала новые'),
  h('option', { value: 'oldest' }, 'сначала старые'));

const historyStatus = h('p', { class: 'audit-status', id: 'history-status', 'aria-live': 'polite' });
const historyError = h('div');
const timelineBox = h('div', { class: 'audit-timeline', id: 'timeline' });
const moreButton = h('button', { type: 'button', class: 'btn', id: 'history-more', hidden: true, onclick: showMore }, 'Показать ещё');

const asOfDate = h('input', { class: 'input', id: 'asof-date', type: 'date', required: true });
const asOfTime = h('input', { class: 'input', id: 'asof-time', type: 'time', step: 1, required: true, value: '23:59:59' });
const asOfClass = h('select', { class: 'input', id: 'asof-class', required: true });
const asOfSubject = h('select', { class: 'input', id: 'asof-subject', required: true });
const asOfPeriod = h('select', { class: 'input', id: 'asof-period', required: true });
const asOfStatus = h('p', { class: 'audit-status', id: 'asof-status', 'aria-live': 'polite' });
const asOfBox = h('div', { id: 'asof-register' });

const verifyButton = h('button', { type: 'button', class: 'btn', id: 'verify', onclick: verifyLog }, 'Проверить целостность журнала');
const verifyResult = h('div', { id: 'verify-result', 'aria-live': 'polite' });

clear(main).append(
  h('div', { class: 'page-head' },
    h('div', {},
      h('h1', {}, 'История изменений'),
      h('p', { class: 'subtitle' },
        'Всё, что происходило с учеником, классом или учителем: кто, когда, что и почему изменил. Записи журнала не удаляются и не изменяются.')),
    h('div', { class: 'audit-verify' }, verifyButton, verifyResult)),
  h('form', { class: 'log-toolbar', role: 'search', 'aria-label': 'Кого смотреть', onsubmit: (e) => e.preventDefault() },
    h('label', { for: 'a-school' }, 'Школа', schoolSelect),
    h('label', { for: 'a-kind' }, 'История', kindSelect),
    classLabel, studentLabel, teacherLabel),
  h('form', { class: 'log-toolbar', role: 'search', 'aria-label': 'Фильтры', onsubmit: (e) => e.preventDefault() },
    h('label', { for: 'a-filter' }, 'Что', filterSelect),
    h('label', { for: 'a-from' }, 'С даты', fromInput),
    h('label', { for: 'a-to' }, 'По дату', toInput),
    h('label', { for: 'a-order' }, 'Порядок', orderSelect)),
  historyError,
  historyStatus,
  timelineBox,
  h('div', { class: 'log-more' }, moreButton),
  h('section', { class: 'card audit-asof', 'aria-labelledby': 'asof-title' },
    h('h2', { id: 'asof-title' }, 'Журнал на момент'),
    h('p', { class: 'subtitle' }, 'Страница журнала класса в том виде, в каком она была в выбранный момент (время школы).'),
    h('form', { class: 'log-toolbar', id: 'asof-form', onsubmit: (e) => { e.preventDefault(); loadAsOf(); } },
      h('label', { for: 'asof-date' }, 'Дата', asOfDate),
      h('label', { for: 'asof-time' }, 'Время', asOfTime),
      h('label', { for: 'asof-class' }, 'Класс', asOfClass),
      h('label', { for: 'asof-subject' }, 'Предмет', asOfSubject),
      h('label', { for: 'asof-period' }, 'Период', asOfPeriod),
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'asof-show' }, 'Показать')),
    asOfStatus,
    asOfBox));

asOfDate.addEventListener('change', () => {
  const p = state.school && periodFor(state.school.periods || [], asOfDate.value);
  if (p) asOfPeriod.value = p.periodId;
});

// ---- reference: schools and teachers ----

// Schools and their teachers from the start of the log, where the schools'
// setup is (the protocol has no list of schools).
async function loadReference() {
  let from = 1n;
  for (let i = 0; i < REFERENCE_PAGES; i++) {
    const events = (await client.request({ log: { fromPosition: String(from), limit: REFERENCE_PAGE } })).log || [];
    for (const e of events) {
      const p = payloadBody(e);
      if (e.eventType === 'SchoolRegistered') state.schools.set(p.schoolId, p.name);
      if (e.eventType === 'UserRegistered' && (p.roles || []).includes('teacher')) {
        if (!state.teachers.has(p.schoolId)) state.teachers.set(p.schoolId, new Map());
        state.teachers.get(p.schoolId).set(p.userId, p.fullName);
      }
    }
    if (events.length < REFERENCE_PAGE) break;
    from = BigInt(events.at(-1).position) + 1n;
  }
  if (me.schoolId && !state.schools.has(me.schoolId)) state.schools.set(me.schoolId, me.schoolId);
}

function options(select, items, chosen, empty) {
  clear(select).append(...(empty ? [h('option', { value: '' }, empty)] : []),
    ...items.map(([value, text]) => h('option', { value }, text)));
  if (chosen && items.some(([v]) => v === chosen)) select.value = chosen;
}

async function chooseSchool(schoolId, wanted = {}) {
  historyError.replaceChildren();
  try {
    state.school = await loadSchool(client, schoolId);
  } catch (e) {
    showError(historyError, 'Не удалось загрузить справочники школы', e);
    return;
  }
  const classes = [...(state.school.classes || [])].sort((a, b) => a.grade - b.grade || a.name.localeCompare(b.name, 'ru'))
    .map((c) => [c.classId, c.name]);
  options(classSelect, classes, wanted.class);
  options(asOfClass, classes, wanted.class);
  const teachers = [...(state.teachers.get(schoolId) || new Map())].sort((a, b) => a[1].localeCompare(b[1], 'ru'));
  options(teacherSelect, teachers, wanted.teacher);
  options(asOfSubject, (state.school.subjects || []).map((s) => [s.id, s.name]).sort((a, b) => a[1].localeCompare(b[1], 'ru')));
  options(asOfPeriod, (state.school.periods || []).map((p) => [p.periodId, p.name]));
  const today = todayIso();
  const first = (state.school.periods || [])[0];
  asOfDate.value = first && today < first.start ? first.start : today;
  const p = periodFor(state.school.periods || [], asOfDate.value);
  if (p) asOfPeriod.value = p.periodId;
  await onClass(wanted.student);
}

function onSubjectKind() {
  const kind = kindSelect.value;
  classLabel.hidden = kind === 'teacher';
  studentLabel.hidden = kind !== 'student';
  teacherLabel.hidden = kind !== 'teacher';
  loadHistory();
}

async function onClass(wantedStudent) {
  const classId = classSelect.value;
  if (classId) asOfClass.value = classId;
  state.students = [];
  clear(studentSelect);
  if (classId) {
    try {
      const roster = (await client.request({ classRoster: classId })).classRoster;
      state.students = (roster.students || []).map((s) => [s.person.userId, s.person.fullName + (s.left ? ' (выбыл)' : '')]);
    } catch (e) {
      showError(historyError, 'Не удалось загрузить список класса', e);
    }
  }
  options(studentSelect, state.students, typeof wantedStudent === 'string' ? wantedStudent : '');
  onSubjectKind();
}

// ---- history ----

function historySubject() {
  switch (kindSelect.value) {
    case 'student': return studentSelect.value ? { studentId: studentSelect.value } : null;
    case 'class': return classSelect.value ? { classId: classSelect.value } : null;
    case 'teacher': return teacherSelect.value ? { teacherId: teacherSelect.value } : null;
    default: return null;
  }
}

function remember() {
  const q = new URLSearchParams();
  if (schoolSelect.value) q.set('school', schoolSelect.value);
  q.set('kind', kindSelect.value);
  if (classSelect.value) q.set('class', classSelect.value);
  if (kindSelect.value === 'student' && studentSelect.value) q.set('student', studentSelect.value);
  if (kindSelect.value === 'teacher' && teacherSelect.value) q.set('teacher', teacherSelect.value);
  if (fromInput.value) q.set('from', fromInput.value);
  if (toInput.value) q.set('to', toInput.value);
  history.replaceState(null, '', '?' + q);
}

async function loadHistory() {
  const subject = historySubject();
  const generation = ++state.generation;
  state.entries = [];
  state.next = '0';
  state.shown = SHOWN_STEP;
  historyError.replaceChildren();
  remember();
  if (!subject) {
    state.query = null;
    renderTimeline();
    return;
  }
  if (fromInput.value && toInput.value && toInput.value < fromInput.value) {
    showError(historyError, 'Неверный период', new Error('Дата «по» раньше даты «с».'));
    state.query = null;
    renderTimeline();
    return;
  }
  const query = { subject };
  if (fromInput.value) query.from = fromInput.value;
  if (toInput.value) query.to = addDays(toInput.value, 1);  // "по" includes that day
  state.query = query;
  state.loading = true;
  renderTimeline();
  try {
    if (orderSelect.value === 'newest') {
      // Newest first needs the end of the history: read it all (bounded).
      let after = '0';
      do {
        const r = (await client.request({ history: { ...query, limit: NEWEST_PAGE, afterPosition: after } })).history;
        if (generation !== state.generation) return;
        state.entries.push(...(r.entries || []));
        state.zone = r.timeZone;
        state.next = r.nextPosition;
        after = r.nextPosition;
        historyStatus.textContent = `Загружено ${state.entries.length}…`;
      } while (after !== '0' && state.entries.length < NEWEST_CAP);
    } else {
      await fetchPage(generation);
    }
  } catch (e) {
    if (generation === state.generation) showError(historyError, 'Не удалось загрузить историю', e);
  } finally {
    if (generation === state.generation) {
      state.loading = false;
      renderTimeline();
    }
  }
}

async function fetchPage(generation) {
  const r = (await client.request({ history: { ...state.query, limit: SERVER_PAGE, afterPosition: state.next } })).history;
  if (generation !== state.generation) return;
  state.entries.push(...(r.entries || []));
  state.zone = r.timeZone;
  state.next = r.nextPosition;
}

async function showMore() {
  state.shown += SHOWN_STEP;
  const wanted = visibleEntries();
  if (orderSelect.value === 'oldest' && state.next !== '0' && wanted.length < state.shown) {
    const generation = state.generation;
    state.loading = true;
    renderTimeline();
    try {
      // Read on until enough entries pass the filter, or the history ends.
      while (state.next !== '0' && visibleEntries().length < state.shown && generation === state.generation) {
        await fetchPage(generation);
      }
    } catch (e) {
      showError(historyError, 'Не удалось загрузить историю', e);
    } finally {
      if (generation === state.generation) state.loading = false;
    }
  }
  renderTimeline();
}

function visibleEntries() {
  const filter = filterSelect.value;
  const list = state.entries.filter((e) => matchesKind(e.eventType, filter));
  return orderSelect.value === 'newest' ? list.reverse() : list;
}

function subjectName() {
  const select = { student: studentSelect, class: classSelect, teacher: teacherSelect }[kindSelect.value];
  return select?.selectedOptions[0]?.textContent || '';
}

function renderTimeline() {
  clear(timelineBox);
  timelineBox.dataset.state = state.loading ? 'loading' : 'ready';
  if (!state.query) {
    historyStatus.textContent = 'Выберите ученика, класс или учителя.';
    moreButton.hidden = true;
    return;
  }
  const list = visibleEntries();
  const rows = list.slice(0, state.shown);
  const more = list.length > rows.length || (orderSelect.value === 'oldest' && state.next !== '0');
  const capped = orderSelect.value === 'newest' && state.next !== '0';
  historyStatus.textContent = state.loading && !state.entries.length ? 'Загрузка истории…'
    : `${subjectName()}: ${list.length} ${plural(list.length, 'запись', 'записи', 'записей')}` +
      (orderSelect.value === 'oldest' && state.next !== '0' ? ' (загружены не все — «Показать ещё»)' : '') +
      (capped ? ` — показаны последние ${NEWEST_CAP} событий; сузьте период, чтобы увидеть более ранние` : '');
  moreButton.hidden = !more;
  moreButton.disabled = state.loading;
  if (!rows.length) {
    if (!state.loading) timelineBox.append(h('p', { class: 'empty card' }, 'Событий нет.'));
    return;
  }
  const zone = state.zone;
  timelineBox.append(h('div', { class: 'card table-wrap' }, h('table', { class: 'table audit-table' },
    h('caption', { class: 'visually-hidden' }, `История: ${subjectName()}`),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Когда', zone ? h('small', {}, ` (${zone})`) : null),
      h('th', { scope: 'col' }, 'Кто'),
      h('th', { scope: 'col' }, 'Что'),
      h('th', { scope: 'col' }, 'Было → стало'),
      h('th', { scope: 'col' }, 'Причина'))),
    h('tbody', {}, rows.map(entryRow)))));
}

function entryRow(e) {
  const change = e.previous || e.value
    ? h('span', { class: 'audit-change' },
      e.previous ? h('span', { class: 'audit-prev' }, e.previous) : null,
      e.previous ? ' → ' : null,
      h('span', { class: 'audit-new' }, e.value || '—'))
    : '';
  return h('tr', {
    class: isCorrection(e.eventType) ? 'audit-row audit-fix' : 'audit-row',
    dataset: { position: e.position, type: e.eventType },
  },
  h('td', { class: 'audit-when' }, e.recordedAt),
  h('td', { class: 'audit-who' }, e.actorName || e.actor || '—'),
  h('td', { class: 'audit-what' }, h('strong', {}, EVENT_TYPES[e.eventType] || e.eventType), h('br'), e.summary),
  h('td', {}, change),
  h('td', { class: 'audit-reason' }, e.reason || ''));
}

// ---- the register as of an instant ----

async function loadAsOf() {
  const at = `${asOfDate.value} ${asOfTime.value.length === 5 ? asOfTime.value + ':00' : asOfTime.value}`;
  const register = { classId: asOfClass.value, subjectId: asOfSubject.value, periodId: asOfPeriod.value };
  if (!asOfDate.value || !asOfTime.value || !register.classId || !register.subjectId || !register.periodId) {
    asOfStatus.textContent = 'Укажите дату, время, класс, предмет и период.';
    return;
  }
  asOfStatus.textContent = 'Восстанавливаем журнал на этот момент…';
  clear(asOfBox);
  try {
    const r = (await client.request({ asOf: { at, view: { register } } })).asOf;
    asOfStatus.textContent = `По состоянию на ${r.at} (${r.timeZone}); учтено событий журнала: ${r.position}.`;
    renderRegister(r.view.register);
  } catch (e) {
    asOfStatus.textContent = '';
    showError(asOfBox, e.code === 'busy' ? 'Сервер занят, повторите через несколько секунд' : 'Не удалось восстановить журнал', e);
  }
}

function renderRegister(view) {
  clear(asOfBox);
  if (!view.students?.length || !view.lessons?.length) {
    asOfBox.append(h('p', { class: 'empty' }, !view.lessons?.length ? 'В этом периоде уроков по предмету не было.' : 'В классе не было учеников.'));
    return;
  }
  const head = h('tr', {}, h('th', { scope: 'col', class: 'col-name' }, 'Ученик'),
    view.lessons.map((l) => h('th', { scope: 'col', class: l.cancelled ? 'lesson-cancelled' : null, title: l.cancelled ? 'урок отменён' : `${l.number}-й урок` },
      ddmm(l.date), h('br'), h('small', {}, `${l.number} ур.`))),
    h('th', { scope: 'col' }, 'Ср.'));
  const body = view.students.map((s) => h('tr', {},
    h('th', { scope: 'row', class: 'col-name' }, s.fullName, s.left ? h('small', {}, ' (выбыл)') : null),
    (s.cells || []).map((c, i) => h('td', {
      class: 'asof-cell', dataset: { student: s.studentId, lesson: view.lessons[i]?.lessonId || c.lessonId },
    },
    (c.marks || []).map((m) => h('span', {
      class: ['mark', markClass(m.value), m.corrected ? 'corrected' : '', m.cancelled ? 'cancelled' : ''].filter(Boolean).join(' '),
      dataset: { mark: m.markId, corrected: m.corrected ? '1' : '', cancelled: m.cancelled ? '1' : '' },
      title: `${markLongText(m.value)}${m.corrected ? ' — исправлена' : ''}${m.cancelled ? ' — отменена' : ''}`,
    }, markText(m.value), m.corrected ? h('sup', { class: 'audit-marker' }, 'испр') : null)),
    c.attendance && c.attendance !== 'present'
      ? h('span', { class: 'att', title: (ATTENDANCE_LONG[c.attendance] || c.attendance) + (c.attendanceCorrected ? ' — исправлено' : '') },
        ATTENDANCE_SHORT[c.attendance] || c.attendance, c.attendanceCorrected ? h('sup', { class: 'audit-marker' }, 'испр') : null)
      : null)),
    h('td', { class: 'avg' }, s.averages?.count ? (s.averages.weightedHundredths / 100).toFixed(2).replace('.', ',') : '')));
  asOfBox.append(
    h('p', { class: 'audit-legend' }, `${view.className}, ${view.subjectName}, ${view.period?.name || ''}. `,
      'Пометка «испр» — отметка исправлена до этого момента; зачёркнутая — отменена.'),
    h('div', { class: 'table-wrap' }, h('table', { class: 'table audit-register' }, h('thead', {}, head), h('tbody', {}, body))));
}

// ---- integrity ----

async function verifyLog() {
  verifyButton.disabled = true;
  clear(verifyResult).append(h('span', { class: 'audit-status' }, 'Проверяем всю цепочку событий…'));
  try {
    const r = (await client.request({ verifyLog: null })).verifyLog;
    const checked = Number(r.eventsChecked);
    const count = `${checked.toLocaleString('ru-RU')} ${plural(checked, 'событие', 'события', 'событий')}`;
    clear(verifyResult).append(r.ok
      ? h('p', { class: 'audit-ok', role: 'status' }, `Журнал цел: проверено ${count}, цепочка хешей не нарушена (${r.elapsedMs} мс).`)
      : h('p', { class: 'audit-bad', role: 'alert' },
        `Нарушена целостность журнала: первая ошибка на позиции ${r.firstBadPosition} (проверено ${count}). ${r.problem}`));
  } catch (e) {
    showError(verifyResult, e.code === 'busy' ? 'Проверка уже идёт, повторите позже' : 'Проверка не удалась', e);
  } finally {
    verifyButton.disabled = false;
  }
}

// ---- start ----

try {
  await loadReference();
} catch (e) {
  showError(historyError, 'Не удалось загрузить список школ', e);
}
const schools = [...state.schools].sort((a, b) => a[1].localeCompare(b[1], 'ru'));
options(schoolSelect, schools, params.get('school') || me.schoolId);
if (params.get('kind')) kindSelect.value = params.get('kind');
if (params.get('from')) fromInput.value = params.get('from');
if (params.get('to')) toInput.value = params.get('to');
if (schoolSelect.value) {
  await chooseSchool(schoolSelect.value, {
    class: params.get('class'), student: params.get('student'), teacher: params.get('teacher'),
  });
} else {
  historyStatus.textContent = 'Школы не найдены.';
}
