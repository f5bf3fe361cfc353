// Browser tests of the auditor's page (audit.html), run by run.sh against the
// demo server like the other *_test.mjs: the auditor lands on it; a
// student's history shows a correction with its reason and the values before
// and after; the filters and the order; the register "as of" an instant just
// before a correction shows the old mark and just after it the new one (the
// correction, the instants and the expected marks are taken from the
// server's own answers over a WebSocket of the test's own, never
// hard-coded); the integrity check of the log; a parent refused.
//
//   node audit_test.mjs --url http://127.0.0.1:PORT/ --hints server.out --screenshots DIR
import { join } from 'node:path';
import {
  BASE, SHOTS, PASSWORD, hints, requireHints, tests,
  test, scriptErrors, assert, shot, browser, ask, runTests, openPage,
} from './harness.mjs';
requireHints(['auditor', 'parent']);

const newPage = (viewport = { width: 1366, height: 900 }) => openPage({ viewport });

async function signIn(page, login) {
  await page.goto(BASE);
  await page.fill('#login', login);
  await page.fill('#password', PASSWORD);
  await Promise.all([
    page.waitForURL((u) => !/\/(index\.html)?$/.test(u.pathname), { timeout: 15000 }),
    page.click('button[type=submit]'),
  ]);
}


async function ask1(page, body) {
  const [, r] = await ask(page, [body]);
  return r;
}

// "YYYY-MM-DD HH:MM:SS" shifted by whole seconds (school-local wall time;
// Russian zones have no daylight saving).
function shift(local, seconds) {
  const [d, t] = local.split(' ');
  const ms = Date.parse(`${d}T${t}Z`) + seconds * 1000;
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

const markOf = (view, studentId, lessonId, markId) => {
  const i = view.lessons.findIndex((l) => l.lessonId === lessonId);
  const s = view.students.find((x) => x.studentId === studentId);
  return i >= 0 && s ? (s.cells[i].marks || []).find((m) => m.markId === markId) : undefined;
};
const valueText = (v) => (v?.numeric !== undefined ? String(v.numeric) : null);

let auditor;        // the auditor's page
let schoolId;
let found;          // the correction the tests follow (see 'a correction in the demo')

// ---- tests ----

test('the auditor lands on the history page', async () => {
  auditor = await newPage();
  await signIn(auditor, hints.auditor.login);
  assert(auditor.url().includes('audit.html'), `the auditor landed on ${auditor.url()}`);
  await auditor.waitForFunction(() => document.querySelector('#a-school')?.value &&
    document.querySelectorAll('#a-class option').length > 0, null, { timeout: 20000 });
  schoolId = await auditor.inputValue('#a-school');
  assert(await auditor.locator('a.nav-link.active[href="audit.html"]').count() === 1, 'the page is not marked in the navigation');
  // Read only: no entry controls of the register anywhere.
  assert(await auditor.locator('table.register, .cell-editor, [data-action=correct]').count() === 0, 'edit controls on the auditor\'s page');
  await shot(auditor, '50-audit-landing.png', { fullPage: true });
});

test('a correction in the demo (asked of the server)', async () => {
  const school = await ask1(auditor, { school: schoolId });
  assert(school.ok, `school: ${JSON.stringify(school.error)}`);
  const periods = school.result.school.periods;
  for (const klass of school.result.school.classes) {
    const lessons = new Map();
    const corrections = [];
    let after = '0';
    do {
      const r = await ask1(auditor, { history: { subject: { classId: klass.classId }, limit: 1000, afterPosition: after } });
      assert(r.ok, `history: ${JSON.stringify(r.error)}`);
      for (const e of r.result.history.entries) {
        const p = JSON.parse(e.payload);
        if (p.lessonScheduled) lessons.set(p.lessonScheduled.lessonId, p.lessonScheduled);
        if (p.markCorrected && e.reason) corrections.push({ entry: e, body: p.markCorrected });
      }
      after = r.result.history.nextPosition;
    } while (after !== '0');
    // The first correction whose mark stood with the old value a second
    // before and with the new one a second after.
    for (const c of corrections.slice(0, 10)) {
      const lesson = lessons.get(c.body.lessonId);
      if (!lesson) continue;
      const period = periods.find((p) => p.start <= lesson.date && lesson.date <= p.end);
      if (!period) continue;
      const register = { classId: klass.classId, subjectId: lesson.subjectId, periodId: period.periodId };
      const before = shift(c.entry.recordedAt, -1), after1 = shift(c.entry.recordedAt, 1);
      const [, b, a] = await ask(auditor, [{ asOf: { at: before, view: { register } } }, { asOf: { at: after1, view: { register } } }]);
      assert(b.ok && a.ok, `asOf: ${JSON.stringify(b.error || a.error)}`);
      const mb = markOf(b.result.asOf.view.register, c.body.studentId, c.body.lessonId, c.body.markId);
      const ma = markOf(a.result.asOf.view.register, c.body.studentId, c.body.lessonId, c.body.markId);
      if (!mb || !ma || mb.cancelled || ma.cancelled) continue;
      if (valueText(mb.value) !== valueText(c.body.previous) || valueText(ma.value) !== valueText(c.body.value)) continue;
      if (valueText(mb.value) === valueText(ma.value) || !ma.corrected) continue;
      found = { ...c, klass, lesson, period, register, before, after: after1, markBefore: mb, markAfter: ma };
      break;
    }
    if (found) break;
  }
  assert(found, 'no correction of a numeric mark found in the demo');
  assert(found.entry.previous === valueText(found.body.previous) && found.entry.value === valueText(found.body.value),
    `the history's values ${found.entry.previous} → ${found.entry.value} differ from the event's`);
});

test('a student\'s history shows the correction with who, when, what and why', async () => {
  assert(found, 'no correction to follow');
  await auditor.selectOption('#a-kind', 'student');
  await auditor.selectOption('#a-class', found.klass.classId);
  await auditor.waitForFunction((id) => [...document.querySelectorAll('#a-student option')].some((o) => o.value === id),
    found.body.studentId, { timeout: 10000 });
  await auditor.selectOption('#a-student', found.body.studentId);
  const row = auditor.locator(`#timeline tr[data-position="${found.entry.position}"]`);
  await row.waitFor({ timeout: 20000 });
  const text = await row.textContent();
  for (const part of [found.entry.reason, found.entry.recordedAt, found.entry.actorName, 'Исправление отметки']) {
    assert(part && text.includes(part), `the row lacks «${part}»: ${text}`);
  }
  assert((await row.locator('.audit-prev').textContent()) === found.entry.previous, 'the previous value is not shown');
  assert((await row.locator('.audit-new').textContent()) === found.entry.value, 'the new value is not shown');
  assert(await row.evaluate((tr) => tr.classList.contains('audit-fix')), 'the correction is not highlighted');
  // Newest first by default.
  const positions = await auditor.locator('#timeline tr[data-position]').evaluateAll((rows) => rows.map((r) => BigInt(r.dataset.position)));
  assert(positions.length > 1 && positions.every((p, i) => i === 0 || positions[i - 1] > p), 'the timeline is not newest first');
  await row.scrollIntoViewIfNeeded();
  await shot(auditor, '51-audit-student-history.png', { fullPage: true });
});

test('filters: corrections only, a date range, oldest first', async () => {
  assert(found, 'no correction to follow');
  await auditor.selectOption('#a-filter', 'g:fixes');
  const types = await auditor.locator('#timeline tr[data-position]').evaluateAll((rows) => rows.map((r) => r.dataset.type));
  assert(types.length > 0 && types.every((t) => ['MarkCorrected', 'MarkCancelled', 'AttendanceCorrected', 'LessonMoved',
    'LessonCancelled', 'PeriodReopened', 'CredentialsRevoked'].includes(t)), `the filter let through ${types.join(', ')}`);
  // A day without the correction: it disappears; the day of it: it is back.
  const day = found.entry.recordedAt.slice(0, 10);
  const next = shift(`${day} 00:00:00`, 86400).slice(0, 10);
  await auditor.fill('#a-from', next);
  await auditor.locator('#a-from').dispatchEvent('change');
  await auditor.locator('#timeline[data-state=ready]').waitFor({ timeout: 10000 });
  assert(await auditor.locator(`#timeline tr[data-position="${found.entry.position}"]`).count() === 0, 'an entry before «с даты» shown');
  await auditor.fill('#a-from', day);
  await auditor.fill('#a-to', day);
  await auditor.locator('#a-to').dispatchEvent('change');
  await auditor.locator(`#timeline tr[data-position="${found.entry.position}"]`).waitFor({ timeout: 10000 });
  const days = await auditor.locator('#timeline .audit-when').allTextContents();
  assert(days.every((d) => d.startsWith(day)), `entries outside ${day}: ${days.join(', ')}`);
  await auditor.selectOption('#a-order', 'oldest');
  await auditor.locator(`#timeline tr[data-position="${found.entry.position}"]`).waitFor({ timeout: 10000 });
  const positions = await auditor.locator('#timeline tr[data-position]').evaluateAll((rows) => rows.map((r) => BigInt(r.dataset.position)));
  assert(positions.every((p, i) => i === 0 || positions[i - 1] < p), 'the timeline is not oldest first');
  await shot(auditor, '52-audit-filtered.png', { fullPage: true });
  await auditor.selectOption('#a-filter', '');
  await auditor.fill('#a-from', '');
  await auditor.fill('#a-to', '');
  await auditor.locator('#a-to').dispatchEvent('change');
});

async function showAsOf(local) {
  const [date, time] = local.split(' ');
  await auditor.fill('#asof-date', date);
  await auditor.fill('#asof-time', time);
  await auditor.selectOption('#asof-class', found.register.classId);
  await auditor.selectOption('#asof-subject', found.register.subjectId);
  await auditor.selectOption('#asof-period', found.register.periodId);
  await auditor.click('#asof-show');
  await auditor.waitForFunction((at) => document.querySelector('#asof-status')?.textContent.includes(`По состоянию на ${at}`),
    local, { timeout: 20000 });
  return auditor.locator(`#asof-register td[data-student="${found.body.studentId}"][data-lesson="${found.body.lessonId}"] [data-mark="${found.body.markId}"]`);
}

test('the register as of an instant: the old mark before the correction, the new one after', async () => {
  assert(found, 'no correction to follow');
  let mark = await showAsOf(found.before);
  assert((await mark.evaluate((m) => m.firstChild.textContent)) === valueText(found.markBefore.value),
    `before: shown ${await mark.textContent()}, the server says ${valueText(found.markBefore.value)}`);
  assert((await mark.getAttribute('data-corrected')) === (found.markBefore.corrected ? '1' : ''), 'before: the corrected marker is wrong');
  await mark.scrollIntoViewIfNeeded();
  await shot(auditor, '53-audit-asof-before.png', { fullPage: true });
  mark = await showAsOf(found.after);
  assert((await mark.evaluate((m) => m.firstChild.textContent)) === valueText(found.markAfter.value),
    `after: shown ${await mark.textContent()}, the server says ${valueText(found.markAfter.value)}`);
  assert((await mark.getAttribute('data-corrected')) === '1', 'after: the mark is not marked corrected');
  assert(await mark.locator('.audit-marker').count() === 1, 'after: no visible «испр» marker');
  await mark.scrollIntoViewIfNeeded();
  await shot(auditor, '54-audit-asof-after.png', { fullPage: true });
});

test('the integrity check of the log says it is whole', async () => {
  const [, before] = await ask(auditor, [{ verifyLog: null }]);
  assert(before.ok && before.result.verifyLog.ok, `the server's check: ${JSON.stringify(before)}`);
  await auditor.click('#verify');
  const ok = auditor.locator('#verify-result .audit-ok');
  await ok.waitFor({ timeout: 30000 });
  const text = await ok.textContent();
  assert(text.includes('Журнал цел'), `the result says: ${text}`);
  const checked = Number(text.match(/проверено ([\d\s\u00a0]+) событ/)?.[1].replace(/[\s\u00a0]/g, ''));
  assert(checked >= Number(before.result.verifyLog.eventsChecked) && checked > 0,
    `the page says ${checked} events checked, the server ${before.result.verifyLog.eventsChecked} a moment earlier`);
  await shot(auditor, '55-audit-verify.png');
});

test('a parent cannot open the page nor ask its requests', async () => {
  const parent = await newPage();
  await signIn(parent, hints.parent.login);
  await parent.goto(BASE + 'audit.html');
  await parent.locator('.error-box[role=alert]').waitFor({ timeout: 10000 });
  assert((await parent.locator('.error-box').textContent()).includes('Нет доступа'), 'no refusal shown to a parent');
  assert(await parent.locator('#timeline, #verify, #asof-form').count() === 0, 'the auditor\'s controls are shown to a parent');
  assert(await parent.locator('a.nav-link[href="audit.html"]').count() === 0, 'the page is offered to a parent');
  const [, verify, history] = await ask(parent, [{ verifyLog: null }, { history: { subject: { classId: found?.klass.classId || 'x' } } }]);
  assert(!verify.ok && verify.error.code === 'forbidden', `verifyLog for a parent: ${JSON.stringify(verify)}`);
  assert(!history.ok && history.error.code === 'forbidden', `history for a parent: ${JSON.stringify(history)}`);
  await shot(parent, '56-audit-parent-refused.png');
  await parent.context().close();
});

test('no script errors on the auditor\'s page', async () => {
  assert(scriptErrors.length === 0, 'script errors:\n' + scriptErrors.join('\n'));
});

// ---- run ----

await runTests(async (index) => {
  if (auditor && !auditor.isClosed()) {
    await auditor.screenshot({ path: join(SHOTS, `failed-audit-${index}.png`), fullPage: true }).catch(() => {});
  }
});
