// Issue #12 item 5 on the real app: what the `drivly-keys` CLI does while the app runs shows
// in the app within 2 s (live sync). The CLI runs with the app's environment (same
// DRIVLY_KEYS_HOME, keyring service and profile), and signs in through the same fake browser
// (headless Chromium) as the sign-in test, returning by its loopback listener.
// - `drivly-keys login` makes a session card appear;
// - `drivly-keys logout` removes it, and the emulator's request log shows no refresh after it
//   (the emulator's JWTs live 6 s here, so a refresher that kept running would show at once);
// - `drivly-keys keys add` (the key on standard input) shows the key on the Keys screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { openApp, startEmulator } from './harness.mjs';
import { appEnv, go, pageText } from './support.mjs';

const FAKE_BROWSER = fileURLToPath(new URL('./fake-browser.mjs', import.meta.url));
/** The promise to the user: a change made elsewhere shows within this. */
const PROMISE_MS = 2000;
const JWT_LIFETIME = 6; // seconds: the app's refresher then renews every 5 s (its floor; issue #13)
const REFRESH_PATH = '/api/auth/refresh';

const cliBin = () =>
  process.env.DRIVLY_KEYS_CLI_BIN ?? join(dirname(process.env.DRIVLY_KEYS_APP_BIN ?? '.'), 'drivly-keys');

/** Runs the CLI with the app's environment; resolves with its exit code, stdout and stderr. */
function cli(env, args, input = null) {
  return new Promise((resolve, reject) => {
    const child = spawn(cliBin(), args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, at: Date.now() });
    });
    child.stdin.end(input ?? '');
  });
}

async function emulatorControl(baseUrl, path, body) {
  const response = await fetch(new URL(`/__emulator/${path}`, baseUrl), {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(response.ok, `emulator control ${path}: ${response.status}`);
  return response.status === 204 ? null : response.json();
}

const requestLog = (baseUrl) => emulatorControl(baseUrl, 'request-log');
const refreshesIn = (log) => log.filter((r) => r.path === REFRESH_PATH);

const sessionCards = (browser) =>
  browser.execute(() =>
    [...document.querySelectorAll('article.session')].map((card) => ({
      state: card.querySelector('.state')?.textContent.trim(),
    })),
  );

/** A screenshot with `selector` scrolled into view, after the window has painted the change. */
async function settledScreenshot(app, name, selector) {
  await app.browser.execute((s) => document.querySelector(s)?.scrollIntoView({ block: 'center' }), selector);
  await sleep(500);
  await app.screenshot(name);
}

/** Polls `fn` every 50 ms until truthy; returns the milliseconds since `since` (or throws). */
async function shownWithin(fn, since, what, timeout = 15000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await fn()) return Date.now() - since;
    if (Date.now() > deadline) throw new Error(`${what} did not show within ${timeout} ms`);
    await sleep(50);
  }
}

test('live sync: CLI login, logout and keys add show in the running app within 2 s', async (t) => {
  const emulator = await startEmulator(['--jwt-lifetime', String(JWT_LIFETIME)]);
  const fresh = appEnv(emulator.baseUrl, 'livesync');
  const browserLog = `${fresh.home}.fake-browser.log`;
  const env = { ...fresh.env, BROWSER: `node ${FAKE_BROWSER}`, FAKE_BROWSER_LOG: browserLog };
  const fakeBrowserLog = () => (existsSync(browserLog) ? readFileSync(browserLog, 'utf8') : '');
  let app;
  try {
    app = await openApp({ env });
    const { browser } = app;
    await go(browser, 'sessions');
    await browser.$('#signin-title').waitForExist({ timeout: 10000, timeoutMsg: 'no sign-in form on an empty Sessions screen' });
    assert.equal((await sessionCards(browser)).length, 0);

    // ---- `drivly-keys login`: a new session card within 2 s of the command's end.
    const login = await cli(env, ['login', '--permissions', 'invoices.read']);
    assert.equal(login.code, 0, `login failed: ${login.stderr}\n${fakeBrowserLog()}`);
    const loginShown = await shownWithin(async () => (await sessionCards(browser)).length === 1, login.at, 'the session signed in by the CLI');
    t.diagnostic(`session card shown ${loginShown} ms after \`drivly-keys login\` ended`);
    assert.ok(loginShown <= PROMISE_MS, `the session card took ${loginShown} ms`);
    await settledScreenshot(app, 'livesync-cli-login', 'article.session');
    // The app runs it: it refreshes it on its own (JWTs live 6 s).
    const before = refreshesIn(await requestLog(emulator.baseUrl)).length;
    await shownWithin(
      async () => refreshesIn(await requestLog(emulator.baseUrl)).length > before,
      Date.now(),
      'a refresh by the app of the session signed in by the CLI',
      20000,
    );

    // ---- `drivly-keys logout`: the card goes within 2 s, and nothing refreshes it afterwards.
    const logout = await cli(env, ['logout']);
    assert.equal(logout.code, 0, `logout failed: ${logout.stderr}`);
    const logoutShown = await shownWithin(async () => (await sessionCards(browser)).length === 0, logout.at, 'the sign-out by the CLI');
    t.diagnostic(`session card gone ${logoutShown} ms after \`drivly-keys logout\` ended`);
    assert.ok(logoutShown <= PROMISE_MS, `the session card stayed ${logoutShown} ms`);
    await settledScreenshot(app, 'livesync-cli-logout', '#signin-title');
    const atLogout = refreshesIn(await requestLog(emulator.baseUrl)).length;
    // Over two JWT lifetimes a running refresher would have refreshed at least twice.
    await sleep(2 * JWT_LIFETIME * 1000 + 1000);
    const log = await requestLog(emulator.baseUrl);
    const late = refreshesIn(log).slice(atLogout);
    assert.deepEqual(late, [], 'the app refreshed the session after the CLI signed it out');
    assert.ok(log.some((r) => r.path === '/api/auth/revoke'), 'the CLI revoked the session on the server');
    assert.equal((await sessionCards(browser)).length, 0);

    // ---- `drivly-keys keys add` (the key on standard input): on the Keys screen within 2 s.
    await go(browser, 'keys');
    const label = 'from-the-cli';
    assert.ok(!(await pageText(browser)).includes(label));
    const add = await cli(env, ['keys', 'add', label], 'dk_test_livesync0123456789abcdef');
    assert.equal(add.code, 0, `keys add failed: ${add.stderr}`);
    const keyShown = await shownWithin(
      () => browser.execute((l) => [...document.querySelectorAll('li.key h3')].some((h) => h.textContent.trim() === l), label),
      add.at,
      'the key added by the CLI',
    );
    t.diagnostic(`key shown ${keyShown} ms after \`drivly-keys keys add\` ended`);
    assert.ok(keyShown <= PROMISE_MS, `the key took ${keyShown} ms`);
    await settledScreenshot(app, 'livesync-cli-keys-add', 'li.key');
  } finally {
    if (app) await app.close();
    emulator.stop();
    fresh.cleanup();
    rmSync(browserLog, { force: true });
  }
});
