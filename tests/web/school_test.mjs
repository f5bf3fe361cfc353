// Browser tests of setting up a school from nothing (school.html): the test
// starts a server of its own on an empty data directory, `zhurnal school
// create` (the real binary, through the running server's control socket)
// registers the school and prints its administrator's one-time password; the
// administrator signs in with it, lands on the school page, changes her
// password, opens the academic year, adds a subject and a work type, a
// teacher with her login, and a class with its class teacher; the teacher
// signs in with the password from the slip and is offered her class; the
// teacher's open register offers a work type added meanwhile; she adds a
// lesson and repeats its week; the administrator opens the
// class's timetable, puts a lesson in, fills the next weeks and clears them;
// a subject, a class and a teacher added on another connection show on the
// open page at once. Each figure is checked against what the server says. On
// the demo server: the administrator lands on the school page with the whole
// staff, the director reads it without the administrator's buttons.
//
//   node school_test.mjs --url http://127.0.0.1:PORT/ --hints server.out --bin build/zhurnal ...
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  args, BASE, PASSWORD, hints, requireHints,
  test, scriptErrors, assert, shot, runTests, openPage, ask, firstSignIn,
} from './harness.mjs';
requireHints(['administrator', 'director']);

const here = dirname(fileURLToPath(import.meta.url));
const bin = args.bin || join(here, '../../build/zhurnal');
const work = mkdtempSync(join(tmpdir(), 'zhurnal-school-'));
const data = join(work, 'data');

// The new school's own server, on an empty directory.
const server = spawn(bin, ['serve', '--data', data, '--listen', '127.0.0.1:0', '--web', join(here, '../../web'), '--buffered'],
  { stdio: ['ignore', 'pipe', 'pipe'] });
let serverErr = '';
server.stderr.on('data', (d) => { serverErr += d; });
const NEW = await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    const m = out.match(/http:\/\/127\.0\.0\.1:\d+\//);
    if (m) resolve(m[0]);
  });
  server.on('exit', (code) => reject(new Error(`the server exited (${code}): ${serverErr.slice(-500)}`)));
  setTimeout(() => reject(new Error('the server did not start within 60 s')), 60000);
});
process.on('exit', () => {
  server.kill();
  rmSync(work, { recursive: true, force: true });
});

const admin = { login: 'ivanova.aa', name: 'Иванова Анна Андреевна', password: '' };
const firstPassword = 'Школа-2026-первый';  // set at her first sign-in
const newPassword = 'Школа-2026-новый';
const teacherName = 'Петрова Светлана Юрьевна';
let page;
let teacherPassword;
const teacherOwn = 'Учитель-2026-свой';  // the teacher's own, set at her first sign-in
let yearStart;  // the academic year the administrator opens starts on 1 September of it

async function signIn(p, base, login, password, landing) {
  await p.goto(base);
  await p.fill('#login', login);
  await p.fill('#password', password);
  await Promise.all([
    p.waitForURL((u) => u.pathname.endsWith(landing), { timeout: 15000 }),
    p.click('button[type=submit]'),
  ]);
}

// Fills and sends the open dialog (the topmost): `fields` maps a name to a value.
async function fillAndSend(p, fields) {
  const d = p.locator('dialog[open]').last();
  for (const [name, value] of Object.entries(fields)) {
    const input = d.locator(`[name=${name}]`);
    if (await input.evaluate((e) => e.tagName) === 'SELECT') await input.selectOption(value);
    else await input.fill(value);
  }
  await d.locator('button[type=submit]').click();
  return d;
}

// The same, for a dialog that must close (the change was accepted); one
// beneath it (the timetable's week) stays open.
async function submitDialog(p, fields) {
  const open = await p.locator('dialog[open]').count();
  const d = await fillAndSend(p, fields);
  await p.waitForFunction((n) => document.querySelectorAll('dialog[open]').length < n, open, { timeout: 15000 }).catch(async () => {
    throw new Error('the dialog stayed open: ' + await d.locator('.form-error').textContent());
  });
}

test('zhurnal school create sets the school up beside the running server', async () => {
  const { stdout, stderr } = await promisify(execFile)(bin, ['school', 'create', '--data', data, '--id', 'sch9',
    '--name', 'МАОУ СОШ № 9', '--admin-name', admin.name, '--admin-login', admin.login]);
  assert(/сервер работает; школу создаёт он сам/.test(stderr), `stderr: ${stderr}`);
  admin.password = stdout.match(/пароль: (\S+)/)?.[1] || '';
  assert(admin.password.length === 10, `no password in: ${stdout}`);
});

test('the administrator sets her own password at her first sign-in, lands on the empty school page and changes it', async () => {
  page = await openPage();
  await firstSignIn(page, NEW, admin.login, admin.password, firstPassword, /\/school\.html$/);
  await page.locator('#staff-title').waitFor({ timeout: 15000 });
  assert((await page.locator('h1').textContent()) === 'МАОУ СОШ № 9', 'the title is not the school\'s name');
  assert(/Учебный год не открыт/.test(await page.locator('#years').textContent()), 'no hint that the year is not open');
  await shot(page, '60-school-empty.png', { fullPage: true });
  await page.click('button:has-text("Сменить пароль")');
  const d = await fillAndSend(page, { oldPassword: 'wrong-password', newPassword, newPasswordAgain: newPassword });
  await d.locator('.form-error:not([hidden])').waitFor({ timeout: 15000 });
  const refusal = await d.locator('.form-error').textContent();
  assert(/Неверный текущий пароль/.test(refusal), `a wrong current password: ${refusal}`);
  await submitDialog(page, { oldPassword: firstPassword, newPassword, newPasswordAgain: newPassword });
  // Neither the slip's password nor her first one signs in; the new one does.
  const other = await openPage();
  await other.goto(NEW);
  await other.fill('#login', admin.login);
  await other.fill('#password', admin.password);
  await other.click('button[type=submit]');
  await other.locator('.form-error:not([hidden]), [role=alert]').first().waitFor({ timeout: 15000 });
  assert(/Неверный логин или пароль/.test(await other.textContent('#signin-error')), 'the slip\'s password still counts');
  await other.fill('#password', firstPassword);
  await other.click('button[type=submit]');
  await other.locator('.form-error:not([hidden]), [role=alert]').first().waitFor({ timeout: 15000 });
  assert(/index\.html|\/$/.test(other.url()), `signed in with the old password: ${other.url()}`);
  await signIn(other, NEW, admin.login, newPassword, '/school.html');
  await other.context().close();
});

test('she opens the academic year with the typical quarters, then a holiday', async () => {
  await page.click('button:has-text("Открыть учебный год…")');
  const d = page.locator('dialog[open]');
  const start = await d.locator('input[name=start]').inputValue();
  const y = Number(start.slice(0, 4));
  yearStart = y;
  await submitDialog(page, { name: `${y}/${y + 1}` });
  await page.locator('.school-year').waitFor({ timeout: 15000 });
  assert(await page.locator('.period-table tr').count() === 4, 'not four quarters');
  await page.click('button:has-text("Объявить каникулы…")');
  await submitDialog(page, { name: 'Осенние каникулы', start: `${y}-10-27`, end: `${y}-11-04` });
  await page.waitForFunction(() => /Осенние каникулы 27\.10/.test(document.querySelector('.holidays')?.textContent), null, { timeout: 15000 });
  const [, school] = await ask(page, [{ school: '' }]);
  const year = school.result.school.years[0];
  assert(year.name === `${y}/${y + 1}` && year.holidays.length === 1 && school.result.school.periods.length === 4,
    `the server's school: ${JSON.stringify(school.result.school).slice(0, 400)}`);
});

test('she adds subjects and work types, renames a subject and retires what is no longer used', async () => {
  const subjectRow = (name) => page.locator('#subjects tr', { hasText: name });
  for (const name of ['Математика', 'Черчение', 'Информатка']) {
    await page.click('button:has-text("Добавить предмет…")');
    await submitDialog(page, { name });
    await subjectRow(name).waitFor({ timeout: 15000 });
  }
  // A typo is put right: the subject keeps its id under the new name.
  await subjectRow('Информатка').locator('button', { hasText: 'Переименовать…' }).click();
  await submitDialog(page, { name: 'Информатика' });
  await subjectRow('Информатика').waitFor({ timeout: 15000 });
  await subjectRow('Черчение').locator('button', { hasText: 'Вывести…' }).click();
  await page.locator('dialog[open] button[type=submit]', { hasText: 'Вывести из употребления' }).click();
  await subjectRow('Черчение').locator('.retired-mark').waitFor({ timeout: 15000 });
  for (const [name, weight] of [['Контрольная работа', '3'], ['Самостоятельная работа', '2']]) {
    await page.click('button:has-text("Добавить вид работы…")');
    await submitDialog(page, { name, weight });
    await page.locator('.work-type-table tr', { hasText: name }).waitFor({ timeout: 15000 });
  }
  const workRow = page.locator('.work-type-table tr', { hasText: 'Самостоятельная работа' });
  await workRow.locator('button', { hasText: 'Вывести…' }).click();
  await page.locator('dialog[open] button[type=submit]', { hasText: 'Вывести из употребления' }).click();
  await workRow.locator('.retired-mark').waitFor({ timeout: 15000 });
  await shot(page, '60-school-books-retired.png');
  const [, school] = await ask(page, [{ school: '' }]);
  const s = school.result.school;
  const subjects = Object.fromEntries(s.subjects.map((x) => [x.name, x]));
  assert(subjects['Математика'] && !subjects['Математика'].retired, `subjects: ${JSON.stringify(s.subjects)}`);
  assert(subjects['Черчение']?.retired === true, `subjects: ${JSON.stringify(s.subjects)}`);
  assert(subjects['Информатика'] && !subjects['Информатка'] && subjects['Информатика'].id.startsWith('informatka'),
    `the renamed subject: ${JSON.stringify(s.subjects)}`);
  assert(s.workTypes.some((w) => w.name === 'Контрольная работа' && w.weight === 3 && !w.retired), `work types: ${JSON.stringify(s.workTypes)}`);
  assert(s.workTypes.some((w) => w.name === 'Самостоятельная работа' && w.retired === true), `work types: ${JSON.stringify(s.workTypes)}`);
});

test('she adds a teacher and issues her login: the slip shows the one-time password', async () => {
  await page.click('button:has-text("Добавить сотрудника")');
  await submitDialog(page, { fullName: teacherName });
  const row = page.locator('tr.staff-row', { hasText: teacherName });
  await row.waitFor({ timeout: 15000 });
  assert(/Не выдан/.test(await row.textContent()), 'a new teacher has access already');
  await row.locator('button', { hasText: 'Выдать доступ' }).click();
  assert((await page.locator('dialog[open] input[name=login]').inputValue()) === 'petrova.sy', 'the login suggested is not petrova.sy');
  await page.locator('dialog[open] button[type=submit]').click();
  teacherPassword = await page.locator('[data-testid=initial-password]').textContent({ timeout: 15000 });
  assert(teacherPassword.length === 10, `no password: ${teacherPassword}`);
  await shot(page, '61-school-teacher-login.png');
  await page.click('dialog[open] button:has-text("Готово")');
  await page.waitForFunction((n) => [...document.querySelectorAll('tr.staff-row')]
    .some((r) => r.textContent.includes(n) && r.textContent.includes('логин petrova.sy')), teacherName, { timeout: 15000 });
  const [, staff] = await ask(page, [{ staff: '' }]);
  const names = staff.result.staff.staff.map((m) => m.person.fullName);
  assert(names.join('|') === [admin.name, teacherName].join('|'), `staff on the server: ${names}`);
});

test('she opens 5А and makes the teacher its class teacher, who then signs in', async () => {
  await page.click('button:has-text("Открыть класс…")');
  await submitDialog(page, { grade: '5', letter: 'а' });
  const row = page.locator('.class-table tr', { hasText: '5А' });
  await row.waitFor({ timeout: 15000 });
  await row.locator('button', { hasText: 'Классный руководитель…' }).click();
  await submitDialog(page, { teacher: { label: teacherName } });
  await page.waitForFunction((n) => document.querySelector('.class-table tbody tr')?.textContent.includes(n), teacherName, { timeout: 15000 });
  await shot(page, '62-school-set-up.png', { fullPage: true });
  const teacher = await openPage();
  await firstSignIn(teacher, NEW, 'petrova.sy', teacherPassword, teacherOwn, /\/register\.html$/);
  // The navigation is drawn once the page has `me`, after the URL changed.
  await teacher.locator('nav a[href="class.html"]').waitFor({ timeout: 15000 })
    .catch(() => { throw new Error('the class teacher is not offered her class'); });
  await teacher.goto(`${NEW}class.html`);
  await teacher.waitForFunction(() => document.querySelector('#class-title')?.textContent === 'Класс 5А', null, { timeout: 15000 });
  await teacher.context().close();
});

test('changes made elsewhere show on the open page at once', async () => {
  // Commands on a connection of the test's own, as another member of the
  // office would send them: only the page's subscription can bring them.
  const [me, school] = await ask(page, [{ school: '' }]);
  const schoolId = me.result.me.schoolId;
  const yearId = school.result.school.years[0].yearId;
  const [, subject, klass, staff] = await ask(page, [
    { command: { commandId: 'live-subject', command: { defineSubject: { schoolId, subjectId: 'astro', name: 'Астрономия' } } } },
    { command: { commandId: 'live-class', command: { openClass: { classId: `${schoolId}-live-9d`, schoolId,
      yearId, grade: 9, letter: 'Д' } } } },
    { command: { commandId: 'live-staff', command: { registerUser: { userId: `${schoolId}-live-t2`, schoolId,
      fullName: 'Лебедева Ирина Олеговна', roles: ['teacher'] } } } },
  ]);
  for (const r of [subject, klass, staff]) assert(r.ok, JSON.stringify(r));
  await page.locator('#subjects tr', { hasText: 'Астрономия' }).waitFor({ timeout: 15000 });
  await page.locator('.class-table tr', { hasText: '9Д' }).waitFor({ timeout: 15000 });
  await page.locator('tr.staff-row', { hasText: 'Лебедева Ирина Олеговна' }).waitFor({ timeout: 15000 });
  // A rename too, and the subject keeps its place under the new name.
  const [, renamed] = await ask(page, [
    { command: { commandId: 'live-rename', command: { defineSubject: { schoolId, subjectId: 'astro', name: 'Астрономия и космос' } } } },
  ]);
  assert(renamed.ok, JSON.stringify(renamed));
  await page.locator('#subjects tr', { hasText: 'Астрономия и космос' }).waitFor({ timeout: 15000 });
});

test('the lists are checked, a wrong birth date refused, a large list checked, then written with a new class', async () => {
  const y = yearStart;
  const header = 'Фамилия;Имя;Отчество;Дата рождения;Класс;Дата зачисления;Приказ';
  const rows = [`Алексеев;Иван;Петрович;14.03.2015;5А;01.09.${y};№ 1-у от 01.09.${y}`,
    `Борисова;Мария;Олеговна;02.05.2014;6Б;01.09.${y};№ 1-у от 01.09.${y}`];
  const bad = join(work, 'ученики-ошибка.csv');
  const good = join(work, 'ученики.csv');
  writeFileSync(bad, '\ufeff' + [header, rows[0], rows[1].replace('02.05.2014', '31.02.2014')].join('\r\n') + '\r\n');
  writeFileSync(good, '\ufeff' + [header, ...rows].join('\r\n') + '\r\n');
  // The teachers' list gives the class teacher her load: mathematics in 5А.
  const teachers = join(work, 'учителя.csv');
  writeFileSync(teachers, 'Фамилия;Имя;Отчество;Предметы;Классы\r\nПетрова;Светлана;Юрьевна;Математика;5А\r\n');
  const box = page.locator('#import');
  await box.locator('input[name=date]').fill(`${y}-09-01`);
  await box.locator('input[name=openClasses]').check();
  await box.locator('input[name=students]').setInputFiles(bad);
  await box.locator('button', { hasText: 'Проверить' }).click();
  await box.locator('.import-errors').waitFor({ timeout: 15000 });
  assert(/строка 3/.test(await box.locator('.import-report').textContent()), 'the report does not name line 3');
  assert(await box.locator('button', { hasText: 'Записать' }).isDisabled(), 'writing is offered for lists with errors');
  // A large school's list is more than a WebSocket frame takes (256 KiB):
  // the page sends it as POST /import.
  const big = join(work, 'ученики-школа.csv');
  const surnames = ['Иванов', 'Петров', 'Сидоров', 'Кузнецов', 'Смирнов', 'Попов', 'Лебедев', 'Козлов', 'Новиков', 'Морозов'];
  const names = ['Иван', 'Пётр', 'Алексей', 'Дмитрий', 'Сергей', 'Андрей', 'Михаил', 'Николай', 'Артём', 'Максим'];
  const bigRows = [];
  for (let i = 0; i < 3000; ++i) {
    const day = String(1 + (i % 28)).padStart(2, '0'), month = String(1 + Math.floor(i / 28) % 12).padStart(2, '0');
    bigRows.push(`${surnames[i % 10]};${names[Math.floor(i / 10) % 10]};Олегович;${day}.${month}.${y - 11 - Math.floor(i / 336) % 3};` +
      `${5 + Math.floor(i / 336) % 3}${'АБВГ'[Math.floor(i / 100) % 4]};01.09.${y};№ ${i + 1}-у от 01.09.${y}`);
  }
  writeFileSync(big, '\ufeff' + [header, ...bigRows].join('\r\n') + '\r\n');
  await box.locator('input[name=students]').setInputFiles(big);
  await box.locator('button', { hasText: 'Проверить' }).click();
  await box.locator('.import-verdict', { hasText: 'Ошибок нет' }).waitFor({ timeout: 30000 })
    .catch(async () => { throw new Error(`the large list: ${await box.locator('.import-verdict').textContent()} ${(await box.locator('.import-report').textContent()).slice(0, 500)}`); });
  assert(/строк с данными — 3000/.test(await box.locator('.import-report').textContent()), 'the report does not count the large list');
  await box.locator('input[name=students]').setInputFiles(good);
  await box.locator('input[name=teachers]').setInputFiles(teachers);
  await box.locator('button', { hasText: 'Проверить' }).click();
  await box.locator('.import-ok').waitFor({ timeout: 15000 });
  await shot(page, '64-school-import-checked.png', { fullPage: true });
  const [, before] = await ask(page, [{ school: '' }]);
  assert(!before.result.school.classes.some((c) => c.name === '6Б'), 'the check opened 6Б');
  await box.locator('button', { hasText: 'Записать' }).click();
  await box.locator('.import-ok', { hasText: 'Списки записаны' }).waitFor({ timeout: 15000 });
  await page.locator('.class-table tr', { hasText: '6Б' }).waitFor({ timeout: 15000 });
  const [, school] = await ask(page, [{ school: '' }]);
  const c5a = school.result.school.classes.find((c) => c.name === '5А');
  const [, roster] = await ask(page, [{ classRoster: c5a.classId }]);
  assert(roster.result.classRoster.students.some((st) => st.person.fullName === 'Алексеев Иван Петрович'),
    `5А on the server: ${JSON.stringify(roster).slice(0, 300)}`);
});

test('the teacher adds a lesson of her own to the register', async () => {
  const teacher = await openPage();
  await signIn(teacher, NEW, 'petrova.sy', teacherOwn, '/register.html');
  await teacher.waitForFunction(() => /Журнал: 5А, Математика/.test(document.querySelector('#register-title')?.textContent), null, { timeout: 15000 });
  await teacher.selectOption('#pick-period', { label: '1 четверть' });
  await teacher.locator('.grid-box .empty').waitFor({ timeout: 15000 });  // no lessons yet
  const kinds = await teacher.locator('#pick-worktype option').allTextContents();
  assert(kinds.some((k) => k.startsWith('Контрольная работа')) && !kinds.some((k) => k.startsWith('Самостоятельная')),
    `work types offered for marks: ${kinds}`);
  // The administrator adds a work type meanwhile: the open register offers it.
  const [me] = await ask(page, []);
  const [, added] = await ask(page, [{ command: { commandId: 'live-wt', command: { defineWorkType: {
    schoolId: me.result.me.schoolId, workTypeId: 'dictation', name: 'Диктант', weight: 2 } } } }]);
  assert(added.ok, JSON.stringify(added));
  await teacher.waitForFunction(() => [...document.querySelectorAll('#pick-worktype option')].some((o) => o.textContent.startsWith('Диктант')),
    null, { timeout: 15000 }).catch(() => { throw new Error('the open register does not offer the new work type'); });
  await teacher.click('button:has-text("Добавить урок…")');
  const bells = await teacher.locator('dialog[open] select[name=number] option').allTextContents();
  assert(bells[2] === '3 урок, 10:20', `the bell schedule offered: ${bells}`);
  await submitDialog(teacher, { date: `${yearStart}-10-05`, number: '3' });
  await teacher.locator('tr.dates th', { hasText: '05' }).first().waitFor({ timeout: 15000 });
  await shot(teacher, '65-register-lesson-added.png');
  const [, register] = await ask(teacher, [{ school: '' }]);
  const school = register.result.school;
  const c5a = school.classes.find((c) => c.name === '5А');
  const period = school.periods.find((p) => p.name === '1 четверть');
  const [, view] = await ask(teacher, [{ register: { classId: c5a.classId, subjectId: school.subjects.find((x) => x.name === 'Математика').id, periodId: period.periodId } }]);
  const lessons = view.result.register.lessons;
  assert(lessons.length === 1 && lessons[0].date === `${yearStart}-10-05` && lessons[0].number === 3,
    `the server's register: ${JSON.stringify(lessons)}`);
  // In the class's timetable she repeats that week up to 25 October:
  // Mondays 12 and 19 October.
  await teacher.click('button:has-text("Расписание класса…")');
  const week = teacher.locator('dialog.timetable-dialog');
  await week.locator('input[name=weekOf]').fill(`${yearStart}-10-07`);
  await week.locator('.week-lesson', { hasText: 'Математика' }).waitFor({ timeout: 15000 });
  assert(await week.locator('button', { hasText: 'Добавить урок…' }).count() === 0, 'a teacher is offered the keepers\' lesson');
  await week.locator('button', { hasText: 'Повторить мои уроки этой недели…' }).click();
  assert(await teacher.locator('dialog[open] input[name=week]').last().inputValue() === `${yearStart}-10-05`, 'the repeat does not start from the week shown');
  await submitDialog(teacher, { until: `${yearStart}-10-25` });
  await teacher.locator('.toast', { hasText: 'Добавлено уроков: 2' }).waitFor({ timeout: 15000 });
  await week.locator('button', { hasText: 'Закрыть' }).click();
  await teacher.locator('tr.dates th', { hasText: '19' }).first().waitFor({ timeout: 15000 });
  const [, after] = await ask(teacher, [{ register: { classId: c5a.classId, subjectId: school.subjects.find((x) => x.name === 'Математика').id, periodId: period.periodId } }]);
  const dates = after.result.register.lessons.map((l) => `${l.date}/${l.number}`);
  assert(dates.join(' ') === [5, 12, 19].map((d) => `${yearStart}-10-${String(d).padStart(2, '0')}/3`).join(' '),
    `the server's register after the repeat: ${dates}`);
  await teacher.context().close();
});

test('the administrator fills 5А\'s timetable from one week, then clears it', async () => {
  const y = yearStart;
  await page.locator('.class-table tr', { hasText: '5А' }).locator('button', { hasText: 'Расписание…' }).click();
  const week = page.locator('dialog.timetable-dialog');
  await week.locator('input[name=weekOf]').fill(`${y}-11-10`);
  await week.locator('.week-title', { hasText: '9–15 ноября' }).waitFor({ timeout: 15000 });
  await week.locator('.empty', { hasText: 'нет уроков' }).waitFor({ timeout: 15000 });
  await week.locator('button', { hasText: 'Добавить урок…' }).click();
  await submitDialog(page, { load: { label: `Математика — ${teacherName}` }, date: `${y}-11-10`, number: '2' });
  await week.locator('.week-lesson', { hasText: 'Математика' }).waitFor({ timeout: 15000 });
  assert(/Петрова С\. Ю\./.test(await week.locator('.week-lesson').textContent()), 'no teacher in the lesson');
  await week.locator('button', { hasText: 'Повторить эту неделю…' }).click();
  // An end inside the chosen week: the journal's refusal stays in the dialog.
  const d = await fillAndSend(page, { until: `${y}-11-15` });
  await d.locator('.form-error:not([hidden])').waitFor({ timeout: 15000 });
  assert(/позже выбранной недели/.test(await d.locator('.form-error').textContent()), 'no refusal of an end inside the week');
  await submitDialog(page, { until: `${y}-11-30` });
  await page.locator('.toast', { hasText: 'Добавлено уроков: 2' }).waitFor({ timeout: 15000 });
  await week.locator('button', { hasText: 'Неделя вперёд ›' }).click();
  await week.locator('.week-title', { hasText: '16–22 ноября' }).waitFor({ timeout: 15000 });
  await week.locator('.week-lesson:not(.cancelled)', { hasText: 'Математика' }).waitFor({ timeout: 15000 });
  await shot(page, '66-school-timetable-week.png');
  const school = (await ask(page, [{ school: '' }]))[1].result.school;
  const c5a = school.classes.find((c) => c.name === '5А');
  const period = school.periods.find((p) => p.name === '2 четверть');
  const registerDates = async () => {
    const [, view] = await ask(page, [{ register: { classId: c5a.classId, subjectId: school.subjects.find((x) => x.name === 'Математика').id, periodId: period.periodId } }]);
    return view.result.register.lessons.map((l) => `${l.date}/${l.number}${l.cancelled ? ' отменён' : ''}`).join(' ');
  };
  let dates = await registerDates();
  assert(dates === [10, 17, 24].map((n) => `${y}-11-${n}/2`).join(' '), `the server's register: ${dates}`);
  // The timetable changes from 16 November: the two weeks are cleared.
  await week.locator('button', { hasText: 'Отменить уроки…' }).click();
  assert(await page.locator('dialog[open] input[name=from]').last().inputValue() === `${y}-11-16`, 'the span does not start on the week shown');
  await submitDialog(page, { until: `${y}-11-30`, reason: 'Новое расписание' });
  await page.locator('.toast', { hasText: 'Отменено уроков: 2' }).waitFor({ timeout: 15000 });
  await week.locator('.week-lesson.cancelled', { hasText: 'Математика' }).waitFor({ timeout: 15000 });
  dates = await registerDates();
  assert(dates === `${y}-11-10/2 ${y}-11-17/2 отменён ${y}-11-24/2 отменён`, `the server's register after the cancellation: ${dates}`);
  await week.locator('button', { hasText: 'Закрыть' }).click();
});

test('the administrator gives the teacher a second load, then ends it', async () => {
  const row = page.locator('tr.staff-row', { hasText: teacherName });
  await row.locator('button', { hasText: 'Нагрузка…' }).click();
  const d = page.locator('dialog[open]');
  assert(/5А/.test(await d.locator('.load-table').textContent()), 'the load from the list is not shown');
  await d.locator('button', { hasText: 'Назначить…' }).click();
  const offered = await page.locator('dialog[open] select[name=subject] option').allTextContents();
  assert(offered.includes('Информатика') && !offered.includes('Черчение'), `subjects offered for a load: ${offered}`);
  await submitDialog(page, { class: { label: '6Б' }, subject: { label: 'Математика' }, start: `${yearStart}-09-01` });
  const loadsOf = async () => {
    const [, staff] = await ask(page, [{ staff: '' }]);
    return staff.result.staff.staff.find((m) => m.person.fullName === teacherName).person.assignments;
  };
  let loads = await loadsOf();
  assert(loads.length === 2, `loads on the server: ${JSON.stringify(loads)}`);
  await page.waitForFunction((n) => [...document.querySelectorAll('tr.staff-row')]
    .some((r) => r.textContent.includes(n) && r.textContent.includes('нагрузка: 2')), teacherName, { timeout: 15000 });
  await row.locator('button', { hasText: 'Нагрузка…' }).click();
  const school = (await ask(page, [{ school: '' }]))[1].result.school;
  const c6b = school.classes.find((c) => c.name === '6Б').classId;
  await page.locator(`dialog[open] tr[data-assignment="${loads.find((l) => l.classId === c6b).assignmentId}"] button`).click();
  await submitDialog(page, { end: `${yearStart}-09-30` });
  for (let i = 0; i < 50 && !(loads = await loadsOf()).some((l) => l.end === `${yearStart}-09-30`); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  assert(loads.find((l) => l.classId === c6b).end === `${yearStart}-09-30`, `loads: ${JSON.stringify(loads)}`);
});

test('on the demo, the administrator lands on the whole staff and the director reads it', async () => {
  const demoAdmin = await openPage();
  await signIn(demoAdmin, BASE, hints.administrator.login, PASSWORD, '/school.html');
  await demoAdmin.locator('tr.staff-row').first().waitFor({ timeout: 15000 });
  const [, staff] = await ask(demoAdmin, [{ staff: '' }]);
  const shown = await demoAdmin.locator('tr.staff-row').count();
  assert(shown === staff.result.staff.staff.length && shown > 50, `${shown} rows, the server has ${staff.result.staff.staff.length}`);
  await shot(demoAdmin, '63-school-demo.png');
  const director = await openPage();
  await signIn(director, BASE, hints.director.login, PASSWORD, '/compliance.html');
  await director.goto(`${BASE}school.html`);
  await director.locator('tr.staff-row').first().waitFor({ timeout: 15000 });
  assert(await director.locator('button', { hasText: 'Выдать доступ' }).count() === 0, 'the director is offered to issue logins');
  assert(await director.locator('button', { hasText: 'Добавить сотрудника' }).count() === 0, 'the director is offered to add staff');
  await director.locator('button', { hasText: 'Закрыть…' }).first().waitFor({ timeout: 5000 });
  // She reads a class's timetable, without the keepers' buttons.
  await director.locator('.class-table tr', { hasText: '5А' }).locator('button', { hasText: 'Расписание…' }).click();
  const week = director.locator('dialog.timetable-dialog');
  await week.locator('input[name=weekOf]').fill('2026-09-07');
  await week.locator('.week-lesson').first().waitFor({ timeout: 15000 });
  const [, served] = await ask(director, [{ classWeek: { classId: 'sch1-c5a', date: '2026-09-07' } }]);
  assert(await week.locator('.week-lesson').count() === served.result.classWeek.lessons.length,
    `the grid and the server's ${served.result.classWeek.lessons.length} lessons differ`);
  assert(await week.locator('button', { hasText: 'Добавить урок…' }).count() === 0, 'the director is offered to add lessons');
  await shot(director, '67-school-timetable-demo.png');
});

test('no script errors on the pages', async () => {
  assert(!scriptErrors.length, scriptErrors.join('\n'));
});

await runTests(async () => {
  if (page) await shot(page, 'school-failure.png', { fullPage: true });
  console.log(serverErr.slice(-1500));
});
