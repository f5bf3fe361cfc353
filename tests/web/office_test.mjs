// Browser tests of the office's part of the class page (class.html): the
// secretary enrols a student into a class, the class teacher adds the
// student's mother and issues her login, the secretary transfers the student
// to another class and records her departure, each through the page's
// dialogs; each change reaches the open lists live. A refusal (an implausible birth date) is shown
// in the dialog, which stays open. The director gets none of these buttons.
// Dates are inside the demo's school year (2026/2027) so that the test does
// not depend on the day it runs.
//
//   node office_test.mjs --url http://127.0.0.1:PORT/ --hints server.out --screenshots DIR
import { join } from 'node:path';
import {
  BASE, SHOTS, PASSWORD, hints, requireHints,
  test, scriptErrors, assert, shot, runTests, openPage, ask,
} from './harness.mjs';
requireHints(['secretary', 'director', 'teacher', 'parent']);  // the parent: left alone here

async function signIn(page, login) {
  await page.goto(BASE);
  await page.fill('#login', login);
  await page.fill('#password', PASSWORD);
  await Promise.all([
    page.waitForURL((u) => /\/(register|compliance|class)\.html/.test(u.pathname), { timeout: 15000 }),
    page.click('button[type=submit]'),
  ]);
}

// The class the demo's hinted class teacher leads ("5А") and another one.
const className = hints.teacher.note.match(/классный руководитель (\S+),/)?.[1];
const student = 'Тестова Алиса Игоревна';
const mother = 'Тестова Ирина Сергеевна';
let secretary;
let targetClassName;

const row = (page, name) => page.locator('tr.student-row', { hasText: name });

async function chooseClass(page, name) {
  await page.selectOption('.class-picker select', { label: name });
  await page.waitForFunction((n) => document.querySelector('#class-title')?.textContent === `Класс ${n}`, name, { timeout: 15000 });
  await page.locator('table.roster-table tbody tr.student-row').first().waitFor({ timeout: 15000 });
}

test('the secretary lands on the class list with the office\'s buttons', async () => {
  assert(className, `no class in the teacher's hint: ${hints.teacher.note}`);
  secretary = await openPage();
  await signIn(secretary, hints.secretary.login);
  assert(/\/class\.html/.test(secretary.url()), `the secretary landed on ${secretary.url()}`);
  await chooseClass(secretary, className);
  assert(await secretary.locator('button', { hasText: 'Зачислить ученика' }).count() === 1, 'no enrol button');
  assert(await row(secretary, '').first().locator('button', { hasText: 'Перевести…' }).count() === 1, 'no transfer button on a student');
  // The office does not issue logins: that is the class teacher's.
  assert(await secretary.locator('button', { hasText: 'Выдать доступ' }).count() === 0, 'the secretary is offered to issue logins');
});

test('an implausible birth date is refused in the dialog, which stays open', async () => {
  await secretary.click('button:has-text("Зачислить ученика")');
  const d = secretary.locator('dialog[open]');
  await d.locator('input[name=fullName]').fill(student);
  await d.locator('input[name=birthDate]').fill('2025-01-10');
  await d.locator('input[name=from]').fill('2026-10-01');
  await d.locator('input[name=order]').fill('№ 301-у от 30.09.2026');
  await d.locator('button[type=submit]').click();
  await d.locator('.form-error:not([hidden])').waitFor({ timeout: 10000 });
  const error = await d.locator('.form-error').textContent();
  assert(/Дата рождения неправдоподобна/.test(error), `the dialog said: ${error}`);
  await shot(secretary, '50-office-enrol-refused.png');
  // Corrected and sent again from the same dialog.
  await d.locator('input[name=birthDate]').fill('2015-04-10');
  await d.locator('button[type=submit]').click();
  await row(secretary, student).waitFor({ timeout: 15000 });
  assert(await secretary.locator('dialog[open]').count() === 0, 'the dialog stayed open after the enrolment');
  assert(/is-new/.test(await row(secretary, student).getAttribute('class')), 'the new row is not highlighted');
  await shot(secretary, '51-office-enrolled.png', { fullPage: true });
});

test('the class teacher adds the new student\'s mother and gives her a login', async () => {
  const classId = new URL(secretary.url()).searchParams.get('class');
  const teacher = await openPage();
  await signIn(teacher, hints.teacher.login);
  await teacher.goto(`${BASE}class.html?class=${classId}`);
  await row(teacher, student).waitFor({ timeout: 15000 });
  await row(teacher, student).locator('button', { hasText: 'Добавить родителя…' }).click();
  const d = teacher.locator('dialog[open]');
  await d.locator('input[name=fullName]').fill(mother);
  await d.locator('select[name=relation]').selectOption('мать');
  await d.locator('button[type=submit]').click();
  const parentRow = teacher.locator('tr.parent-row', { hasText: mother });
  await parentRow.waitFor({ timeout: 15000 });
  assert(/мать/.test(await parentRow.textContent()), `the parent's row: ${await parentRow.textContent()}`);
  // The secretary's open list shows her too, live.
  await secretary.locator('tr.parent-row', { hasText: mother }).waitFor({ timeout: 15000 });
  await parentRow.locator('button', { hasText: 'Выдать доступ' }).click();
  await teacher.locator('dialog[open] button[type=submit]').click();
  const password = await teacher.locator('[data-testid=initial-password]').textContent({ timeout: 15000 });
  assert(password && password.length >= 8, `no initial password: "${password}"`);
  await shot(teacher, '53-office-parent-login.png');
  await teacher.context().close();
});

test('the secretary links a parent the school already has instead of registering her twice', async () => {
  // A parent of another class (not the hinted one, whom other tests follow),
  // with a name nobody else in the school has.
  const [, before] = await ask(secretary, [{ parents: '' }]);
  const all = before.result.parents.parents;
  const known = all.find((p) => p.fullName !== hints.parent.fullName && p.children.length &&
    all.filter((q) => q.fullName === p.fullName).length === 1).fullName;
  await row(secretary, student).locator('button', { hasText: 'Добавить родителя…' }).click();
  const d = secretary.locator('dialog[open]');
  // Typing her name as a new parent, the secretary is told she exists.
  await d.locator('input[name=fullName]').fill(known);
  await d.locator('.namesake:not([hidden])').waitFor({ timeout: 15000 });
  assert((await d.locator('.namesake').textContent()).includes('дети:'), 'the namesake hint names no children');
  await d.locator('input[value=known]').check();
  await d.locator('input[name=search]').fill(known.split(' ')[0]);
  await d.locator('select[name=known] option', { hasText: known }).first().waitFor({ timeout: 15000 });
  await d.locator('select[name=known]').selectOption({ index: 0 });
  await d.locator('select[name=relation]').selectOption('опекун');
  await d.locator('button[type=submit]').click();
  await secretary.waitForFunction(() => !document.querySelector('dialog[open]'), null, { timeout: 15000 });
  await secretary.locator('tr.parent-row', { hasText: known }).first().waitFor({ timeout: 15000 });
  await shot(secretary, '54-office-known-parent.png');
  const [, list] = await ask(secretary, [{ parents: '' }]);
  const same = list.result.parents.parents.filter((p) => p.fullName === known);
  assert(same.length === 1, `${same.length} parents named ${known} on the server`);
  assert(same[0].children.some((c) => c.fullName === student), `her children: ${JSON.stringify(same[0].children)}`);
});

test('the student is transferred to another class', async () => {
  await row(secretary, student).locator('button', { hasText: 'Перевести…' }).click();
  const d = secretary.locator('dialog[open]');
  const select = d.locator('select[name=toClass]');
  targetClassName = (await select.locator('option').nth(1).textContent()).trim();
  await select.selectOption({ index: 1 });
  await d.locator('input[name=date]').fill('2026-11-09');
  await d.locator('input[name=order]').fill('№ 40-п от 06.11.2026');
  await d.locator('button[type=submit]').click();
  await secretary.waitForFunction((name) => [...document.querySelectorAll('tr.student-row')]
    .some((r) => r.textContent.includes(name) && r.classList.contains('left')), student, { timeout: 15000 });
  assert(/переведён\(а\)/.test(await row(secretary, student).textContent()), 'the row does not say transferred');
  assert(await row(secretary, student).locator('button').count() === 0, 'a transferred student still has movement buttons');
  // The server's view of the other class has her.
  const classId = (await secretary.locator('.class-picker select option', { hasText: targetClassName }).first().getAttribute('value'));
  const [, roster] = await ask(secretary, [{ classRoster: classId }]);
  assert(roster.ok && roster.result.classRoster.students.some((s) => s.person.fullName === student && !s.left),
    `not in ${targetClassName}: ${JSON.stringify(roster).slice(0, 300)}`);
});

test('her departure is recorded in the new class', async () => {
  await chooseClass(secretary, targetClassName);
  await row(secretary, student).locator('button', { hasText: 'Выбытие…' }).click();
  const d = secretary.locator('dialog[open]');
  await d.locator('input[name=date]').fill('2026-12-01');
  await d.locator('input[name=destination]').fill('МАОУ СОШ № 5, г. Екатеринбург');
  await d.locator('input[name=order]').fill('№ 52-в от 30.11.2026');
  await d.locator('button[type=submit]').click();
  await secretary.waitForFunction((name) => [...document.querySelectorAll('tr.student-row')]
    .some((r) => r.textContent.includes(name) && r.textContent.includes('выбыл(а)')), student, { timeout: 15000 });
  await shot(secretary, '52-office-departed.png', { fullPage: true });
});

test('the director reads the list without the office\'s buttons', async () => {
  const director = await openPage();
  await signIn(director, hints.director.login);
  await director.goto(`${BASE}class.html`);
  await chooseClass(director, className);
  assert(await director.locator('button', { hasText: 'Зачислить ученика' }).count() === 0, 'the director is offered to enrol');
  assert(await director.locator('button', { hasText: 'Перевести…' }).count() === 0, 'the director is offered to transfer');
});

test('no script errors on any page', async () => {
  assert(scriptErrors.length === 0, 'script errors:\n' + scriptErrors.join('\n'));
});

await runTests(async (index) => {
  if (secretary && !secretary.isClosed()) {
    await secretary.screenshot({ path: join(SHOTS, `failed-office-${index}.png`) }).catch(() => {});
  }
});
