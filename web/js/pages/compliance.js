// The deputy's and director's monthly check of the journal (docs/compliance.md):
// the school's figures, every class and teacher (fill rate of marks, homework,
// marks on time, corrections, entries), participation of teachers, parents
// and students, charts, the corrections list with a drill-down by class or
// teacher, late marks, the director's monthly sign-off, and the reports to
// download (XLSX, CSV). Live: a subscription to the month's compliance view.
//
// URL: compliance.html?month=YYYY-MM&tab=classes|teachers&class=ID|teacher=ID
import { startPage, hasRole } from '../session.js';
import { newId } from '../client.js';
import { h, clear, toast, showError } from '../dom.js';
import { dateTimeText, ddmm, ddmmyyyy, plural, todayIso } from '../format.js';
import { barChart } from '../bar_chart.js';
import { downloadReport } from '../download.js';

const LOW_SHARE = 8000;          // below 80 % is shown as a warning
const VIEW_FALLBACK_MS = 2000;   // ask for the view if no push came after a command

const main = document.getElementById('main');
const { client, me } = await startPage('compliance');
const params = new URLSearchParams(location.search);

const state = {
  school: null,       // SchoolView
  months: [],         // "YYYY-MM", newest first
  month: params.get('month') || '',
  view: null,         // ComplianceView
  sub: null,
  tab: params.get('tab') === 'teachers' ? 'teachers' : 'classes',
  metric: 'fillShare',
  filter: params.get('class') ? { kind: 'class', id: params.get('class') }
    : params.get('teacher') ? { kind: 'teacher', id: params.get('teacher') } : null,
  updatedAt: null,
};

// ---- formats ----

function shareText(hundredths) {
  return `${((hundredths || 0) / 100).toFixed(2).replace('.', ',')} %`;
}
function ratioText(hundredths) {
  return ((hundredths || 0) / 100).toFixed(2).replace('.', ',');
}
function hoursText(seconds) {
  if (!seconds) return '—';
  const h = Math.floor(seconds / 3600), m = Math.round((seconds % 3600) / 60);
  return h ? `${h} ч ${m} мин` : `${m} мин`;
}
const MONTHS = ['январь', 'февраль', 'март', 'апрель', 'май', 'июнь', 'июль', 'август', 'сентябрь', 'октябрь', 'ноябрь', 'декабрь'];
function monthTitle(month) {
  return `${MONTHS[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;
}
const KIND_NAMES = {
  markCorrected: 'исправление отметки',
  markCancelled: 'отмена отметки',
  attendanceCorrected: 'исправление посещаемости',
  lessonCancelled: 'отмена урока',
  lessonMoved: 'перенос урока',
};
const METRICS = {
  fillShare: 'Заполняемость отметок',
  homeworkShare: 'Уроки с домашним заданием',
  onTimeShare: 'Отметки, внесённые вовремя',
};

// ---- layout ----

const monthSelect = h('select', { class: 'input', id: 'month', onchange: () => selectMonth(monthSelect.value, true) });
const liveLine = h('span', { class: 'live-line', 'aria-live': 'polite' });
const errorBox = h('div');
const signOffBox = h('section', { class: 'card signoff', id: 'signoff', 'aria-labelledby': 'signoff-title' });
const summaryBox = h('section', { class: 'kpis', id: 'summary', 'aria-label': 'Показатели школы' });
const participationBox = h('section', { class: 'card', id: 'participation', 'aria-labelledby': 'participation-title' });
const chartBox = h('div', { class: 'chart-box', id: 'chart' });
const metricSelect = h('select', { class: 'input', id: 'metric', onchange: () => { state.metric = metricSelect.value; renderLines(); } },
  Object.entries(METRICS).map(([k, v]) => h('option', { value: k }, v)));
const tabButtons = {
  classes: h('button', { type: 'button', role: 'tab', id: 'tab-classes', onclick: () => setTab('classes') }, 'Классы'),
  teachers: h('button', { type: 'button', role: 'tab', id: 'tab-teachers', onclick: () => setTab('teachers') }, 'Учителя'),
};
const linesBox = h('div', { class: 'table-wrap', id: 'lines', role: 'tabpanel' });
const linesSection = h('section', { class: 'card', 'aria-labelledby': 'lines-title' },
  h('div', { class: 'section-head' },
    h('h2', { id: 'lines-title' }, 'По классам и учителям'),
    h('div', { class: 'tabs', role: 'tablist' }, tabButtons.classes, tabButtons.teachers),
    h('label', { for: 'metric', class: 'metric-label' }, 'На диаграмме: ', metricSelect)),
  chartBox,
  linesBox);
const correctionsBox = h('section', { class: 'card', id: 'corrections', 'aria-labelledby': 'corrections-title' });
const lateBox = h('details', { class: 'card late-marks', id: 'late-marks' });
const reportsBox = h('section', { class: 'card reports no-print', id: 'reports', 'aria-labelledby': 'reports-title' });

const sections = [signOffBox, summaryBox, participationBox, linesSection, correctionsBox, lateBox, reportsBox];
clear(main).append(
  h('div', { class: 'page-head' },
    h('div', {},
      h('h1', { id: 'compliance-title' }, 'Мониторинг журнала'),
      h('p', { class: 'subtitle', id: 'school-name' }, '')),
    h('div', { class: 'toolbar' },
      h('label', { for: 'month' }, 'Месяц '), monthSelect, liveLine,
      h('button', { type: 'button', class: 'btn no-print', onclick: () => window.print() }, 'Печать'))),
  errorBox,
  signOffBox,
  summaryBox,
  participationBox,
  linesSection,
  correctionsBox,
  lateBox,
  reportsBox);

// ---- loading ----

async function start() {
  try {
    const result = await client.request({ school: '' });
    state.school = result.school;
  } catch (e) {
    showError(errorBox, 'Не удалось загрузить справочники школы', e);
    return;
  }
  document.getElementById('school-name').textContent = state.school.name;
  state.months = schoolMonths(state.school);
  for (const m of state.months) monthSelect.append(h('option', { value: m }, monthTitle(m)));
  renderReports();
  let month = state.month;
  if (!month || !/^\d{4}-\d{2}$/.test(month)) month = await latestMonthWithLessons();
  await selectMonth(month, false);
}

// The months of the school year that contains today (or the latest year),
// up to the current month, newest first.
function schoolMonths(school) {
  const today = todayIso();
  const years = new Map();
  for (const p of school.periods || []) {
    const y = years.get(p.yearId) || { start: p.start, end: p.end };
    if (p.start < y.start) y.start = p.start;
    if (p.end > y.end) y.end = p.end;
    years.set(p.yearId, y);
  }
  const list = [...years.values()].sort((a, b) => (a.start < b.start ? -1 : 1));
  const year = list.find((y) => y.start <= today && today <= y.end) ||
    [...list].reverse().find((y) => y.start <= today) || list[0];
  if (!year) return [today.slice(0, 7)];
  const months = [];
  const last = (today < year.end ? today : year.end).slice(0, 7);
  for (let m = year.start.slice(0, 7); m <= last;) {
    months.push(m);
    let [y, mm] = m.split('-').map(Number);
    mm += 1;
    if (mm > 12) { mm = 1; y += 1; }
    m = `${y}-${String(mm).padStart(2, '0')}`;
  }
  return months.reverse();
}

// Without a month in the URL: the newest month that has lessons.
async function latestMonthWithLessons() {
  for (const m of state.months) {
    try {
      const r = await client.request({ compliance: { schoolId: me.schoolId, month: m } });
      if (r.compliance.school?.counters?.lessonsScheduled) return m;
    } catch {
      break;
    }
  }
  return state.months[0];
}

async function selectMonth(month, push) {
  state.month = month;
  if (![...monthSelect.options].some((o) => o.value === month)) monthSelect.append(h('option', { value: month }, monthTitle(month)));
  monthSelect.value = month;
  if (push) {
    state.filter = null;
    updateUrl();
  }
  if (state.sub) state.sub.close();
  state.sub = null;
  state.view = null;
  clear(errorBox);
  try {
    state.sub = await client.subscribe({ compliance: { schoolId: me.schoolId, month } }, (p) => {
      if (p.compliance && p.compliance.month === state.month) show(p.compliance, true);
    });
  } catch (e) {
    if (e.code === 'forbidden') {
      for (const box of sections) box.hidden = true;
      showError(errorBox, 'Нет доступа к мониторингу журнала', e);
    } else {
      showError(errorBox, `Нет данных за ${monthTitle(month)}`, e);
    }
  }
}

function updateUrl() {
  const q = new URLSearchParams({ month: state.month });
  if (state.tab === 'teachers') q.set('tab', 'teachers');
  if (state.filter) q.set(state.filter.kind, state.filter.id);
  history.replaceState(null, '', `${location.pathname}?${q}`);
}

function show(view, live) {
  const before = state.view;
  state.view = view;
  state.updatedAt = new Date();
  liveLine.textContent = `обновлено ${state.updatedAt.toLocaleTimeString('ru-RU')}`;
  liveLine.dataset.position = view.position;
  document.getElementById('compliance-title').textContent = `Мониторинг журнала: ${monthTitle(view.month)}`;
  renderSignOff();
  renderSummary();
  renderParticipation();
  renderLines();
  renderCorrections();
  renderLate();
  if (live && before && before.corrections?.length !== view.corrections?.length) {
    toast('Список исправлений обновился');
  }
}

// ---- sign-off ----

function renderSignOff() {
  const v = state.view;
  clear(signOffBox).append(h('h2', { id: 'signoff-title' }, 'Подпись месяца'));
  if (v.signedOff) {
    const s = v.signOff;
    signOffBox.classList.add('signed');
    signOffBox.append(h('p', { class: 'signoff-state', id: 'signoff-state' },
      h('strong', {}, 'Месяц подписан. '),
      `Подписал(а): ${v.signOffName || s.directorId}, ${dateTimeText(s.atUs)}.`));
    if (s.comment) signOffBox.append(h('p', { class: 'signoff-comment' }, `Комментарий: ${s.comment}`));
    return;
  }
  signOffBox.classList.remove('signed');
  signOffBox.append(h('p', { class: 'signoff-state', id: 'signoff-state' }, 'Месяц не подписан.'));
  if (!hasRole(me, 'director')) {
    signOffBox.append(h('p', { class: 'hint' }, 'Месяц подписывает директор школы.'));
    return;
  }
  const unfinished = state.month >= todayIso().slice(0, 7);
  const comment = h('textarea', { class: 'input', id: 'signoff-comment', rows: 2, maxlength: 2000, placeholder: 'Например: замечаний нет' });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const button = h('button', { type: 'submit', class: 'btn btn-primary' }, `Подписать ${monthTitle(state.month)}`);
  // A month not yet over is signed only on purpose: the signature is final.
  const early = unfinished ? h('input', { type: 'checkbox', id: 'signoff-early', required: true }) : null;
  const form = h('form', {
    class: 'signoff-form', onsubmit: async (e) => {
      e.preventDefault();
      error.hidden = true;
      button.disabled = true;
      const month = state.month;
      try {
        const accepted = await client.command({ signOffMonth: { schoolId: me.schoolId, month, comment: comment.value.trim() } }, newId('so'));
        toast(`Месяц ${monthTitle(month)} подписан`, { kind: 'success' });
        // The push normally arrives first; if not, ask for the view.
        setTimeout(async () => {
          if (state.month !== month || (state.view && BigInt(state.view.position || 0) >= BigInt(accepted.lastPosition))) return;
          try {
            const r = await client.request({ compliance: { schoolId: me.schoolId, month } });
            if (state.month === month) show(r.compliance, false);
          } catch { /* the push will come */ }
        }, VIEW_FALLBACK_MS);
      } catch (err) {
        error.textContent = `Месяц не подписан: ${err.message}`;
        error.dataset.code = err.code;
        error.hidden = false;
        button.disabled = false;
      }
    },
  },
  h('label', { for: 'signoff-comment' }, 'Комментарий (необязательно)'), comment,
  unfinished ? h('p', { class: 'warn' }, 'Месяц ещё не закончился: записи за него ещё могут появиться.') : null,
  early ? h('label', { class: 'signoff-early', for: 'signoff-early' }, early, ' Подписать, хотя месяц ещё не закончился') : null,
  error,
  h('p', { class: 'hint' }, 'Подпись подтверждает, что журнал за месяц проверен. Отменить её нельзя.'),
  button);
  signOffBox.append(form);
}

// ---- figures ----

function kpi(id, label, value, detail, low) {
  return h('div', { class: 'kpi card' + (low ? ' kpi-low' : ''), dataset: { figure: id } },
    h('span', { class: 'kpi-label' }, label),
    h('strong', { class: 'kpi-value' }, value),
    detail ? h('span', { class: 'kpi-detail' }, detail) : null);
}

function renderSummary() {
  const f = state.view.school || {};
  const c = f.counters || {};
  clear(summaryBox).append(
    kpi('fillShare', 'Заполняемость отметок', shareText(f.fillShare),
      `уроков с отметками: ${c.gradedLessonsWithMarks || 0} из ${c.gradedLessonsHeld || 0}`, (c.gradedLessonsHeld || 0) && f.fillShare < LOW_SHARE),
    kpi('homeworkShare', 'Домашнее задание записано', shareText(f.homeworkShare),
      `уроков: ${c.lessonsWithHomework || 0} из ${c.lessonsHeld || 0} проведённых`, (c.lessonsHeld || 0) && f.homeworkShare < LOW_SHARE),
    kpi('onTimeShare', 'Отметки вовремя', shareText(f.onTimeShare),
      `${c.marksOnTime || 0} из ${c.marks || 0}; с опозданием ${c.marksLate || 0}, в среднем ${hoursText(f.averageDelaySeconds)}`,
      (c.marks || 0) && f.onTimeShare < LOW_SHARE),
    kpi('marksPerStudentSubject', 'Отметок на ученика по предмету', ratioText(f.marksPerStudentSubject),
      `${c.marks || 0} ${plural(c.marks || 0, 'отметка', 'отметки', 'отметок')}`),
    kpi('lessonsHeld', 'Уроков проведено', String(c.lessonsHeld || 0),
      `по расписанию ${c.lessonsScheduled || 0}, отменено ${c.lessonsCancelled || 0}`),
    kpi('corrections', 'Исправлений и отмен', String((c.corrections || 0) + (c.cancellations || 0)),
      `исправлений ${c.corrections || 0}, отмен отметок ${c.cancellations || 0}`));
}

function renderParticipation() {
  const p = state.view.participation || {};
  const row = (id, who, total, active, share, activeText) => h('div', { class: 'part-row', dataset: { figure: id } },
    h('span', { class: 'part-who' }, who),
    h('span', { class: 'part-bar', role: 'img', 'aria-label': shareText(share) },
      h('span', { class: 'part-fill', style: { width: `${Math.min(100, (share || 0) / 100)}%` } })),
    h('strong', { class: 'part-share' }, shareText(share)),
    h('span', { class: 'part-detail' }, `${active || 0} из ${total || 0} ${activeText}`));
  clear(participationBox).append(
    h('h2', { id: 'participation-title' }, 'Участие'),
    row('teachersShare', 'Учителя', p.teachersWithLessons, p.teachersWithEntries, p.teachersShare, 'вели записи в журнале'),
    row('parentsShare', 'Родители', p.parents, p.parentsSignedIn, p.parentsShare, 'заходили в журнал'),
    row('studentsShare', 'Ученики', p.students, p.studentsSignedIn, p.studentsShare, 'заходили в журнал'));
}

// ---- classes and teachers ----

function setTab(tab) {
  state.tab = tab;
  updateUrl();
  renderLines();
}

function lines() {
  return (state.tab === 'teachers' ? state.view.teachers : state.view.classes) || [];
}

function drill(kind, line) {
  state.filter = { kind, id: line.id, name: line.name };
  updateUrl();
  renderCorrections();
  correctionsBox.scrollIntoView({ block: 'start' });
  document.getElementById('corrections-title')?.focus();
}

function renderLines() {
  if (!state.view) return;
  for (const [tab, b] of Object.entries(tabButtons)) {
    b.className = 'tab' + (tab === state.tab ? ' active' : '');
    b.setAttribute('aria-selected', String(tab === state.tab));
  }
  const kind = state.tab === 'teachers' ? 'teacher' : 'class';
  const list = lines();
  // The chart: worst first, lines with nothing to measure left out.
  const measured = list.filter((l) => {
    const c = l.figures?.counters || {};
    if (state.metric === 'fillShare') return c.gradedLessonsHeld > 0;
    if (state.metric === 'homeworkShare') return c.lessonsHeld > 0;
    return c.marks > 0;
  });
  const items = measured.map((l) => ({ id: l.id, label: l.name, value: l.figures?.[state.metric] || 0, line: l }))
    .sort((a, b) => a.value - b.value || a.label.localeCompare(b.label, 'ru'));
  clear(chartBox).append(barChart(items, {
    title: `${METRICS[state.metric]}: ${state.tab === 'teachers' ? 'учителя' : 'классы'}, ${monthTitle(state.month)}`,
    threshold: LOW_SHARE, valueText: shareText, onSelect: (item) => drill(kind, item.line),
  }));
  const th = (text, title) => h('th', { scope: 'col', title }, text);
  clear(linesBox).append(h('table', { class: 'table lines-table', id: 'lines-table' },
    h('thead', {}, h('tr', {},
      th(state.tab === 'teachers' ? 'Учитель' : 'Класс'),
      th('Уроков', 'проведено из запланированных'),
      th('С ДЗ', 'доля проведённых уроков с домашним заданием'),
      th('Заполняемость', 'доля проведённых уроков (2–11 классы) хотя бы с одной отметкой'),
      th('Отметок', 'действующих отметок'),
      th('На ученика', 'отметок на ученика по предмету'),
      th('Вовремя', 'доля отметок, внесённых до 17:00 дня урока'),
      th('Исправления', 'исправлений и отмен; нажмите, чтобы открыть список'),
      th('Записей', 'записей учителя в журнале'))),
    h('tbody', {}, list.map((l) => {
      const f = l.figures || {};
      const c = f.counters || {};
      const changed = (c.corrections || 0) + (c.cancellations || 0);
      const graded = state.tab === 'teachers' || l.graded;
      return h('tr', { dataset: { id: l.id } },
        h('th', { scope: 'row' }, l.name),
        h('td', { class: 'num' }, `${c.lessonsHeld || 0} / ${c.lessonsScheduled || 0}`),
        h('td', { class: 'num' + (c.lessonsHeld && f.homeworkShare < LOW_SHARE ? ' low' : ''), dataset: { figure: 'homeworkShare' } },
          c.lessonsHeld ? shareText(f.homeworkShare) : '—'),
        h('td', { class: 'num' + (c.gradedLessonsHeld && f.fillShare < LOW_SHARE ? ' low' : ''), dataset: { figure: 'fillShare' } },
          graded && c.gradedLessonsHeld ? shareText(f.fillShare) : '—'),
        h('td', { class: 'num', dataset: { figure: 'marks' } }, String(c.marks || 0)),
        h('td', { class: 'num' }, graded && f.studentSubjects ? ratioText(f.marksPerStudentSubject) : '—'),
        h('td', { class: 'num' + (c.marks && f.onTimeShare < LOW_SHARE ? ' low' : ''), dataset: { figure: 'onTimeShare' } },
          c.marks ? shareText(f.onTimeShare) : '—'),
        h('td', { class: 'num', dataset: { figure: 'corrections' } }, changed
          ? h('button', {
            type: 'button', class: 'linklike drill', onclick: () => drill(kind, l),
            'aria-label': `Исправления: ${l.name}, ${changed}`,
          }, String(changed))
          : '0'),
        h('td', { class: 'num' }, String(c.entries || 0)));
    }))));
}

// ---- corrections and late marks ----

function filterName() {
  const f = state.filter;
  if (!f) return '';
  const line = (f.kind === 'teacher' ? state.view.teachers : state.view.classes)?.find((l) => l.id === f.id);
  const name = line?.name || f.name || f.id;
  return f.kind === 'teacher' ? `учитель ${name}` : `${name} класс`;
}

function renderCorrections() {
  const all = state.view.corrections || [];
  const f = state.filter;
  const list = f ? all.filter((c) => (f.kind === 'teacher' ? c.row.teacherId : c.row.classId) === f.id) : all;
  clear(correctionsBox).append(
    h('div', { class: 'section-head' },
      h('h2', { id: 'corrections-title', tabindex: -1 }, 'Исправления и отмены'),
      f ? h('span', { class: 'chip filter-chip', id: 'corrections-filter' }, filterName(),
        h('button', {
          type: 'button', class: 'toast-close', 'aria-label': 'Показать все исправления',
          onclick: () => { state.filter = null; updateUrl(); renderCorrections(); },
        }, '×')) : null,
      h('span', { class: 'hint', id: 'corrections-count' },
        `${list.length} ${plural(list.length, 'запись', 'записи', 'записей')}${f ? ` из ${all.length}` : ''}`)));
  if (!list.length) {
    correctionsBox.append(h('p', { class: 'empty' }, f ? 'По выбранному нет исправлений за месяц.' : 'Исправлений за месяц нет.'));
    return;
  }
  correctionsBox.append(h('div', { class: 'table-wrap' }, h('table', { class: 'table corrections-table' },
    h('thead', {}, h('tr', {}, ['Когда', 'Кто', 'Что', 'Класс', 'Предмет', 'Урок', 'Ученик', 'Было → стало', 'Причина']
      .map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, list.map((c) => {
      const r = c.row;
      const move = r.kind === 'lessonMoved';
      return h('tr', { dataset: { kind: r.kind, position: r.position } },
        h('td', { class: 'nowrap' }, dateTimeText(r.atUs)),
        h('td', {}, c.actorName || r.actorId),
        h('td', {}, KIND_NAMES[r.kind] || r.kind),
        h('td', {}, c.className),
        h('td', {}, c.subjectName),
        h('td', { class: 'nowrap' }, `${ddmm(c.date)} №${c.number}`),
        h('td', {}, c.studentName || ''),
        h('td', { class: 'nowrap change' }, h('span', { class: 'old' }, r.previous || (move ? '' : '—')), ' → ',
          h('span', { class: 'new' }, r.value || (r.kind === 'markCancelled' || r.kind === 'lessonCancelled' ? 'отменено' : 'присутствовал'))),
        h('td', { class: 'reason' }, r.reason));
    })))));
}

function renderLate() {
  const list = state.view.lateMarks || [];
  clear(lateBox).append(h('summary', {}, h('h2', { class: 'inline' }, `Отметки с опозданием: ${list.length}`)));
  if (!list.length) {
    lateBox.append(h('p', { class: 'empty' }, 'Все отметки месяца внесены вовремя.'));
    return;
  }
  lateBox.append(h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
    h('thead', {}, h('tr', {}, ['Урок', 'Класс', 'Предмет', 'Учитель', 'Ученик', 'Внесена', 'Задержка']
      .map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, list.map((m) => h('tr', {},
      h('td', { class: 'nowrap' }, `${ddmm(m.date)} №${m.number}`),
      h('td', {}, m.className), h('td', {}, m.subjectName), h('td', {}, m.teacherName), h('td', {}, m.studentName),
      h('td', { class: 'nowrap' }, dateTimeText(m.mark.postedAtUs)),
      h('td', { class: 'nowrap' }, hoursText(m.mark.delaySeconds))))))));
}

// ---- reports ----

function renderReports() {
  const school = state.school;
  const classes = [...(school.classes || [])].sort((a, b) => a.grade - b.grade || a.name.localeCompare(b.name, 'ru'));
  const today = todayIso();
  const periods = school.periods || [];
  const current = periods.find((p) => p.start <= today && today <= p.end) || periods.filter((p) => p.start <= today).at(-1);
  const yearPeriods = periods.filter((p) => !current || p.yearId === current.yearId);
  const classSelect = h('select', { class: 'input', id: 'report-class' },
    classes.map((c) => h('option', { value: c.classId }, `${c.name} класс`)));
  const periodSelect = h('select', { class: 'input', id: 'report-period' },
    yearPeriods.map((p) => h('option', { value: p.periodId, selected: current && p.periodId === current.periodId }, `${p.name} (${ddmmyyyy(p.start)} – ${ddmmyyyy(p.end)})`)));
  const status = h('p', { class: 'hint', id: 'report-status', 'aria-live': 'polite' });
  const get = async (button, path, paramsOf) => {
    button.disabled = true;
    status.textContent = 'Готовим файл…';
    try {
      const file = await downloadReport(path, paramsOf());
      status.textContent = `Скачан файл «${file.name}» (${Math.max(1, Math.round(file.size / 1024))} КБ)`;
    } catch (e) {
      status.textContent = '';
      toast(`Отчёт не получен: ${e.message}`, { kind: 'error' });
    } finally {
      button.disabled = false;
    }
  };
  const button = (label, path, paramsOf, id) => {
    const b = h('button', { type: 'button', class: 'btn', id, onclick: () => get(b, path, paramsOf) }, label);
    return b;
  };
  const month = () => ({ school: me.schoolId, month: state.month });
  const klass = () => ({ class: classSelect.value, period: periodSelect.value });
  clear(reportsBox).append(
    h('h2', { id: 'reports-title' }, 'Отчёты'),
    h('div', { class: 'report-row' },
      h('span', { class: 'report-name' }, 'Мониторинг журнала за выбранный месяц'),
      button('XLSX', 'reports/compliance.xlsx', month, 'dl-compliance-xlsx'),
      button('CSV', 'reports/compliance.csv', month, 'dl-compliance-csv')),
    h('div', { class: 'report-row' },
      h('label', { for: 'report-class' }, 'Класс ', classSelect),
      h('label', { for: 'report-period' }, 'Период ', periodSelect)),
    h('div', { class: 'report-row' },
      h('span', { class: 'report-name' }, 'Успеваемость класса за период'),
      button('XLSX', 'reports/progress.xlsx', klass, 'dl-progress-xlsx'),
      button('CSV', 'reports/progress.csv', klass, 'dl-progress-csv')),
    h('div', { class: 'report-row' },
      h('span', { class: 'report-name' }, 'Посещаемость класса за период'),
      button('XLSX', 'reports/attendance.xlsx', klass, 'dl-attendance-xlsx'),
      button('CSV', 'reports/attendance.csv', klass, 'dl-attendance-csv')),
    h('p', { class: 'hint' }, 'CSV открывается в Excel (разделитель «;», кодировка UTF-8). Файлы составляются по данным журнала на момент скачивания.'),
    status);
}

start();
