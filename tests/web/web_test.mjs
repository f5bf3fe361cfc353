// Browser tests of zhurnal's pages against a running demo server (started by
// run.sh). Each test drives real headless Chromium through playwright-core;
// pages are signed in through the sign-in form as the demo's people. A
// screenshot of each page goes to --screenshots. Waits are on conditions
// with deadlines, never fixed sleeps.
//
//   node web_test.mjs --url http://127.0.0.1:PORT/ --hints server.out --screenshots DIR
import { join } from 'node:path';
import {
  BASE, SHOTS, PASSWORD, hints, requireHints, tests,
  test, scriptErrors, assert, shot, browser, ask, runTests, openPage,
} from './harness.mjs';
const LIVE_BUDGET_MS = 1000;  // "appears within a second"
requireHints(['teacher', 'parent', 'auditor', 'director']);

// Lets a test drop the page's WebSocket as a network failure would.
function recordSockets() {
  const Native = window.WebSocket;
  window.__zhurnalSockets = [];
  window.WebSocket = class extends Native {
    constructor(...a) {
      super(...a);
      window.__zhurnalSockets.push(this);
    }
  };
}
const newPage = (viewport) => openPage({ viewport, initScript: recordSockets });

async function signIn(page, login, password = PASSWORD) {
  await page.goto(BASE);
  await page.fill('#login', login);
  await page.fill('#password', password);
  await Promise.all([
    page.waitForURL((u) => /\/(diary|register|log|compliance|audit)\.html/.test(u.pathname), { timeout: 15000 }),
    page.click('button[type=submit]'),
  ]);
}

// The register's cells as data: which are free for a new entry.
async function registerCells(page) {
  return page.$$eval('table.register tbody tr', (rows) => rows.map((row) => ({
    name: row.querySelector('th.col-name').textContent.trim(),
    cells: [...row.querySelectorAll('td[data-lesson]')].map((td) => ({
      student: td.dataset.student, lesson: td.dataset.lesson, date: td.dataset.date,
      free: !td.classList.contains('not-enrolled') && !td.classList.contains('cancelled') &&
        !td.querySelector('.mark, .att, .pending'),
    })),
  })));
}

const cellSelector = (c) => `td[data-student="${c.student}"][data-lesson="${c.lesson}"]`;

// ---- shared state, filled as the tests run ----

const today = new Date().toISOString().slice(0, 10);
let teacher, parent, child;   // pages and the parent's child in the teacher's class

// ---- tests ----

test('sign-in with a wrong password shows the error', async () => {
  const page = await newPage();
  await page.goto(BASE);
  await shot(page, '01-signin.png');
  await page.fill('#login', hints.teacher.login);
  await page.fill('#password', 'not-the-password');
  await page.click('button[type=submit]');
  const error = page.locator('#signin-error');
  await error.waitFor({ state: 'visible', timeout: 5000 });
  const text = await error.textContent();
  assert(/Неверный логин или пароль/.test(text), `unexpected error text: ${text}`);
  assert(new URL(page.url()).pathname === '/' || page.url().endsWith('index.html'), 'left the sign-in page');
  await shot(page, '02-signin-wrong-password.png');
  await page.context().close();
});

test('each role lands on its page after sign-in', async () => {
  const cases = [['teacher', 'register.html'], ['parent', 'diary.html'], ['auditor', 'audit.html'], ['director', 'compliance.html']];
  for (const [role, pageName] of cases) {
    const page = await newPage();
    await signIn(page, hints[role].login);
    assert(page.url().includes(pageName), `${role} landed on ${page.url()}, expected ${pageName}`);
    if (role === 'director') {
      await page.locator('#summary .kpi').first().waitFor({ timeout: 20000 });
      await shot(page, '03-director-landing.png');
    }
    await page.context().close();
  }
});

test('teacher enters marks by keyboard: 5, Enter, next cell', async () => {
  teacher = await newPage();
  await signIn(teacher, hints.teacher.login);
  await teacher.locator('table.register td[data-lesson]').first().waitFor({ timeout: 20000 });
  await shot(teacher, '04-register.png');
  const rows = await registerCells(teacher);
  const columns = rows[0].cells.length;
  // Two students one under the other with free cells in a lesson up to today.
  let first = null, second = null;
  for (let c = columns - 1; c >= 0 && !first; c--) {
    for (let r = 0; r + 1 < rows.length; r++) {
      const a = rows[r].cells[c], b = rows[r + 1].cells[c];
      if (a.date <= today && a.free && b.free) {
        first = a;
        second = b;
        break;
      }
    }
  }
  assert(first, 'no two free cells one under the other in the register');
  await teacher.click(cellSelector(first));
  await teacher.locator('.cell-editor:not([hidden])').waitFor({ timeout: 3000 });
  await shot(teacher, '05-register-cell-editor.png');
  await teacher.keyboard.type('5');
  await teacher.locator(`${cellSelector(first)} .draft`).waitFor({ timeout: 2000 });
  await teacher.keyboard.press('Enter');
  const focused = await teacher.evaluate(() => document.activeElement?.dataset?.student);
  assert(focused === second.student, `after Enter the focus is on ${focused}, expected the next student ${second.student}`);
  await teacher.keyboard.type('4');
  await teacher.keyboard.press('Enter');
  // Saved: the server's view shows both marks (not pending), marked late
  // (entered long after 17:00 of the lesson's day).
  await teacher.locator(`${cellSelector(first)} .mark:not(.pending)`, { hasText: '5' }).waitFor({ timeout: 5000 });
  await teacher.locator(`${cellSelector(second)} .mark:not(.pending)`, { hasText: '4' }).waitFor({ timeout: 5000 });
  assert(await teacher.locator(`${cellSelector(first)} .pending`).count() === 0, 'the mark is still pending');
  assert(await teacher.locator(`${cellSelector(first)} .mark.late`).count() === 1, 'a late entry is not shown as late');
  await shot(teacher, '06-register-keyboard-entry.png');
  teacher.firstCell = first;
  teacher.secondCell = second;
});

test('correcting and cancelling a mark ask for the reason', async () => {
  assert(teacher?.firstCell, 'needs the keyboard test');
  const a = teacher.firstCell, b = teacher.secondCell;
  // Typing over a mark opens the correction with the typed value.
  await teacher.click(cellSelector(a));
  await teacher.keyboard.press('Escape');
  await teacher.focus(cellSelector(a));
  await teacher.keyboard.type('3');
  await teacher.keyboard.press('Enter');
  const form = teacher.locator('.cell-editor:not([hidden]) form');
  await form.waitFor({ timeout: 3000 });
  await form.locator('button[type=submit]').click();
  await teacher.locator('.cell-editor .form-error:not([hidden])', { hasText: 'причину' }).waitFor({ timeout: 2000 });
  await form.locator('textarea').fill('Ошибка при вводе: ответ оценён неверно');
  await shot(teacher, '07-register-correction-reason.png');
  await form.locator('button[type=submit]').click();
  await teacher.locator(`${cellSelector(a)} .mark.corrected`, { hasText: '3' }).waitFor({ timeout: 5000 });
  // Delete asks to cancel the mark, with a reason.
  await teacher.focus(cellSelector(b));
  await teacher.keyboard.press('Delete');
  const cancel = teacher.locator('.cell-editor:not([hidden]) form');
  await cancel.waitFor({ timeout: 3000 });
  await cancel.locator('textarea').fill('Отметка поставлена не тому ученику');
  await cancel.locator('button[type=submit]').click();
  await teacher.waitForFunction((sel) => !document.querySelector(sel + ' .mark, ' + sel + ' .pending'), cellSelector(b), { timeout: 5000 });
});

// The answer to a command can come after the view that already shows it
// (the push overtakes it on a busy server): the cell must still stop saying
// "saving" then. Answers are held back on this page's socket to force it.
test('a cell stops saying "saving" when the answer comes after the view', async () => {
  assert(teacher?.firstCell, 'needs the keyboard test');
  const page = await newPage();
  let held = 0;
  await page.routeWebSocket(/\/ws$/, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((message) => {
      let accepted = false;
      try {
        accepted = Boolean(JSON.parse(message).response?.result?.accepted);
      } catch {}
      if (!accepted) return ws.send(message);
      held++;
      setTimeout(() => ws.send(message), 1500);
    });
  });
  try {
    await signIn(page, hints.teacher.login);
    await page.locator('table.register td[data-lesson]').first().waitFor({ timeout: 20000 });
    const rows = await registerCells(page);
    const cell = rows.flatMap((r) => r.cells).reverse().find((c) => c.free && c.date <= today);
    assert(cell, 'no free cell in the register');
    await page.focus(cellSelector(cell));
    await page.keyboard.type('4');
    await page.keyboard.press('Enter');
    // The push shows the mark while the answer is still held back...
    await page.locator(`${cellSelector(cell)} .mark:not(.pending)`, { hasText: '4' }).waitFor({ timeout: 5000 });
    // ...and once the answer arrives nothing is left saying "saving".
    await page.waitForFunction((sel) => !document.querySelector(sel + ' .pending'), cellSelector(cell), { timeout: 5000 });
    assert(held === 1, `${held} answers were held back, expected the one command's`);
  } finally {
    await page.context().close();
  }
});

test('teacher writes a lesson\'s topic and homework', async () => {
  assert(teacher?.firstCell, 'needs the keyboard test');
  const lessonIndex = await teacher.$$eval('table.register tbody tr:first-child td[data-lesson]',
    (tds, id) => tds.findIndex((td) => td.dataset.lesson === id), teacher.firstCell.lesson);
  await teacher.locator('table.register thead .lesson-head').nth(lessonIndex).click();
  const dialog = teacher.locator('dialog.lesson-dialog[open]');
  await dialog.waitFor({ timeout: 3000 });
  await dialog.locator('#lesson-hw').fill('Упр. 101, 102; выучить правило на с. 40');
  await shot(teacher, '08-register-lesson-dialog.png');
  await dialog.locator('button[type=submit]').click();
  await dialog.waitFor({ state: 'hidden', timeout: 5000 });
  await teacher.locator('.topics-table td', { hasText: 'Упр. 101, 102' }).waitFor({ timeout: 5000 });
});

test('parent sees a mark live when the teacher posts it in another browser', async () => {
  parent = await newPage();
  await signIn(parent, hints.parent.login);
  await parent.locator('#diary-title').waitFor();
  // The child in the teacher's class: the hint names her ("мать: Ева, 1Б; Елизавета, 5А").
  const className = (await teacher.locator('#register-title').textContent()).match(/Журнал: ([^,]+),/)[1];
  const firstName = hints.parent.note.split(/[:;]/).map((s) => s.trim())
    .find((s) => s.endsWith(', ' + className))?.split(',')[0];
  assert(firstName, `the parent has no child in ${className}: ${hints.parent.note}`);
  const chip = parent.locator('.child-switch .chip', { hasText: firstName });
  if (await chip.count()) await chip.click();
  await parent.locator('#diary-title', { hasText: firstName }).waitFor({ timeout: 10000 });
  const title = await parent.locator('#diary-title').textContent();
  const fullName = title.replace(/^Дневник: /, '').replace(/, [^,]+$/, '');
  const rows = await registerCells(teacher);
  const row = rows.find((r) => r.name.startsWith(fullName));
  assert(row, `${fullName} is not in the teacher's register`);
  const cell = [...row.cells].reverse().find((c) => c.free && c.date <= today);
  assert(cell, `no free cell for ${fullName}`);
  child = { studentId: cell.student, fullName, others: rows.filter((r) => r !== row).map((r) => r.cells[0].student) };

  // The parent opens the week of that lesson and waits for it.
  await parent.goto(`${BASE}diary.html?student=${child.studentId}&date=${cell.date}`);
  await parent.locator('.day-title').first().waitFor({ timeout: 10000 });
  const before = await parent.locator('.mark.is-new').count();
  assert(before === 0, 'marks highlighted before anything was posted');

  await teacher.click(cellSelector(cell));
  await teacher.keyboard.type('5');
  const posted = Date.now();
  await teacher.keyboard.press('Enter');
  await parent.locator('.lessons .mark.is-new', { hasText: '5' }).first().waitFor({ timeout: 5000 });
  const latency = Date.now() - posted;
  console.log(`    the mark appeared on the parent's page ${latency} ms after the teacher pressed Enter`);
  await parent.locator('.toast', { hasText: 'Новая отметка' }).waitFor({ timeout: 2000 });
  // The push was a patch (the lesson and its subject): the period's table has the mark too.
  await parent.locator('.subjects-table .mark.is-new', { hasText: '5' }).first().waitFor({ timeout: 2000 });
  await shot(parent, '09-diary-live-mark.png', { fullPage: true });
  assert(latency <= LIVE_BUDGET_MS, `the mark took ${latency} ms to appear (budget ${LIVE_BUDGET_MS} ms)`);
  const badge = parent.locator('.lessons .mark.is-new', { hasText: '5' }).first();
  assert(await badge.getAttribute('data-fresh') === 'новая', 'a new mark is not labelled «новая»');
  // The teacher corrects it: the parent is told what it was and what it is, not of a new mark.
  const markId = await badge.getAttribute('data-mark');
  const [, corrected] = await ask(teacher, [{ command: { commandId: `fix-${markId}`, command: { correctMark: { markId, value: { numeric: 4 }, reason: 'Ошибка ввода' } } } }]);
  assert(corrected.ok, JSON.stringify(corrected));
  await parent.locator('.toast', { hasText: 'Отметка исправлена' }).waitFor({ timeout: 5000 });
  const fixed = parent.locator(`.lessons .mark[data-mark="${markId}"]`).first();
  await fixed.filter({ hasText: '4' }).waitFor({ timeout: 5000 });
  assert(await fixed.getAttribute('data-fresh') === 'исправлена', `the corrected mark is labelled ${await fixed.getAttribute('data-fresh')}`);
  const toastText = await parent.locator('.toast', { hasText: 'Отметка исправлена' }).first().textContent();
  assert(/5.*→.*4/.test(toastText), `the correction's toast: ${toastText}`);
});

test('after a dropped connection the diary reconnects and gets what it missed', async () => {
  assert(child, 'needs the live test');
  const rows = await registerCells(teacher);
  const row = rows.find((r) => r.cells.some((c) => c.student === child.studentId));
  const cell = [...row.cells].reverse().find((c) => c.free && c.date <= today);
  assert(cell, 'no free cell for the child');
  await parent.goto(`${BASE}diary.html?student=${child.studentId}&date=${cell.date}`);
  await parent.locator('.day-title').first().waitFor({ timeout: 10000 });
  await parent.locator('.conn-online').waitFor({ timeout: 5000 });
  // Offline: the socket drops and reconnects fail until the network is back.
  await parent.context().setOffline(true);
  try {
    await parent.evaluate(() => window.__zhurnalSockets?.forEach((ws) => ws.close()));
    await parent.locator('.conn-offline').waitFor({ timeout: 5000 });
    await teacher.click(cellSelector(cell));
    await teacher.keyboard.type('3');
    await teacher.keyboard.press('Enter');
    await teacher.locator(`${cellSelector(cell)} .mark`, { hasText: '3' }).waitFor({ timeout: 5000 });
  } finally {
    await parent.context().setOffline(false);
  }
  await parent.locator('.conn-online').waitFor({ timeout: 15000 });
  await parent.locator('.lessons .mark.is-new', { hasText: '3' }).first().waitFor({ timeout: 5000 });
});

test('a parent cannot open another child\'s diary', async () => {
  assert(child, 'needs the live test');
  const other = child.others.find((id) => id !== child.studentId);
  await parent.goto(`${BASE}diary.html?student=${other}`);
  const error = parent.locator('.error-box');
  await error.waitFor({ timeout: 10000 });
  const text = await error.textContent();
  assert(/Нет доступа к этому дневнику/.test(text) && /Недостаточно прав/.test(text), `unexpected page text: ${text}`);
  assert(await parent.locator('.lesson').count() === 0, 'lessons of another child are shown');
  await shot(parent, '10-diary-forbidden.png');
  // The server itself refuses, whatever the page does.
  const code = await parent.evaluate(async (studentId) => {
    const ws = new WebSocket(new URL('ws', location.href).href.replace(/^http/, 'ws'));
    await new Promise((resolve) => { ws.onopen = resolve; });
    const ask = (body) => new Promise((resolve) => {
      ws.onmessage = (e) => resolve(JSON.parse(e.data).response);
      ws.send(JSON.stringify({ id: 't', ...body }));
    });
    await ask({ authenticate: sessionStorage.getItem('zhurnal.token') });
    const r = await ask({ diary: { studentId, date: '2026-09-07' } });
    ws.close();
    return r.ok ? 'ok' : r.error.code;
  }, other);
  assert(code === 'forbidden', `the server answered ${code}, expected forbidden`);
});

test('the diary works on a phone', async () => {
  assert(child, 'needs the live test');
  const phone = await newPage({ width: 390, height: 844 });
  await signIn(phone, hints.parent.login);
  await phone.goto(`${BASE}diary.html?student=${child.studentId}&date=2026-09-14`);
  await phone.locator('.day-title').first().waitFor({ timeout: 10000 });
  await phone.locator('.chart').waitFor();
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 0, `the page is ${overflow}px wider than the phone's screen`);
  await shot(phone, '11-diary-phone.png', { fullPage: true });
  await phone.context().close();
});

test('the register fits a phone: no page wider than the screen, the dates beside the names', async () => {
  const phone = await newPage({ width: 390, height: 844 });
  await signIn(phone, hints.teacher.login);
  await phone.locator('.register td.cell').first().waitFor({ timeout: 10000 });
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 0, `the page is ${overflow}px wider than the phone's screen`);
  const name = await phone.locator('.register tbody .col-name').first().boundingBox();
  assert(name.x + name.width <= 390 * 0.5, `the names' column ends at ${Math.round(name.x + name.width)}px of 390`);
  await shot(phone, '11a-register-phone.png');
  await phone.context().close();
});

test('auditor sees the teacher\'s entries in the event log, live', async () => {
  const page = await newPage();
  await signIn(page, hints.auditor.login);
  await page.goto(BASE + 'log.html');  // the auditor lands on the history (audit.html)
  await page.locator('.log-table tbody tr.event-row').first().waitFor({ timeout: 10000 });
  await page.selectOption('#f-type', 'MarkPosted');
  await page.fill('#f-actor', hints.teacher.fullName.split(' ')[0]);
  await page.locator('.log-table tr.event-row').first().waitFor({ timeout: 5000 });
  const count = await page.locator('.log-table tr.event-row').count();
  // A mark posted now shows up at the top without a reload.
  const rows = await registerCells(teacher);
  const cell = rows.flatMap((r) => r.cells).reverse().find((c) => c.free && c.date <= today);
  await teacher.click(cellSelector(cell));
  await teacher.keyboard.type('4');
  await teacher.keyboard.press('Enter');
  await page.waitForFunction((n) => document.querySelectorAll('.log-table tr.event-row').length > n, count, { timeout: 5000 });
  await page.locator('.log-table tr.event-row').first().click();
  await page.locator('.details-row .payload').waitFor();
  await shot(page, '12-log.png');
  await page.context().close();
});

test('the register prints by month', async () => {
  await teacher.emulateMedia({ media: 'print' });
  await teacher.locator('.print-table').first().waitFor({ state: 'visible', timeout: 3000 });
  assert(await teacher.locator('.app-header').isHidden(), 'the header is printed');
  await shot(teacher, '13-register-print.png', { fullPage: true });
  await teacher.emulateMedia({ media: 'screen' });
  await teacher.pdf({ path: join(SHOTS, '13-register-print.pdf'), landscape: true, format: 'A4' });
});

test('no script errors on any page', async () => {
  assert(scriptErrors.length === 0, 'script errors:\n' + scriptErrors.join('\n'));
});

// ---- run ----

await runTests(async (index) => {
  for (const [name, page] of [['teacher', teacher], ['parent', parent]]) {
    if (page && !page.isClosed()) {
      await page.screenshot({ path: join(SHOTS, `failed-${index}-${name}.png`) }).catch(() => {});
    }
  }
}, { printShots: true });
