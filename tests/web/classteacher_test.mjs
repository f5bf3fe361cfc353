// Browser tests of the class teacher's page (class.html) and the parent's
// diary against the demo server run.sh starts: the class teacher issues a
// parent's access, the one-time password shown signs that parent in (in
// another browser context) and the parent lands on her diary; revoking the
// access ends the parent's open session; a parent can open neither another
// child's diary nor the class page. A screenshot of each page goes to
// --screenshots. Waits are on conditions with deadlines, never fixed sleeps.
//
//   node classteacher_test.mjs --url http://127.0.0.1:PORT/ --hints server.out --screenshots DIR
import { join } from 'node:path';
import {
  BASE, SHOTS, PASSWORD, hints, requireHints, tests,
  test, scriptErrors, assert, shot, browser, runTests, openPage, firstSignIn,
} from './harness.mjs';
requireHints(['teacher', 'parent', 'director']);

// Each call is a separate browser context: its own sessionStorage, so its
// own signed-in user.
const newPage = (viewport) => openPage({ viewport });

async function signIn(page, login, password = PASSWORD) {
  await page.goto(BASE);
  await page.fill('#login', login);
  await page.fill('#password', password);
  await Promise.all([
    page.waitForURL((u) => /\/(diary|register|log|compliance|class)\.html/.test(u.pathname), { timeout: 15000 }),
    page.click('button[type=submit]'),
  ]);
}

// ---- shared state, filled as the tests run ----

let teacher;        // the class teacher's page
let issued;         // {userId, fullName, login, password} of the parent given access
let newParent;      // that parent's page (another browser context)
const OWN_PASSWORD = 'Мама-2026-свой';  // the one she sets at her first sign-in

// ---- tests ----

test('the class teacher opens her class list from the navigation', async () => {
  teacher = await newPage();
  await signIn(teacher, hints.teacher.login);
  await teacher.click('nav a[href="class.html"]');
  await teacher.waitForURL(/class\.html\?class=/);
  await teacher.locator('table.roster-table tbody tr.student-row').first().waitFor({ timeout: 15000 });
  const title = await teacher.textContent('#class-title');
  const wanted = hints.teacher.note.match(/классный руководитель (\S+),/)?.[1];
  assert(wanted && title.includes(wanted), `title "${title}", expected the class ${wanted}`);
  const students = await teacher.locator('tr.student-row').count();
  const parents = await teacher.locator('tr.parent-row:not(.no-parents)').count();
  assert(students >= 15, `only ${students} students listed`);
  assert(parents >= 10, `only ${parents} parents listed`);
  // The summary names the same number of students.
  const summary = await teacher.textContent('.roster-summary');
  assert(summary.includes(String(await teacher.locator('tr.student-row:not(.left)').count())), `summary: ${summary}`);
  await shot(teacher, '20-class-list.png', { fullPage: true });
});

test('issuing a parent\'s access shows a one-time password, printable', async () => {
  // A parent other than the demo's hinted one (the demo gave every parent a
  // login: take it back first, as for a parent who lost it).
  const first = teacher.locator(`tr.parent-row:not(.no-parents):not(:has(.person-name:text-is("${hints.parent.fullName}")))`).first();
  await first.waitFor({ timeout: 5000 });
  const userId = await first.getAttribute('data-user');
  const row = teacher.locator(`tr[data-user="${userId}"]`).first();
  const fullName = (await row.locator('.person-name').textContent()).trim();
  const dialog = teacher.locator('dialog.roster-dialog[open]');
  if (await row.locator('button:text-is("Отозвать доступ")').count()) {
    await row.locator('button:text-is("Отозвать доступ")').click();
    await dialog.waitFor();
    await dialog.locator('input[name=reason]').fill('Родитель потерял пароль');
    await dialog.locator('button[type=submit]').click();
    await row.locator('.access-off').waitFor({ timeout: 5000 });
  }
  await row.locator('button:text-matches("^Выдать")').click();
  await dialog.waitFor();
  const login = `${(await dialog.locator('input[name=login]').inputValue())}.t${Date.now() % 100000}`;
  await dialog.locator('input[name=login]').fill(login);
  await shot(teacher, '21-class-issue-dialog.png');
  await dialog.locator('button[type=submit]').click();
  const password = teacher.locator('dialog.roster-dialog[open] [data-testid=initial-password]');
  await password.waitFor({ timeout: 10000 });
  issued = { userId, fullName, login, password: (await password.textContent()).trim() };
  assert(issued.password.length >= 8, `password "${issued.password}" is too short`);
  assert((await teacher.locator('dialog[open] .slip-login').textContent()).trim() === login, 'the slip shows another login');
  await shot(teacher, '22-class-initial-password.png');
  // The print version is the slip alone: «Распечатать» (with the browser's
  // print dialog stubbed out) puts it in the print-only element.
  await teacher.evaluate(() => { window.print = () => {}; });
  await teacher.locator('dialog[open] button:text-is("Распечатать")').click();
  await teacher.emulateMedia({ media: 'print' });
  assert(await teacher.locator('.password-slip-print .slip-password').isVisible(), 'the printed slip has no password');
  assert(await teacher.locator('table.roster-table').isHidden(), 'the class list is printed with the slip');
  await shot(teacher, '23-class-password-print.png');
  await teacher.emulateMedia({ media: 'screen' });
  await teacher.evaluate(() => document.body.classList.remove('printing-slip'));
  await teacher.locator('dialog[open] button:text-is("Готово")').click();
  // Once closed the password is gone from the page; the row shows the login live.
  assert(!(await teacher.content()).includes(issued.password), 'the password stays in the page');
  const updated = teacher.locator(`tr[data-user="${userId}"]`).first();
  await updated.locator('.access-on').waitFor({ timeout: 3000 });
  assert((await updated.textContent()).includes(login), 'the row does not show the new login');
});

test('the slip\'s password signs the parent in once, to set her own, in another browser: her diary', async () => {
  newParent = await newPage();
  await firstSignIn(newParent, BASE, issued.login, issued.password, OWN_PASSWORD, /\/diary\.html$/);
  assert(/\/diary\.html/.test(newParent.url()), `the parent landed on ${newParent.url()}`);
  await newParent.locator('#diary-title').filter({ hasText: 'Дневник:' }).waitFor({ timeout: 15000 });
  const header = await newParent.textContent('.user-name');
  assert(header.includes(issued.fullName), `header "${header}" does not name ${issued.fullName}`);
  assert(await newParent.locator('nav a[href="class.html"]').count() === 0, 'a parent is offered the class page');
  await newParent.locator('.week .day, .week .empty').first().waitFor({ timeout: 10000 });
  await shot(newParent, '24-diary-new-parent.png', { fullPage: true });
  // The class teacher sees the sign-in, live.
  const row = teacher.locator(`tr[data-user="${issued.userId}"]`).first();
  await row.filter({ hasNotText: 'не входил' }).waitFor({ timeout: 5000 });
});

test('revoking the access ends the parent\'s open session', async () => {
  const row = teacher.locator(`tr[data-user="${issued.userId}"]`).first();
  await row.locator('button:text-is("Отозвать доступ")').click();
  const dialog = teacher.locator('dialog.roster-dialog[open]');
  await dialog.waitFor();
  assert((await dialog.textContent()).includes(issued.login), 'the confirmation does not name the login');
  // A reason is required: an empty one is refused on the page.
  await dialog.locator('button[type=submit]').click();
  await dialog.locator('.form-error:not([hidden])').waitFor({ timeout: 2000 });
  await dialog.locator('input[name=reason]').fill('Заявление родителя');
  await shot(teacher, '25-class-revoke-confirm.png');
  await dialog.locator('button[type=submit]').click();
  await row.locator('.access-off').waitFor({ timeout: 5000 });
  await newParent.waitForURL(/index\.html\?.*reason=expired/, { timeout: 10000 });
  assert(/Сеанс завершён/.test(await newParent.textContent('#signin-error')), 'no "session ended" message');
  await shot(newParent, '26-parent-session-ended.png');
  // Her password no longer works.
  await newParent.fill('#login', issued.login);
  await newParent.fill('#password', OWN_PASSWORD);
  await newParent.click('button[type=submit]');
  await newParent.locator('#signin-error:not([hidden])').waitFor({ timeout: 5000 });
  assert(/\/index\.html/.test(newParent.url()), 'signed in with a revoked password');
  // Issuing again offers another login: a revoked one is never issued twice.
  await row.locator('button:text-matches("^Выдать")').click();
  await dialog.waitFor();
  const offered = await dialog.locator('input[name=login]').inputValue();
  assert(offered && offered !== issued.login, `the revoked login is offered again: ${offered}`);
  assert((await dialog.textContent()).includes(`Прежний логин ${issued.login} повторно не выдаётся`), 'no word on the previous login');
  await dialog.locator('button:text-is("Отмена")').click();
});

test('consent is recorded from the class list', async () => {
  const row = teacher.locator(`tr[data-user="${issued.userId}"]`).first();
  await row.locator('button:text-is("Согласие…")').click();
  const dialog = teacher.locator('dialog.roster-dialog[open]');
  await dialog.waitFor();
  await dialog.locator('input[name=note]').fill('заявление № 12');
  await dialog.locator('button[type=submit]').click();
  await row.locator('.consent-on').waitFor({ timeout: 5000 });
});

test('a parent opens neither another child\'s diary nor the class page', async () => {
  const parent = await newPage();
  await signIn(parent, hints.parent.login);
  assert(/\/diary\.html/.test(parent.url()), `the parent landed on ${parent.url()}`);
  await parent.locator('#diary-title').filter({ hasText: 'Дневник:' }).waitFor({ timeout: 15000 });
  // Another child of the class teacher's class: a student under whom the
  // class list does not show this parent.
  const other = await teacher.locator('table.roster-table tbody tr').evaluateAll((rows, parentName) => {
    const students = [];
    for (const r of rows) {
      if (r.classList.contains('student-row')) students.push({ id: r.dataset.user, parents: [] });
      else if (students.length) students.at(-1).parents.push(r.querySelector('.person-name')?.textContent || '');
    }
    return students.find((s) => !s.parents.some((n) => n.includes(parentName)));
  }, hints.parent.fullName);
  assert(other, 'no other student found');
  await parent.goto(`${BASE}diary.html?student=${other.id}`);
  await parent.locator('.error-box').waitFor({ timeout: 10000 });
  assert(/Нет доступа к этому дневнику/.test(await parent.textContent('.error-box')), 'another child\'s diary opened');
  await shot(parent, '27-diary-other-child-forbidden.png');
  const classId = new URL(teacher.url()).searchParams.get('class');
  await parent.goto(`${BASE}class.html?class=${classId}`);
  await parent.locator('.error-box').waitFor({ timeout: 10000 });
  const text = await parent.textContent('main');
  assert(/Нет доступа к списку этого класса/.test(text), `the class page showed: ${text.slice(0, 200)}`);
  assert(await parent.locator('table.roster-table').count() === 0, 'the class list is shown to a parent');
  await shot(parent, '28-class-forbidden-parent.png');
});

test('the director reads the class list without the class teacher\'s buttons', async () => {
  const director = await newPage();
  await signIn(director, hints.director.login);
  const classId = new URL(teacher.url()).searchParams.get('class');
  await director.goto(`${BASE}class.html?class=${classId}`);
  await director.locator('table.roster-table tbody tr.student-row').first().waitFor({ timeout: 15000 });
  assert(await director.locator('table.roster-table button').count() === 0, 'the director is offered to issue logins');
  assert(await director.locator('.class-picker select option').count() > 5, 'the director cannot choose among the school\'s classes');
  await shot(director, '29-class-director.png', { fullPage: true });
});

test('no script errors on any page', async () => {
  assert(scriptErrors.length === 0, 'script errors:\n' + scriptErrors.join('\n'));
});

// ---- run ----

await runTests(async (index) => {
  for (const [name, page] of [['teacher', teacher], ['parent', newParent]]) {
    if (page && !page.isClosed()) {
      await page.screenshot({ path: join(SHOTS, `failed-ct-${index}-${name}.png`) }).catch(() => {});
    }
  }
}, { printShots: true });
