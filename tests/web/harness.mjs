// What every browser test file shares: its command line (run.sh passes
// --url, --hints, --screenshots, --summary, optionally --chromium), the
// sign-in hints the demo server printed, a tiny test registry, Debian's
// Chromium launched headless, a WebSocket of the test's own to ask the server
// directly, and the run loop that prints "N passed, N failed".
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) => {
  if (a.startsWith('--')) pairs.push([a.slice(2), all[i + 1]]);
  return pairs;
}, []));
export const BASE = args.url.replace(/\/?$/, '/');
export const SHOTS = args.screenshots || '/tmp/zhurnal-web-screenshots';
export const PASSWORD = 'zhurnal-demo';
mkdirSync(SHOTS, { recursive: true });

// "  role  login  Full Name — note" lines of `zhurnal serve --demo`.
export function readHints(file) {
  const hints = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = line.match(/^\s{2}(\w+)\s+(\S+)\s+(.+?)(?: — (.*))?$/);
    if (m) hints[m[1]] = { login: m[2], fullName: m[3], note: m[4] || '' };
  }
  return hints;
}
export const hints = readHints(args.hints);
export function requireHints(roles) {
  for (const role of roles) {
    if (!hints[role]) throw new Error(`no ${role} in the server's sign-in hints`);
  }
}

export const tests = [];
export const test = (name, fn) => tests.push({ name, fn });
export const scriptErrors = [];
export const assert = (condition, message) => { if (!condition) throw new Error(message); };
export const shot = (page, name, options = {}) => page.screenshot({ path: join(SHOTS, name), ...options });

export const browser = await chromium.launch({
  executablePath: args.chromium || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--lang=ru-RU'],
  env: { ...process.env, LANGUAGE: 'ru' },
});

// A page in a fresh Russian-locale context in the demo school's time zone;
// its script errors and console errors are collected in scriptErrors.
export async function openPage({ viewport = { width: 1366, height: 768 }, contextOptions = {}, initScript } = {}) {
  const context = await browser.newContext({ locale: 'ru-RU', timezoneId: 'Asia/Yekaterinburg', viewport, ...contextOptions });
  if (initScript) await context.addInitScript(initScript);
  const page = await context.newPage();
  page.on('pageerror', (e) => scriptErrors.push(`${page.url()}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) scriptErrors.push(`${page.url()}: ${m.text()}`);
  });
  return page;
}

// The first sign-in with a password from the school's slip: the page says it
// is temporary and asks for her own, twice; then she lands on a page whose
// path matches `landing`. The slip's password alone opens nothing.
export async function firstSignIn(page, base, login, slipPassword, ownPassword, landing) {
  await page.goto(base);
  await page.fill('#login', login);
  await page.fill('#password', slipPassword);
  await page.click('button[type=submit]');
  await page.locator('#new-password-box:not([hidden])').waitFor({ timeout: 15000 })
    .catch(() => { throw new Error(`the slip's password was not answered with a request for her own (${page.url()})`); });
  const said = await page.textContent('#new-password-box');
  if (!/временный пароль/.test(said)) throw new Error(`the page said: ${said}`);
  await page.fill('#new-password', ownPassword);
  await page.fill('#new-password-again', ownPassword);
  await Promise.all([
    page.waitForURL((u) => landing.test(u.pathname), { timeout: 15000 }),
    page.click('button[type=submit]'),
  ]);
}

// Requests on a WebSocket of the test's own, signed in with the page's
// session token: what the server says, not what the page believes. The
// first answer is the authentication's.
export async function ask(page, bodies) {
  return page.evaluate(async (list) => {
    const ws = new WebSocket(new URL('ws', location.href).href.replace(/^http/, 'ws'));
    await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
    let n = 0;
    const one = (body) => new Promise((resolve) => {
      const id = 't' + (++n);
      ws.onmessage = (e) => {
        const m = JSON.parse(e.data);
        if (m.response?.id === id) resolve(m.response);
      };
      ws.send(JSON.stringify({ id, ...body }));
    });
    const me = await one({ authenticate: sessionStorage.getItem('zhurnal.token') });
    const out = [me];
    for (const b of list) out.push(await one(b));
    ws.close();
    return out;
  }, bodies);
}

// Runs the registered tests in order, each within 60 s; onFailure(index)
// may save screenshots. Prints the summary and exits.
export async function runTests(onFailure = async () => {}, { printShots = false } = {}) {
  let passed = 0, failed = 0;
  for (const t of tests) {
    const started = Date.now();
    try {
      await Promise.race([t.fn(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out after 60 s')), 60000))]);
      passed++;
      console.log(`ok   ${t.name} (${Date.now() - started} ms)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${t.name}\n     ${String(e.message || e).split('\n').join('\n     ')}`);
      await onFailure(tests.indexOf(t)).catch(() => {});
    }
  }
  await browser.close();
  if (printShots) console.log(`screenshots: ${SHOTS}`);
  const summary = `${passed} passed, ${failed} failed`;
  if (args.summary) writeFileSync(args.summary, summary + '\n');
  console.log(summary);
  process.exit(failed ? 1 : 0);
}
