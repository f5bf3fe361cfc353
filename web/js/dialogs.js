// Dialogs shared by the pages that manage people: a modal dialog, a form
// dialog that sends one command (or a few) and shows a refusal in place, and
// issuing and revoking a login, with the one-time password shown once as a
// printable slip. Used by the class page (students and parents) and the
// school page (staff).
import { h, clear, toast } from './dom.js';

// A modal <dialog> with a title, removed from the page when closed.
export function dialog(titleText, ...content) {
  const d = h('dialog', { class: 'lesson-dialog roster-dialog', 'aria-labelledby': 'roster-dialog-title' },
    h('h2', { id: 'roster-dialog-title' }, titleText), ...content);
  d.addEventListener('close', () => d.remove());
  document.body.append(d);
  d.showModal();
  return d;
}

// A dialog whose form runs `send()` (commands) on submit: the button is
// disabled meanwhile, a refusal is shown in the form, success closes it
// with the toast `done()` (none if it returns nothing). `check()` may
// return a message that stops the submit.
export function commandDialog(titleText, { submitText, danger = false, fields, check = () => null, send, done }) {
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: danger ? 'btn btn-danger' : 'btn btn-primary' }, submitText);
  const d = dialog(titleText,
    h('form', {
      onsubmit: async (e) => {
        e.preventDefault();
        const problem = check();
        if (problem) {
          error.textContent = problem;
          error.hidden = false;
          return;
        }
        submit.disabled = true;
        error.hidden = true;
        try {
          await send();
          d.close();
          const message = done();
          if (message) toast(message, { kind: 'success' });
        } catch (err) {
          error.textContent = err.message || 'Не удалось записать';
          error.hidden = false;
          submit.disabled = false;
        }
      },
    },
    ...fields,
    error,
    h('div', { class: 'dialog-buttons' }, submit,
      h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => d.close() }, 'Отмена'))));
  return d;
}

const TRANSLIT = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l',
  м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch',
  ш: 'sh', щ: 'shch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya',
};

// Latin letters for a Russian name: logins, and ids made from names.
export function latin(text) {
  return [...text.toLowerCase()].map((c) => TRANSLIT[c] ?? (/[a-z0-9]/.test(c) ? c : '')).join('');
}

// A new person's id: the school's, the kind ('s' student, 'p' parent, 'u'
// staff), then random hex (the import derives its ids from the list's
// content; a form has nothing as stable).
export function newUserId(schoolId, kind) {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return `${schoolId}-${kind}-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

// "Иванова Мария Петровна" -> "ivanova.mp"
export function suggestLogin(fullName) {
  const [surname = '', ...rest] = fullName.trim().split(/\s+/);
  const initials = rest.map((w) => latin(w)[0] || '').join('');
  const login = latin(surname) + (initials ? '.' + initials : '');
  return login.length >= 3 ? login.slice(0, 60) : login + 'user';
}

function bumpLogin(login) {
  const m = /^(.*?)(\d+)$/.exec(login);
  return m ? m[1] + (Number(m[2]) + 1) : login + '2';
}

// The slip printed alone (app.css: body.printing-slip).
let slip = null;
function printSlip(body) {
  if (!slip) {
    slip = h('div', { class: 'password-slip-print', 'aria-hidden': 'true' });
    document.body.append(slip);
    window.addEventListener('afterprint', () => document.body.classList.remove('printing-slip'));
  }
  clear(slip).append(body);
  document.body.classList.add('printing-slip');
  window.print();
}

// Issues a login to `person` ({userId, fullName}); `intro` says what it
// opens, `who` names the person on the slip ("Ученик", "Родитель",
// "Сотрудник").
export function issueDialog(client, person, { intro, who }) {
  // A login is never issued twice, not even to its revoked owner: after a
  // revocation the next one is offered.
  const previous = person.access?.login || '';
  const login = h('input', { class: 'input', name: 'login', required: true, autocomplete: 'off', spellcheck: 'false',
    value: previous ? bumpLogin(previous) : suggestLogin(person.fullName) });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Выдать доступ');
  const d = dialog(`Доступ для: ${person.fullName}`,
    h('form', {
      onsubmit: async (e) => {
        e.preventDefault();
        submit.disabled = true;
        error.hidden = true;
        try {
          const accepted = await client.command({ issueCredentials: { userId: person.userId, login: login.value.trim() } });
          d.close();
          showPassword(person, login.value.trim(), accepted, who);
        } catch (err) {
          error.textContent = err.message || 'Не удалось выдать доступ';
          error.hidden = false;
          if (err.code === 'already_exists') login.value = bumpLogin(login.value.trim());
          submit.disabled = false;
        }
      },
    },
    h('p', {}, intro),
    previous ? h('p', { class: 'hint' }, `Прежний логин ${previous} повторно не выдаётся.`) : null,
    h('label', {}, 'Логин', login),
    h('small', { class: 'hint' }, 'Латинские буквы, цифры и . _ - @; от 3 до 64 символов.'),
    error,
    h('div', { class: 'dialog-buttons' }, submit,
      h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => d.close() }, 'Отмена'))));
  login.select();
}

// The initial password, shown once: printable as a slip to hand over.
function showPassword(person, login, accepted, who) {
  if (!accepted.initialPassword) {
    toast(accepted.duplicate ? 'Этот доступ уже был выдан; пароль показывался при выдаче.' : 'Доступ выдан, но пароль не получен: отзовите доступ и выдайте заново.',
      { kind: 'error' });
    return;
  }
  const address = new URL('.', location.href).href;
  const slipBody = () => h('div', { class: 'slip' },
    h('h3', {}, 'Доступ к электронному журналу'),
    h('p', {}, `${who}: `, h('strong', {}, person.fullName)),
    h('dl', { class: 'slip-fields' },
      h('dt', {}, 'Адрес'), h('dd', {}, address),
      h('dt', {}, 'Логин'), h('dd', { class: 'slip-login' }, login),
      h('dt', {}, 'Пароль'), h('dd', { class: 'slip-password', 'data-testid': 'initial-password' }, accepted.initialPassword)),
    h('p', { class: 'slip-note' }, 'Пароль временный: при первом входе журнал попросит придумать свой, после чего этот перестанет действовать. Не передавайте логин и пароль другим людям.'));
  const d = dialog('Доступ выдан',
    h('p', { class: 'notice' }, 'Пароль показывается только один раз. Распечатайте его или перепишите и передайте лично.'),
    slipBody(),
    h('div', { class: 'dialog-buttons' },
      h('button', { type: 'button', class: 'btn', onclick: () => printSlip(slipBody()) }, 'Распечатать'),
      h('button', { type: 'button', class: 'btn btn-primary', onclick: () => d.close() }, 'Готово')));
  d.addEventListener('close', () => slip && clear(slip));
}

// Revokes `person`'s login ({userId, fullName, access}) with a reason.
export function revokeDialog(client, person) {
  const reason = h('input', { class: 'input', name: 'reason', maxlength: 500, 'aria-required': 'true' });
  commandDialog('Отозвать доступ?', {
    submitText: 'Отозвать доступ',
    danger: true,
    fields: [
      h('p', {}, h('strong', {}, person.fullName), ` (логин ${person.access?.login || '—'}) больше не сможет войти; открытые сеансы завершатся сразу.`),
      h('label', {}, 'Причина', reason),
    ],
    check: () => (reason.value.trim() ? null : 'Укажите причину.'),
    send: () => client.command({ revokeCredentials: { userId: person.userId, reason: reason.value.trim() } }),
    done: () => `Доступ отозван: ${person.fullName}`,
  });
  reason.focus();
}
