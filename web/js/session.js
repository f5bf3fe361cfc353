// Signing in and the pages a user may open. Every page but the sign-in page
// calls startPage(): it connects, authenticates with the tab's session token
// (or sends the user to the sign-in page), draws the common header with the
// navigation for the user's roles, and hands back the client and `me`.
import { Client, storedToken } from './client.js';
import { h, clear } from './dom.js';
import { commandDialog } from './dialogs.js';
import { ROLE_NAMES } from './format.js';

// The pages, in the order the navigation shows them. A page is offered to a
// user holding any of its roles. The secretary reads no marks
// (docs/permissions.md): she works on the class lists.
export const PAGES = [
  { id: 'diary', href: 'diary.html', title: 'Дневник', roles: ['parent', 'student'] },
  {
    id: 'register', href: 'register.html', title: 'Журнал класса',
    roles: ['teacher', 'director', 'deputyDirector', 'administrator'],
  },
  { id: 'audit', href: 'audit.html', title: 'История', roles: ['auditor'] },
  { id: 'log', href: 'log.html', title: 'Журнал событий', roles: ['auditor'] },
  {
    // Teachers see it only for the classes they lead (`when`).
    id: 'class', href: 'class.html', title: 'Класс',
    roles: ['teacher', 'director', 'deputyDirector', 'administrator', 'secretary', 'auditor'],
    when: (me) => (me.roles || []).some((r) =>
      ['director', 'deputyDirector', 'administrator', 'secretary', 'auditor'].includes(r)) ||
      (me.ledClasses || []).length > 0,
  },
  {
    id: 'compliance', href: 'compliance.html', title: 'Мониторинг',
    roles: ['director', 'deputyDirector', 'administrator'],
  },
  {
    // The staff and the reference books; the administrator keeps them.
    id: 'school', href: 'school.html', title: 'Школа',
    roles: ['administrator', 'director', 'deputyDirector', 'secretary'],
  },
];

// Where each role lands after signing in, most specific role first. The
// director and the deputy land on the monthly compliance check; the
// administrator on the school's staff and reference books (a new school has
// nothing else yet); the auditor on the history of changes (audit.html).
const LANDING = [
  ['director', 'compliance'],
  ['deputyDirector', 'compliance'],
  ['administrator', 'school'],
  ['auditor', 'audit'],
  ['teacher', 'register'],
  ['secretary', 'class'],
  ['parent', 'diary'],
  ['student', 'diary'],
];

export function pagesFor(me) {
  const roles = new Set(me?.roles || []);
  return PAGES.filter((p) => p.roles.some((r) => roles.has(r)) && (!p.when || p.when(me)));
}

export function landingFor(me) {
  const roles = new Set(me?.roles || []);
  for (const [role, page] of LANDING) {
    if (roles.has(role)) return PAGES.find((p) => p.id === page).href;
  }
  return null;
}

export function hasRole(me, ...roles) {
  return (me?.roles || []).some((r) => roles.includes(r));
}

function signInUrl(reason) {
  const params = new URLSearchParams({ next: location.pathname.replace(/^.*\//, '') + location.search });
  if (reason) params.set('reason', reason);
  return 'index.html?' + params;
}

// Connects and authenticates; never resolves when it redirects to sign-in.
export async function startPage(pageId) {
  if (!storedToken()) {
    location.replace(signInUrl());
    return new Promise(() => {});
  }
  const client = new Client();
  client.addEventListener('signedout', () => location.replace(signInUrl('expired')));
  let me;
  try {
    me = await client.connect();
  } catch {
    return new Promise(() => {});  // 'signedout' redirects
  }
  renderHeader(client, me, pageId);
  return { client, me };
}

const STATUS_TEXT = { online: 'на связи', connecting: 'подключение…', offline: 'нет связи, переподключаемся…' };

function renderHeader(client, me, pageId) {
  const header = document.getElementById('app-header');
  if (!header) return;
  const status = h('span', { class: 'conn conn-' + client.status, role: 'status', title: 'Связь с сервером' },
    STATUS_TEXT[client.status]);
  client.addEventListener('status', (e) => {
    status.className = 'conn conn-' + e.detail;
    status.textContent = STATUS_TEXT[e.detail];
  });
  const nav = pagesFor(me).map((p) => h('a', {
    href: p.href,
    class: p.id === pageId ? 'nav-link active' : 'nav-link',
    'aria-current': p.id === pageId ? 'page' : null,
  }, p.title));
  const roles = (me.roles || []).map((r) => ROLE_NAMES[r] || r).join(', ');
  clear(header).append(
    h('a', { href: landingFor(me) || 'index.html', class: 'brand' },
      h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, 'Ж'), 'Электронный журнал'),
    h('nav', { class: 'nav', 'aria-label': 'Разделы' }, nav),
    h('div', { class: 'user' },
      status,
      h('span', { class: 'user-name' }, h('span', {}, me.fullName), h('small', {}, roles)),
      h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => passwordDialog(client) }, 'Сменить пароль'),
      h('button', {
        type: 'button', class: 'btn btn-ghost', onclick: async () => {
          try { await client.signOut(); } catch { /* leave anyway */ }
          location.replace('index.html');
        },
      }, 'Выйти')));
}

// The user's own password: the old one, the new one twice. The server ends
// the user's other sessions; this one stays signed in.
function passwordDialog(client) {
  const input = (name, autocomplete) => h('input', {
    type: 'password', class: 'input', name, required: true, autocomplete, maxlength: 128,
  });
  const old = input('oldPassword', 'current-password');
  const fresh = input('newPassword', 'new-password');
  const again = input('newPasswordAgain', 'new-password');
  commandDialog('Смена пароля', {
    submitText: 'Сменить пароль',
    fields: [
      h('label', {}, 'Текущий пароль', old),
      h('label', {}, 'Новый пароль', fresh),
      h('small', { class: 'hint' }, 'Не короче 8 символов. После смены на других устройствах нужно будет войти заново.'),
      h('label', {}, 'Новый пароль ещё раз', again),
    ],
    check: () => (fresh.value !== again.value ? 'Новые пароли не совпадают.' : null),
    send: () => client.request({ changePassword: { oldPassword: old.value, newPassword: fresh.value } }, { retry: false }),
    done: () => 'Пароль изменён',
  });
  old.focus();
}
