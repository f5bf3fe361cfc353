// The school page: its staff with their roles and logins, and its reference
// books (academic years with their periods and holidays, subjects, work
// types, classes). The administrator registers staff, issues and revokes
// their logins (the one-time password shown once, printable), changes
// roles, opens academic years, declares holidays, defines subjects and work
// types; the administrator and the secretary open classes and assign class
// teachers (the secretary also registers teachers), and with the deputy
// assign and end teaching loads; the office loads the lists of
// students and teachers (CSV, checked before they are written); the heads
// close periods. The director and the deputy read the rest. The page is live
// (a `school` subscription): a change made anywhere, by another member of
// the office, an import or the command line, shows at once; each push
// brings the books, and the page reads the staff list again with it.
import { startPage, hasRole } from '../session.js';
import { h, clear, showError } from '../dom.js';
import { rememberSchool } from '../catalogue.js';
import { ROLE_NAMES, ddmmyyyy, shortDateTimeText } from '../format.js';
import { commandDialog, issueDialog, newUserId, revokeDialog } from '../dialogs.js';
import { schoolBooks } from './school_books.js';
import { schoolImport } from './school_import.js';
import { loadsDialog } from './school_loads.js';

const main = document.getElementById('main');
const { client, me } = await startPage('school');

const admin = hasRole(me, 'administrator');
const office = hasRole(me, 'administrator', 'secretary');
// Teaching loads: the administrator, the deputy and the secretary.
const loads = hasRole(me, 'administrator', 'deputyDirector', 'secretary');
// The roles the administrator gives; the secretary registers teachers only
// (docs/permissions.md).
const STAFF_ROLES = ['teacher', 'secretary', 'deputyDirector', 'director', 'administrator'];

const state = { school: null, staff: [] };

const title = h('h1', {}, 'Школа');
const subtitle = h('p', { class: 'subtitle' });
const errorBox = h('div', { class: 'school-error' });
const staffBox = h('section', { class: 'card school-staff', 'aria-labelledby': 'staff-title' });
const booksBox = h('div', { class: 'school-books' });
// The lists' import keeps its files and report across the page's re-reads.
const importBox = office ? schoolImport() : null;
clear(main).append(h('div', { class: 'page-head' }, h('div', {}, title, subtitle)), errorBox, staffBox, booksBox, importBox);

// Sends a command; what it changed comes back as a push.
async function send(command) {
  return client.command(command);
}

// A push of the school: its books, then the staff list read again (a push
// also follows a change of staff). Of overlapping reads the last one wins.
let reads = 0;
async function showSchool(push) {
  state.school = push.school;
  rememberSchool(push.school);
  const read = ++reads;
  try {
    const staff = await client.request({ staff: '' });
    if (read !== reads) return;
    // Each member is `me` of that person (roles, led classes, assignments)
    // with her access.
    state.staff = (staff.staff.staff || []).map((m) => ({ ...m.person, access: m.access }));
    clear(errorBox);
    render();
  } catch (err) {
    if (read === reads) showError(errorBox, 'Не удалось загрузить сведения о школе', err);
  }
}

const books = schoolBooks({ client, me, send, state });

function render() {
  const s = state.school;
  title.textContent = s.name;
  document.title = `${s.name} — Электронный журнал`;
  subtitle.textContent = `Часовой пояс: ${s.timeZone}`;
  renderStaff();
  clear(booksBox).append(...books.render());
}

// ---- staff ----

function accessCell(a) {
  if (a?.active) return [h('span', { class: 'status-dot' }), 'Выдан ' + ddmmyyyy(isoOfUs(a.issuedAtUs)), h('small', {}, 'логин ' + a.login)];
  if (a?.revokedAtUs && a.revokedAtUs !== '0') {
    return [h('span', { class: 'status-dot' }), 'Отозван ' + ddmmyyyy(isoOfUs(a.revokedAtUs)), h('small', {}, a.revokeReason || '')];
  }
  return [h('span', { class: 'status-dot' }), 'Не выдан'];
}

function accessClass(a) {
  if (a?.active) return 'access-on';
  return a?.revokedAtUs && a.revokedAtUs !== '0' ? 'access-off' : 'access-none';
}

function isoOfUs(us) {
  const d = new Date(Number(BigInt(us || 0) / 1000n));
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function className(classId) {
  return state.school.classes.find((c) => c.classId === classId)?.name || classId;
}

function staffRow(m) {
  const a = m.access;
  const actions = [];
  if (loads && (m.roles || []).includes('teacher')) {
    actions.push(h('button', { type: 'button', class: 'btn btn-small', onclick: () => loadsDialog({ member: m, school: state.school, send }) }, 'Нагрузка…'));
  }
  if (admin && m.userId !== me.userId) {
    if (a?.active) {
      actions.push(h('button', { type: 'button', class: 'btn btn-small btn-danger', onclick: () => revokeDialog({ command: send }, m) }, 'Отозвать доступ'));
    } else {
      actions.push(h('button', {
        type: 'button', class: 'btn btn-small btn-primary',
        onclick: () => issueDialog({ command: send }, m, { intro: 'Сотрудник получит логин и пароль для входа в журнал.', who: 'Сотрудник' }),
      }, a?.revokedAtUs && a.revokedAtUs !== '0' ? 'Выдать заново' : 'Выдать доступ'));
    }
    actions.push(h('button', { type: 'button', class: 'btn btn-small', onclick: () => rolesDialog(m) }, 'Роли…'));
  }
  const roles = (m.roles || []).map((r) => ROLE_NAMES[r] || r).join(', ');
  const led = (m.ledClasses || []).map(className);
  return h('tr', { class: 'staff-row', dataset: { user: m.userId } },
    h('th', { scope: 'row', class: 'person-name' }, m.fullName),
    h('td', { 'data-label': 'Роли' }, roles,
      led.length ? h('small', {}, 'классный руководитель ' + led.join(', ')) : null,
      m.assignments?.length ? h('small', {}, `нагрузка: ${m.assignments.length}`) : null),
    h('td', { 'data-label': 'Доступ', class: 'access ' + accessClass(a) }, accessCell(a)),
    h('td', { 'data-label': 'Последний вход' },
      a?.lastSignInUs && a.lastSignInUs !== '0' ? shortDateTimeText(a.lastSignInUs) : 'не входил(а)'),
    admin || loads ? h('td', { class: 'actions' }, actions) : null);
}

function renderStaff() {
  const rows = state.staff.map(staffRow);
  clear(staffBox).append(
    h('div', { class: 'section-head' },
      h('h2', { id: 'staff-title' }, 'Сотрудники'),
      office ? h('button', { type: 'button', class: 'btn btn-primary', onclick: addStaffDialog },
        admin ? 'Добавить сотрудника' : 'Добавить учителя') : null),
    rows.length ? h('div', { class: 'table-wrap' },
      h('table', { class: 'table staff-table' },
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, 'ФИО'),
          h('th', { scope: 'col' }, 'Роли'),
          h('th', { scope: 'col' }, 'Доступ к журналу'),
          h('th', { scope: 'col' }, 'Последний вход'),
          admin || loads ? h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Действия')) : null)),
        h('tbody', {}, rows)))
      : h('p', { class: 'empty' }, 'Сотрудники не добавлены.'),
    admin ? h('p', { class: 'hint' }, 'Логины учеников и родителей выдаёт классный руководитель на странице «Класс».') : null);
}

function roleBoxes(checked) {
  return STAFF_ROLES.map((r) => h('label', {},
    h('input', { type: 'checkbox', name: 'role', value: r, checked: checked.includes(r) }), ' ', ROLE_NAMES[r]));
}

function chosenRoles(form) {
  return [...form.querySelectorAll('input[name=role]:checked')].map((i) => i.value);
}

function addStaffDialog() {
  const fullName = h('input', { class: 'input', name: 'fullName', required: true, maxlength: 200, autocomplete: 'off', placeholder: 'Фамилия Имя Отчество' });
  const roles = h('fieldset', { class: 'role-choice' }, h('legend', {}, 'Роли'), roleBoxes(['teacher']));
  const userId = newUserId(me.schoolId, 'u');
  commandDialog('Новый сотрудник', {
    submitText: 'Добавить',
    fields: [
      h('label', {}, 'ФИО', fullName),
      admin ? roles : h('p', { class: 'hint' }, 'Роль: учитель. Другие роли даёт администратор.'),
      h('p', { class: 'hint' }, 'Логин для входа выдаёт администратор в списке сотрудников.'),
    ],
    check: () => {
      if (fullName.value.trim().split(/\s+/).length < 2) return 'Укажите фамилию и имя.';
      return admin && !chosenRoles(roles).length ? 'Выберите хотя бы одну роль.' : null;
    },
    send: () => send({ registerUser: {
      userId, schoolId: me.schoolId, fullName: fullName.value.trim().replace(/\s+/g, ' '),
      roles: admin ? chosenRoles(roles) : ['teacher'],
    } }),
    done: () => `Сотрудник добавлен: ${fullName.value.trim()}`,
  });
  fullName.focus();
}

function rolesDialog(m) {
  const roles = h('fieldset', { class: 'role-choice' }, h('legend', {}, 'Роли'), roleBoxes(m.roles || []));
  commandDialog(`Роли: ${m.fullName}`, {
    submitText: 'Сохранить',
    fields: [roles, h('p', { class: 'hint' }, 'Права меняются сразу, в том числе в открытых сеансах.')],
    check: () => (chosenRoles(roles).length ? null : 'Выберите хотя бы одну роль.'),
    send: () => send({ changeRoles: { userId: m.userId, roles: chosenRoles(roles) } }),
    done: () => `Роли изменены: ${m.fullName}`,
  });
}

// ---- start ----

try {
  await client.subscribe({ school: '' }, showSchool);
} catch (err) {
  showError(errorBox, 'Не удалось загрузить сведения о школе', err);
}
