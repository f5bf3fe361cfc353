// Browser tests of the deputy's and director's compliance page and the
// reports (run by run.sh against the demo server, like web_test.mjs): the
// page's numbers equal the server's own compliance query (asked over a
// WebSocket of the test's own), the numbers follow a teacher's correction
// live, the drill-down to a class's corrections, the monthly sign-off and
// its refusals (a month still running only with a box ticked), the report downloads (XLSX, CSV: file name, content, the
// CSV's values equal the view's), and who may not download. Screenshots of
// each page go to --screenshots. Waits are on conditions, never sleeps.
//
//   node compliance_test.mjs --url http://127.0.0.1:PORT/ --hints server.out --screenshots DIR
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BASE, SHOTS, PASSWORD, hints, requireHints, tests,
  test, scriptErrors, assert, shot, browser, ask, runTests, openPage,
} from './harness.mjs';
const MONTH = '2026-09';      // the demo's lessons start on 2026-09-01
const LIVE_BUDGET_MS = 2000;
requireHints(['teacher', 'parent', 'director', 'deputyDirector']);

const newPage = (viewport) => openPage({ viewport, contextOptions: { acceptDownloads: true } });

async function signIn(page, login) {
  await page.goto(BASE);
  await page.fill('#login', login);
  await page.fill('#password', PASSWORD);
  await Promise.all([
    page.waitForURL((u) => !/\/(index\.html)?$/.test(u.pathname), { timeout: 15000 }),
    page.click('button[type=submit]'),
  ]);
}


async function serverView(page) {
  const [me] = await ask(page, []);
  const schoolId = me.result.me.schoolId;
  const [, view] = await ask(page, [{ compliance: { schoolId, month: MONTH } }]);
  assert(view.ok, `the server refused the compliance query: ${JSON.stringify(view.error)}`);
  return { schoolId, view: view.result.compliance };
}

const shareText = (h) => `${((h || 0) / 100).toFixed(2).replace('.', ',')} %`;

let director;       // the director's page, on the compliance view of MONTH
let schoolId;

// ---- tests ----

test('the director lands on the compliance view of the latest month with lessons', async () => {
  director = await newPage();
  await signIn(director, hints.director.login);
  assert(director.url().includes('compliance.html'), `the director landed on ${director.url()}`);
  await director.locator('#summary .kpi').first().waitFor({ timeout: 20000 });
  const month = await director.inputValue('#month');
  assert(month === MONTH, `the page chose ${month}, expected ${MONTH} (the demo's month with lessons)`);
  await shot(director, '30-compliance.png', { fullPage: true });
});

test('the page\'s numbers equal the server\'s compliance query', async () => {
  assert(director, 'needs the landing test');
  await director.goto(`${BASE}compliance.html?month=${MONTH}`);
  await director.locator('#lines-table tbody tr').first().waitFor({ timeout: 10000 });
  const server = await serverView(director);
  schoolId = server.schoolId;
  const v = server.view;
  assert(v.school.counters.lessonsHeld > 0, 'the demo month has no lessons held');
  for (const figure of ['fillShare', 'homeworkShare', 'onTimeShare']) {
    const shown = (await director.locator(`#summary [data-figure=${figure}] .kpi-value`).textContent()).trim();
    assert(shown === shareText(v.school[figure]), `school ${figure}: the page shows ${shown}, the server ${shareText(v.school[figure])}`);
  }
  const held = (await director.locator('#summary [data-figure=lessonsHeld] .kpi-value').textContent()).trim();
  assert(held === String(v.school.counters.lessonsHeld), `lessons held: ${held} vs ${v.school.counters.lessonsHeld}`);
  for (const [figure, total] of [['parentsShare', 'parents'], ['studentsShare', 'students'], ['teachersShare', 'teachersWithLessons']]) {
    const shown = (await director.locator(`#participation [data-figure=${figure}] .part-share`).textContent()).trim();
    assert(shown === shareText(v.participation[figure]), `${figure}: ${shown} vs ${shareText(v.participation[figure])} of ${v.participation[total]}`);
  }
  // Every class row, then every teacher row.
  const rows = async () => director.$$eval('#lines-table tbody tr', (trs) => trs.map((tr) => ({
    id: tr.dataset.id,
    fill: tr.querySelector('[data-figure=fillShare]').textContent.trim(),
    marks: tr.querySelector('[data-figure=marks]').textContent.trim(),
    corrections: tr.querySelector('[data-figure=corrections]').textContent.trim(),
  })));
  const check = (shown, lines, what) => {
    assert(shown.length === lines.length, `${what}: ${shown.length} rows on the page, ${lines.length} in the view`);
    for (const line of lines) {
      const row = shown.find((r) => r.id === line.id);
      assert(row, `${what} ${line.name} is missing`);
      const c = line.figures.counters || {};
      const fill = (what === 'teachers' || line.graded) && c.gradedLessonsHeld ? shareText(line.figures.fillShare) : '—';
      assert(row.fill === fill, `${what} ${line.name}: fill ${row.fill} vs ${fill}`);
      assert(row.marks === String(c.marks || 0), `${what} ${line.name}: marks ${row.marks} vs ${c.marks || 0}`);
      assert(row.corrections === String((c.corrections || 0) + (c.cancellations || 0)), `${what} ${line.name}: corrections ${row.corrections}`);
    }
  };
  check(await rows(), v.classes, 'classes');
  await director.click('#tab-teachers');
  await director.locator('#tab-teachers.active').waitFor();
  check(await rows(), v.teachers, 'teachers');
  const bars = await director.locator('#chart .bar').count();
  assert(bars > 0, 'the chart has no bars');
  await shot(director, '31-compliance-teachers.png', { fullPage: true });
  await director.click('#tab-classes');
  const count = (await director.locator('#corrections-count').textContent()).trim();
  assert(count.startsWith(String(v.corrections.length)), `corrections: the page says "${count}", the server has ${v.corrections.length}`);
});

test('a teacher\'s correction reaches the director\'s numbers live', async () => {
  assert(schoolId, 'needs the numbers test');
  const teacher = await newPage();
  await signIn(teacher, hints.teacher.login);
  const before = Number((await director.locator('#summary [data-figure=corrections] .kpi-value').textContent()).trim());
  // The teacher posts a mark in a lesson of the month and corrects it,
  // over her own WebSocket, as the register would.
  const result = await teacher.evaluate(async (month) => {
    const ws = new WebSocket(new URL('ws', location.href).href.replace(/^http/, 'ws'));
    await new Promise((resolve) => { ws.onopen = resolve; });
    let n = 0;
    const ask = (body) => new Promise((resolve) => {
      const id = 'x' + (++n);
      ws.onmessage = (e) => { const m = JSON.parse(e.data); if (m.response?.id === id) resolve(m.response); };
      ws.send(JSON.stringify({ id, ...body }));
    });
    const me = (await ask({ authenticate: sessionStorage.getItem('zhurnal.token') })).result.me;
    const school = (await ask({ school: '' })).result.school;
    const day = `${month}-07`;
    const period = school.periods.find((p) => p.start <= day && day <= p.end);
    for (const a of me.assignments) {
      const r = await ask({ register: { classId: a.classId, subjectId: a.subjectId, periodId: period.periodId } });
      if (!r.ok) continue;
      const view = r.result.register;
      for (let i = view.lessons.length - 1; i >= 0; i--) {
        const lesson = view.lessons[i];
        if (lesson.cancelled || !lesson.date.startsWith(month) || lesson.teacherId !== me.userId) continue;
        const student = view.students.find((s) => !s.left && !s.cells[i].notEnrolled && !(s.cells[i].marks || []).length);
        if (!student) continue;
        const markId = 'cmp' + Date.now().toString(36);
        const posted = await ask({ command: { commandId: markId + '-p', command: { postMark: {
          markId, lessonId: lesson.lessonId, studentId: student.studentId, value: { numeric: 4 },
          workTypeId: school.workTypes[0].workTypeId, comment: '' } } } });
        if (!posted.ok) return { error: posted.error };
        const started = Date.now();
        const corrected = await ask({ command: { commandId: markId + '-c', command: { correctMark: {
          markId, value: { numeric: 5 }, reason: 'Проверка: ответ оценён неверно' } } } });
        ws.close();
        return corrected.ok ? { started, classId: a.classId } : { error: corrected.error };
      }
    }
    ws.close();
    return { error: { message: 'no free cell in the teacher\'s lessons of the month' } };
  }, MONTH);
  assert(!result.error, `the teacher could not correct a mark: ${JSON.stringify(result.error)}`);
  await director.waitForFunction((n) => Number(document.querySelector('#summary [data-figure=corrections] .kpi-value')?.textContent) === n,
    before + 1, { timeout: 5000 });
  const latency = Date.now() - result.started;
  console.log(`    the correction reached the director's page in about ${latency} ms`);
  assert(latency <= LIVE_BUDGET_MS + 1000, `the correction took ${latency} ms to show`);
  const { view } = await serverView(director);
  const shown = (await director.locator('#summary [data-figure=onTimeShare] .kpi-value').textContent()).trim();
  assert(shown === shareText(view.school.onTimeShare), `after the push: on time ${shown} vs ${shareText(view.school.onTimeShare)}`);
  director.correctedClass = result.classId;
  await teacher.context().close();
});

test('drill-down: a class\'s corrections', async () => {
  assert(director?.correctedClass, 'needs the live test');
  const classId = director.correctedClass;
  const { view } = await serverView(director);
  const expected = view.corrections.filter((c) => c.row.classId === classId);
  const className = view.classes.find((c) => c.id === classId).name;
  await director.click(`#lines-table tbody tr[data-id="${classId}"] button.drill`);
  await director.locator('#corrections-filter').waitFor({ timeout: 3000 });
  const rows = await director.$$eval('#corrections tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent.trim())));
  assert(rows.length === expected.length, `${rows.length} corrections shown for ${className}, the server has ${expected.length}`);
  assert(rows.every((r) => r[3] === className), `rows of other classes shown: ${rows.map((r) => r[3]).join(', ')}`);
  const ours = rows.find((r) => r[8] === 'Проверка: ответ оценён неверно');
  assert(ours && /4\s*→\s*5/.test(ours[7]) && ours[1] === hints.teacher.fullName,
    `the teacher's correction is not listed as "4 → 5" by ${hints.teacher.fullName}: ${JSON.stringify(ours)}`);
  assert(new URL(director.url()).searchParams.get('class') === classId, 'the drill-down is not in the URL');
  await shot(director, '32-compliance-drill-down.png', { fullPage: true });
  // The chart's bars drill down too (teachers).
  await director.click('#tab-teachers');
  await director.locator('#chart .bar').first().click();
  await director.locator('#corrections-filter', { hasText: 'учитель' }).waitFor({ timeout: 3000 });
  await director.click('#corrections-filter button');
  await director.locator('#corrections-filter').waitFor({ state: 'detached', timeout: 3000 });
});

test('the deputy sees the check but may not sign the month', async () => {
  const deputy = await newPage();
  await signIn(deputy, hints.deputyDirector.login);
  assert(deputy.url().includes('compliance.html'), `the deputy landed on ${deputy.url()}`);
  await deputy.goto(`${BASE}compliance.html?month=${MONTH}`);
  await deputy.locator('#signoff-state').waitFor({ timeout: 10000 });
  assert(await deputy.locator('.signoff-form').count() === 0, 'the deputy is offered the sign-off');
  assert(await deputy.locator('#signoff', { hasText: 'подписывает директор' }).count() === 1, 'no word on who signs');
  const [, refused] = await ask(deputy, [{ command: { commandId: 'dep-so-' + Date.now(), command: { signOffMonth: { schoolId, month: MONTH, comment: '' } } } }]);
  assert(!refused.ok && refused.error.code === 'not_authorized', `the server let the deputy sign: ${JSON.stringify(refused)}`);
  await shot(deputy, '33-compliance-deputy.png');
  await deputy.context().close();
});

test('the director signs the month off; a second signature is refused', async () => {
  await director.goto(`${BASE}compliance.html?month=${MONTH}`);
  const form = director.locator('.signoff-form');
  await form.waitFor({ timeout: 10000 });
  await director.fill('#signoff-comment', 'Журнал за сентябрь проверен, замечания устранены');
  await shot(director, '34-compliance-sign-off-form.png');
  await form.locator('button[type=submit]').click();
  await director.locator('#signoff.signed').waitFor({ timeout: 5000 });
  const text = await director.locator('#signoff').textContent();
  assert(text.includes('Месяц подписан') && text.includes(hints.director.fullName) && text.includes('замечания устранены'),
    `the sign-off does not say who signed: ${text}`);
  const { view } = await serverView(director);
  assert(view.signedOff && view.signOffName === hints.director.fullName, 'the server has no sign-off by the director');
  const [, again] = await ask(director, [{ command: { commandId: 'so-again-' + Date.now(), command: { signOffMonth: { schoolId, month: MONTH, comment: '' } } } }]);
  assert(!again.ok && again.error.code === 'already_done' && /уже подписан/.test(again.error.message),
    `a second sign-off: ${JSON.stringify(again)}`);
  await shot(director, '35-compliance-signed.png');
});

test('a month still running is signed only with the box ticked; no comment, no stray text', async () => {
  const month = new Date().toISOString().slice(0, 7);
  await director.goto(`${BASE}compliance.html?month=${month}`);
  const form = director.locator('.signoff-form');
  await form.waitFor({ timeout: 10000 });
  await form.locator('.warn', { hasText: 'Месяц ещё не закончился' }).waitFor({ timeout: 5000 });
  await form.locator('button[type=submit]').click();
  // The form's own check stops it: nothing is sent.
  assert(await director.$eval('#signoff-early', (box) => box.validity.valueMissing), 'the box is not required');
  assert(!(await director.locator('#signoff.signed').count()), 'signed without ticking the box');
  const [, unsigned] = await ask(director, [{ compliance: { schoolId, month } }]);
  assert(!unsigned.result.compliance.signedOff, 'the server has a signature');
  await director.check('#signoff-early');
  await form.locator('button[type=submit]').click();
  await director.locator('#signoff.signed').waitFor({ timeout: 5000 });
  const text = await director.locator('#signoff').textContent();
  assert(!/null|undefined/.test(text), `the signed month shows: ${text}`);
  // Back to the month the next tests read.
  await director.goto(`${BASE}compliance.html?month=${MONTH}`);
  await director.locator('#signoff.signed').waitFor({ timeout: 10000 });
});

test('reports download as XLSX and CSV with Russian names; the CSV equals the view', async () => {
  const { view } = await serverView(director);
  const save = async (button) => {
    const [download] = await Promise.all([director.waitForEvent('download', { timeout: 15000 }), director.click(button)]);
    const path = join(SHOTS, download.suggestedFilename());
    await download.saveAs(path);
    return { name: download.suggestedFilename(), bytes: readFileSync(path) };
  };
  const xlsx = await save('#dl-compliance-xlsx');
  assert(xlsx.name === `Мониторинг журнала ${MONTH}.xlsx`, `the workbook is named ${xlsx.name}`);
  assert(xlsx.bytes.subarray(0, 4).toString('latin1') === 'PK\x03\x04', 'the workbook is not a zip');
  await director.locator('#report-status', { hasText: 'Скачан файл' }).waitFor({ timeout: 5000 });
  const csv = await save('#dl-compliance-csv');
  assert(csv.name === `Мониторинг журнала ${MONTH}.csv`, `the CSV is named ${csv.name}`);
  assert(csv.bytes.subarray(0, 3).equals(Buffer.from([0xEF, 0xBB, 0xBF])), 'the CSV has no UTF-8 BOM');
  const lines = csv.bytes.toString('utf8').slice(1).split('\r\n').map((l) => l.split(';'));
  const school = lines.find((l) => l[0] === 'Вся школа');
  const pct = (h) => `${Math.floor(h / 100)},${String(h % 100).padStart(2, '0')}`;
  assert(school && school[6] === pct(view.school.fillShare) && school[3] === String(view.school.counters.lessonsHeld),
    `the CSV's school row ${school} differs from the view (fill ${view.school.fillShare}, held ${view.school.counters.lessonsHeld})`);
  for (const line of view.classes) {
    const row = lines.find((l) => l[0] === line.name);
    assert(row && row[7] === String(line.figures.counters.marks || 0), `the CSV's ${line.name} row differs: ${row}`);
  }
  assert(csv.bytes.toString('utf8').includes('Месяц подписан: ' + hints.director.fullName), 'the CSV does not carry the sign-off');
  const progress = await save('#dl-progress-xlsx');
  assert(/^Успеваемость .+\.xlsx$/.test(progress.name), `the progress report is named ${progress.name}`);
  const attendance = await save('#dl-attendance-csv');
  assert(/^Посещаемость .+\.csv$/.test(attendance.name), `the attendance report is named ${attendance.name}`);
  assert(attendance.bytes.toString('utf8').includes('Пропущено уроков'), 'the attendance CSV has no header');
  await shot(director, '36-compliance-reports.png');
});

test('a parent may not download the reports; no token, no file', async () => {
  const parent = await newPage();
  await signIn(parent, hints.parent.login);
  const statuses = await parent.evaluate(async (school) => {
    const token = sessionStorage.getItem('zhurnal.token');
    const get = (path, auth) => fetch(path, { headers: auth ? { Authorization: `Bearer ${auth}` } : {} })
      .then(async (r) => [r.status, (await r.json().catch(() => ({}))).error]);
    return [
      await get(`reports/compliance.xlsx?school=${school}&month=2026-09`, token),
      await get(`reports/compliance.csv?school=${school}&month=2026-09`, null),
      await get(`reports/compliance.csv?school=${school}&month=2026-09&token=${token}`, null),
    ];
  }, schoolId);
  assert(JSON.stringify(statuses) === JSON.stringify([[403, 'forbidden'], [401, 'not_signed_in'], [401, 'not_signed_in']]),
    `unexpected answers: ${JSON.stringify(statuses)}`);
  // The page itself is not offered, and opening it by link shows the refusal.
  assert(await parent.locator('.nav a[href="compliance.html"]').count() === 0, 'the parent is offered the compliance page');
  await parent.goto(`${BASE}compliance.html?month=${MONTH}`);
  await parent.locator('.error-box').waitFor({ timeout: 10000 });
  const text = await parent.locator('.error-box').textContent();
  assert(/Недостаточно прав/.test(text), `the parent's page says: ${text}`);
  assert(await parent.locator('#summary .kpi').count() === 0, 'figures shown to a parent');
  await shot(parent, '37-compliance-parent-refused.png');
  await parent.context().close();
});

test('the compliance check prints', async () => {
  await director.emulateMedia({ media: 'print' });
  assert(await director.locator('.app-header').isHidden(), 'the header is printed');
  assert(await director.locator('#reports').isHidden(), 'the downloads are printed');
  await shot(director, '38-compliance-print.png', { fullPage: true });
  await director.emulateMedia({ media: 'screen' });
  await director.pdf({ path: join(SHOTS, '38-compliance-print.pdf'), landscape: true, format: 'A4' });
});

test('no script errors on the compliance pages', async () => {
  assert(scriptErrors.length === 0, 'script errors:\n' + scriptErrors.join('\n'));
});

// ---- run ----

await runTests(async (index) => {
  if (director && !director.isClosed()) {
    await director.screenshot({ path: join(SHOTS, `failed-compliance-${index}.png`), fullPage: true }).catch(() => {});
  }
});
