// The class teacher's class list: the students of her class with their
// parents, whether each has access to the journal (a login issued or
// revoked, the last sign-in) and the personal-data consent on paper. The
// class teacher issues and revokes logins (the one-time initial password is
// shown once, printable, to hand to the parent) and records consent; the
// office (administrator, secretary) records the students' movements:
// enrolment, transfer to another class, departure; both add a student's
// parent (registerUser and linkGuardian); the director, the deputy and
// auditors read the list. Live: the list is a
// subscription (`classRoster`), so a sign-in or a change made elsewhere shows
// at once, highlighted.
import { startPage, hasRole } from '../session.js';
import { h, clear, toast, showError } from '../dom.js';
import { loadSchool } from '../catalogue.js';
import { ddmmyyyy, plural, shortDateTimeText, todayIso } from '../format.js';
import { classMovements } from './class_movements.js';
import { dialog, issueDialog, revokeDialog } from '../dialogs.js';

const HIGHLIGHT_MS = 60000;  // how long a changed row stays highlighted

const main = document.getElementById('main');
const params = new URLSearchParams(location.search);

const { client, me } = await startPage('class');

const state = {
  classes: [],          // [{classId, name}] offered in the picker
  classId: null,
  sub: null,
  roster: null,
  seen: new Map(),      // userId -> JSON of the person as last shown
  fresh: new Map(),     // userId -> time it changed (highlighted)
  opened: 0,
};

const led = new Set(hasRole(me, 'teacher') ? me.ledClasses || [] : []);
const mayManage = (classId) => led.has(classId);
// The office of the class's school enrols, transfers and lets students go
// (enrollStudent, transferStudent, departStudent; docs/permissions.md).
const mayMove = () => hasRole(me, 'administrator', 'secretary') &&
  !!state.roster && state.roster.schoolId === me.schoolId;
const hasActions = () => mayManage(state.classId) || mayMove();

// ---- layout ----

const title = h('h1', { id: 'class-title' }, 'Класс');
const subtitle = h('p', { class: 'subtitle' });
const picker = h('div', { class: 'class-picker', role: 'group', 'aria-label': 'Класс' });
const errorBox = h('div', { class: 'class-error' });
const summary = h('section', { class: 'roster-summary', 'aria-label': 'Сводка' });
const tableBox = h('section', { class: 'card roster', 'aria-labelledby': 'roster-title' });
const live = h('div', { class: 'visually-hidden', 'aria-live': 'polite' });

clear(main).append(
  h('div', { class: 'page-head' }, h('div', {}, title, subtitle), picker),
  errorBox, summary, tableBox, live);

// ---- classes ----

async function classOptions() {
  const list = [];
  let school = null;
  if (hasRole(me, 'director', 'deputyDirector', 'administrator', 'secretary') && me.schoolId) {
    try {
      school = await loadSchool(client);
    } catch (e) {
      showError(errorBox, 'Не удалось загрузить список классов', e);
    }
  }
  if (school) {
    for (const c of school.classes) list.push({ classId: c.classId, name: c.name, grade: c.grade });
  } else if (led.size) {
    school = await loadSchool(client).catch(() => null);
    const names = new Map((school?.classes || []).map((c) => [c.classId, c]));
    for (const id of led) list.push({ classId: id, name: names.get(id)?.name || id, grade: names.get(id)?.grade || 0 });
  }
  return list.sort((a, b) => (a.grade - b.grade) || a.name.localeCompare(b.name, 'ru'));
}

function renderPicker() {
  clear(picker);
  if (state.classes.length > 1 && state.classes.length <= 6) {
    for (const c of state.classes) {
      const active = c.classId === state.classId;
      picker.append(h('button', {
        type: 'button', class: active ? 'chip active' : 'chip', 'aria-pressed': String(active),
        onclick: () => openClass(c.classId),
      }, c.name));
    }
  } else if (state.classes.length > 6) {
    picker.append(h('label', { class: 'picker-label' }, 'Класс ',
      h('select', { class: 'input', onchange: (e) => openClass(e.target.value) },
        state.classes.map((c) => h('option', { value: c.classId, selected: c.classId === state.classId }, c.name)))));
  } else if (!state.classes.length && hasRole(me, 'auditor')) {
    const input = h('input', { class: 'input', name: 'class', placeholder: 'код класса', value: state.classId || '', 'aria-label': 'Код класса' });
    picker.append(h('form', {
      class: 'class-id-form', onsubmit: (e) => { e.preventDefault(); if (input.value.trim()) openClass(input.value.trim()); },
    }, input, h('button', { type: 'submit', class: 'btn' }, 'Открыть')));
  }
  if (state.classId && hasRole(me, 'teacher', 'director', 'deputyDirector') &&
      (led.has(state.classId) || hasRole(me, 'director', 'deputyDirector'))) {
    picker.append(h('a', { class: 'btn btn-ghost', href: 'register.html?' + new URLSearchParams({ class: state.classId }) }, 'Журнал класса'));
  }
}

async function openClass(classId) {
  if (state.sub) state.sub.close();
  state.sub = null;
  if (classId !== state.classId) {
    state.seen.clear();
    state.fresh.clear();
    state.roster = null;
  }
  state.classId = classId;
  history.replaceState(null, '', '?' + new URLSearchParams({ class: classId }));
  renderPicker();
  clear(errorBox);
  tableBox.setAttribute('aria-busy', 'true');
  const opened = ++state.opened;
  try {
    const sub = await client.subscribe({ classRoster: classId },
      (push) => opened === state.opened && push.classRoster && onRoster(push.classRoster));
    if (opened !== state.opened) sub.close();
    else state.sub = sub;
  } catch (e) {
    if (opened !== state.opened) return;
    clear(summary);
    clear(tableBox);
    showError(errorBox, e.code === 'forbidden' ? 'Нет доступа к списку этого класса' : 'Не удалось открыть список класса', e);
  }
}

// ---- live changes ----

function people(roster) {
  const all = [];
  for (const s of roster.students || []) {
    all.push(s.person);
    for (const p of s.parents || []) all.push(p.person);
  }
  return all;
}

function onRoster(roster) {
  const now = Date.now();
  const announce = state.roster !== null;
  const changed = [];
  for (const p of people(roster)) {
    const text = JSON.stringify(p);
    const before = state.seen.get(p.userId);
    if (announce && before !== text) {
      state.fresh.set(p.userId, now);
      changed.push(p.fullName);
    }
    state.seen.set(p.userId, text);
  }
  for (const [id, at] of state.fresh) if (now - at > HIGHLIGHT_MS) state.fresh.delete(id);
  if (changed.length) live.textContent = 'Обновлено: ' + [...new Set(changed)].join(', ');
  state.roster = roster;
  render(roster);
}

// ---- rendering ----

function accessText(a) {
  if (a?.active) return { text: 'Выдан ' + ddmmyyyy(isoOfUs(a.issuedAtUs)), cls: 'access-on', detail: 'логин ' + a.login };
  if (a?.revokedAtUs && a.revokedAtUs !== '0') {
    return { text: 'Отозван ' + ddmmyyyy(isoOfUs(a.revokedAtUs)), cls: 'access-off', detail: a.revokeReason || '' };
  }
  return { text: 'Не выдан', cls: 'access-none', detail: '' };
}

function consentText(a) {
  if (!a?.consentRecorded) return { text: 'Нет', cls: 'consent-none' };
  if (a.consentGiven) return { text: 'Дано', cls: 'consent-on', detail: 'документ от ' + ddmmyyyy(a.consentDate) };
  return { text: 'Отозвано', cls: 'consent-off', detail: 'документ от ' + ddmmyyyy(a.consentDate) };
}

function signInText(a) {
  if (!a?.lastSignInUs || a.lastSignInUs === '0') return 'не входил(а)';
  return shortDateTimeText(a.lastSignInUs);
}

function isoOfUs(us) {
  const d = new Date(Number(BigInt(us || 0) / 1000n));
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function render(roster) {
  tableBox.removeAttribute('aria-busy');
  title.textContent = `Класс ${roster.className}`;
  document.title = `Класс ${roster.className} — Электронный журнал`;
  subtitle.textContent = roster.classTeacherName ? `Классный руководитель: ${roster.classTeacherName}` : 'Классный руководитель не назначен';
  renderSummary(roster);
  renderTable(roster);
}

function renderSummary(roster) {
  const current = (roster.students || []).filter((s) => !s.left);
  const parents = new Map();
  for (const s of current) for (const p of s.parents || []) parents.set(p.person.userId, p.person);
  const count = (list, f) => list.filter(f).length;
  const students = current.map((s) => s.person);
  const parentList = [...parents.values()];
  const kpi = (label, value, hint) => h('div', { class: 'card kpi' },
    h('div', { class: 'kpi-value' }, value), h('div', { class: 'kpi-label' }, label), hint ? h('small', {}, hint) : null);
  const n = students.length, m = parentList.length;
  clear(summary).append(
    kpi(plural(n, 'ученик', 'ученика', 'учеников'), String(n),
      `${count(students, (p) => p.access?.active)} с доступом, ${count(students, (p) => p.access?.lastSignInUs && p.access.lastSignInUs !== '0')} входили`),
    kpi(plural(m, 'родитель', 'родителя', 'родителей'), String(m),
      `${count(parentList, (p) => p.access?.active)} с доступом, ${count(parentList, (p) => p.access?.lastSignInUs && p.access.lastSignInUs !== '0')} входили`),
    kpi('согласий на обработку данных', `${count([...students, ...parentList], (p) => p.access?.consentRecorded && p.access.consentGiven)} из ${n + m}`,
      `нет у ${count([...students, ...parentList], (p) => !(p.access?.consentRecorded && p.access.consentGiven))}`),
    kpi('без привязанных родителей', String(count(current, (s) => !(s.parents || []).length)), null));
}

function personRow(person, { kind, relation = '', student = null, canIssue = true }) {
  const a = person.access || {};
  const access = accessText(a);
  const consent = consentText(a);
  const manage = mayManage(state.classId);
  const move = mayMove() && kind === 'student' && !student?.left;
  const classes = ['roster-row', kind === 'student' ? 'student-row' : 'parent-row'];
  if (state.fresh.has(person.userId)) classes.push('is-new');
  if (student?.left) classes.push('left');
  const actions = [];
  if (manage) {
    if (a.active) {
      actions.push(h('button', { type: 'button', class: 'btn btn-small btn-danger', onclick: () => revokeDialog(client, person) }, 'Отозвать доступ'));
    } else if (canIssue) {
      actions.push(h('button', { type: 'button', class: 'btn btn-small btn-primary', onclick: () => issueAccess(person, kind) },
        a.revokedAtUs && a.revokedAtUs !== '0' ? 'Выдать заново' : 'Выдать доступ'));
    }
    actions.push(h('button', { type: 'button', class: 'btn btn-small', onclick: () => consentDialog(person) }, 'Согласие…'));
  }
  if ((manage || mayMove()) && kind === 'student' && !student?.left) {
    actions.push(h('button', { type: 'button', class: 'btn btn-small', onclick: () => moves.parentDialog(person, state.roster, { office: mayMove(), classes: state.classes }) }, 'Добавить родителя…'));
  }
  if (move) {
    actions.push(h('button', { type: 'button', class: 'btn btn-small', onclick: () => moves.transferDialog(person, state.roster, state.classes) }, 'Перевести…'));
    actions.push(h('button', { type: 'button', class: 'btn btn-small btn-danger', onclick: () => moves.departDialog(person, state.roster) }, 'Выбытие…'));
  }
  const nameCell = kind === 'student'
    ? h('th', { scope: 'row', class: 'person-name' }, person.fullName,
      student?.left ? h('small', { class: 'left-note' }, student.departed ? ` выбыл(а) ${ddmmyyyy(student.to)}` : ` переведён(а) ${ddmmyyyy(student.to)}`) : null)
    : h('td', { class: 'person-name parent-name' }, person.fullName);
  return h('tr', { class: classes.join(' '), dataset: { user: person.userId } },
    nameCell,
    h('td', { 'data-label': 'Кто' }, kind === 'student' ? 'ученик' : relation || 'родитель'),
    h('td', { 'data-label': 'Доступ', class: 'access ' + access.cls },
      h('span', { class: 'status-dot' }), access.text, access.detail ? h('small', {}, access.detail) : null),
    h('td', { 'data-label': 'Последний вход' }, signInText(a),
      a.signIns ? h('small', {}, `входов: ${a.signIns}`) : null),
    h('td', { 'data-label': 'Согласие', class: 'consent ' + consent.cls }, consent.text, consent.detail ? h('small', {}, consent.detail) : null),
    hasActions() ? h('td', { class: 'actions' }, actions) : null);
}

function renderTable(roster) {
  const manage = mayManage(state.classId);
  const actions = hasActions();
  const rows = [];
  for (const s of roster.students || []) {
    rows.push(personRow(s.person, { kind: 'student', student: s, canIssue: !s.departed }));
    for (const p of s.parents || []) rows.push(personRow(p.person, { kind: 'parent', relation: p.relation, student: s, canIssue: !s.left }));
    if (!(s.parents || []).length) {
      rows.push(h('tr', { class: 'roster-row parent-row no-parents' },
        h('td', { colspan: actions ? 6 : 5, class: 'empty' }, 'Родители не привязаны')));
    }
  }
  clear(tableBox).append(...[
    h('h2', { id: 'roster-title' }, 'Ученики и родители'),
    mayMove() ? h('div', { class: 'roster-tools' },
      h('button', { type: 'button', class: 'btn btn-primary', onclick: () => moves.enrolDialog(state.roster) }, 'Зачислить ученика')) : null,
    manage ? null : h('p', { class: 'hint' }, 'Выдавать и отзывать доступ может только классный руководитель класса.'),
    rows.length ? h('div', { class: 'table-wrap' },
      h('table', { class: 'table roster-table' },
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, 'ФИО'),
          h('th', { scope: 'col' }, 'Кто'),
          h('th', { scope: 'col' }, 'Доступ к журналу'),
          h('th', { scope: 'col' }, 'Последний вход'),
          h('th', { scope: 'col' }, 'Согласие на обработку ПД'),
          actions ? h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Действия')) : null)),
        h('tbody', {}, rows)))
      : h('p', { class: 'empty' }, 'В классе нет учеников.')].filter(Boolean));
}

// ---- dialogs ----

const moves = classMovements(client);

function issueAccess(person, kind) {
  issueDialog(client, person, kind === 'student'
    ? { intro: 'Ученик получит логин и пароль для входа в дневник.', who: 'Ученик' }
    : { intro: 'Родитель получит логин и пароль для входа в дневник своих детей.', who: 'Родитель' });
}

function consentDialog(person) {
  const a = person.access || {};
  const given = h('input', { type: 'radio', name: 'given', value: 'yes', checked: !a.consentRecorded || a.consentGiven });
  const withdrawn = h('input', { type: 'radio', name: 'given', value: 'no', checked: a.consentRecorded && !a.consentGiven });
  const date = h('input', { type: 'date', class: 'input', name: 'date', required: true, max: todayIso(), value: todayIso() });
  const note = h('input', { class: 'input', name: 'note', maxlength: 500, placeholder: 'например, № заявления' });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Сохранить');
  const d = dialog(`Согласие на обработку персональных данных: ${person.fullName}`,
    h('form', {
      onsubmit: async (e) => {
        e.preventDefault();
        submit.disabled = true;
        try {
          await client.command({ recordConsent: { userId: person.userId, given: given.checked, documentDate: date.value, note: note.value.trim() } });
          d.close();
          toast('Согласие записано', { kind: 'success' });
        } catch (err) {
          error.textContent = err.message || 'Не удалось записать согласие';
          error.hidden = false;
          submit.disabled = false;
        }
      },
    },
    a.consentRecorded ? h('p', { class: 'hint' }, `Сейчас: ${consentText(a).text.toLowerCase()}, ${consentText(a).detail}.`) : null,
    h('fieldset', { class: 'consent-choice' },
      h('legend', {}, 'Заявление'),
      h('label', {}, given, ' дано согласие'),
      h('label', {}, withdrawn, ' согласие отозвано')),
    h('label', {}, 'Дата документа', date),
    h('label', {}, 'Примечание', note),
    error,
    h('div', { class: 'dialog-buttons' }, submit,
      h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => d.close() }, 'Отмена'))));
}

// ---- start ----

state.classes = await classOptions();
const wanted = params.get('class');
const first = wanted || state.classes.find((c) => led.has(c.classId))?.classId || state.classes[0]?.classId;
if (first) {
  openClass(first);
} else {
  renderPicker();
  showError(errorBox, 'Нет класса для показа', {
    message: hasRole(me, 'auditor') ? 'Введите код класса.' : 'Вы не классный руководитель ни одного класса.',
  });
}
