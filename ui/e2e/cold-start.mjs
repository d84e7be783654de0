// Issue #17's cold start, on the installed package (run by scripts/lib/package-test.sh in its
// own D-Bus session, keyring and display; not a `*.test.mjs`, so the main end-to-end run, which
// tests the build folder's app, skips it).
//
// The user starts a sign-in in the installed app (through its window, driven by WebDriver), then
// quits the app before finishing in the browser. The browser (headless Chromium on the
// emulator's login pages) signs in and hands the redirect to the desktop with xdg-open; the
// package's desktop entry starts the app with the link, and that app, which never saw the
// sign-in start, finishes it from the pending sign-in the first one kept in the keyring.
// Checked: a session exists afterwards, seen by the installed command line sharing the store,
// and the emulator exchanged exactly one code for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { openApp, startEmulator } from './harness.mjs';
import { clickButton, go, waitFor } from './support.mjs';

const FAKE_BROWSER = fileURLToPath(new URL('./fake-browser.mjs', import.meta.url));
/** Pids of the app running as this user against `baseUrl` (this test's emulator: its URL
 *  is in the environment of every copy this test starts, and of no other). */
const appPids = (baseUrl) => {
  const run = spawnSync('pgrep', ['-x', '-u', String(process.getuid()), basename(process.env.DRIVLY_KEYS_APP_BIN)]);
  const mark = `DRIVLY_KEYS_EMULATOR_URL=${baseUrl}`;
  return run.stdout
    .toString()
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(mark);
      } catch {
        return false; // gone
      }
    });
};

async function until(fn, message, ms = 60000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(typeof message === 'function' ? message() : message);
    await sleep(250);
  }
}

test('cold start: the app the sign-in link launches finishes a sign-in started before quitting', async () => {
  const emulator = await startEmulator();
  const pids = () => appPids(emulator.baseUrl);
  const work = mkdtempSync(join(tmpdir(), 'drivly-cold-start-'));
  const savedUrl = join(work, 'sign-in-page-address');
  const browserLog = join(work, 'fake-browser.log');
  const appLog = join(work, 'cold-started-app.log');
  // The app's (and the command line's) view of the world: the emulator as the active profile,
  // the default home and keyring service of this clean HOME.
  const userEnv = { DRIVLY_KEYS_EMULATOR_URL: emulator.baseUrl, DRIVLY_KEYS_PROFILE: 'emulator' };
  // The installed command line; DRIVLY_KEYS_CLI_BIN lets a developer run this file against a
  // build folder's binaries (then the link is the debug scheme, handled by the user entry the
  // app registers).
  const cli = (...args) => execFileSync(process.env.DRIVLY_KEYS_CLI_BIN ?? 'drivly-keys', args, { env: { ...process.env, ...userEnv }, timeout: 30000 }).toString();
  const log = () => (existsSync(browserLog) ? readFileSync(browserLog, 'utf8') : '');
  try {
    // ---- Start the sign-in in the installed app; the "browser" only keeps the address.
    const app = await openApp({
      env: { ...userEnv, BROWSER: `node ${FAKE_BROWSER}`, FAKE_BROWSER_SAVE_URL: savedUrl, FAKE_BROWSER_LOG: browserLog },
    });
    try {
      const { browser } = app;
      await go(browser, 'sessions');
      await browser.$('#signin-title').waitForExist({ timeout: 10000, timeoutMsg: 'no sign-in form' });
      await browser.$('form.signin input[aria-label="invoices.read"]').click();
      assert.equal(await browser.$('input[name="redirect"][value="deepLink"]').isSelected(), true, 'the link sign-in is chosen');
      await clickButton(browser, 'Open browser to sign in');
      await waitFor(browser, () => existsSync(savedUrl), () => `the app never opened the browser:\n${log()}`);
      await app.screenshot('package-cold-start-waiting');
    } finally {
      // ---- The user quits the app before finishing in the browser.
      await app.close();
    }
    await until(() => pids().length === 0, () => `the app still runs after quitting: ${pids()}`, 15000);
    assert.deepEqual(JSON.parse(cli('status', '--json')).sessions, [], 'no session before the browser finishes');

    // ---- Later, the browser finishes; the desktop starts the app with the link.
    const exchangesBefore = (await requestLog(emulator.baseUrl)).filter(isCodeExchange).length;
    const run = spawnSync('node', [FAKE_BROWSER, readFileSync(savedUrl, 'utf8')], {
      env: { ...process.env, ...userEnv, FAKE_BROWSER_LOG: browserLog, FAKE_BROWSER_OPENER: 'xdg-open', FAKE_BROWSER_OPENER_LOG: appLog },
      timeout: 90000,
    });
    assert.equal(run.status, 0, `the browser failed:\n${log()}`);
    assert.match(log(), /redirected back by appLink to ly\.driv\.keys(\.dev)?:\/auth\/callback/, 'the app link came back');
    assert.match(log(), /handed the link to xdg-open/);

    // ---- The app the link started finishes the sign-in: the command line sees the session.
    const cliFailures = [];
    const appSaid = () => (existsSync(appLog) ? readFileSync(appLog, 'utf8') : '');
    const status = await until(
      () => {
        // A refusal is final: say so at once rather than after the wait.
        if (/callback was not accepted/.test(appSaid())) throw new Error(`the cold-started app refused the link:\n${appSaid()}`);
        let parsed;
        try {
          parsed = JSON.parse(cli('status', '--json'));
        } catch (error) {
          // Seen once: 'keyring_locked' while the started app was writing the session (a
          // race in the store's error mapping, reported separately). Asked again next time.
          cliFailures.push(error.stderr?.toString().trim() || String(error));
          return null;
        }
        return parsed.sessions.some((s) => s.state === 'active') ? parsed : null;
      },
      () =>
        `no active session after the cold start (DISPLAY=${process.env.DISPLAY}, X: ${displayAnswers() ? 'answers' : 'does not answer'}; drivly-keys status failed ${cliFailures.length} times: ${cliFailures.at(-1) ?? ''}); the app said:\n${appSaid() || '(nothing)'}${xServerSaid()}`,
    );
    assert.equal(status.sessions.length, 1, 'exactly one session');
    assert.equal(status.sessions[0].profileId, 'emulator');
    assert.deepEqual(status.sessions[0].permissions, ['invoices.read'], 'the permissions asked for before quitting');
    const exchanges = (await requestLog(emulator.baseUrl)).filter(isCodeExchange).length - exchangesBefore;
    assert.equal(exchanges, 1, 'the code was exchanged once');
    assert.equal(pids().length, 1, 'the link started one app, which keeps running');
    const jwt = cli('token').trim();
    const call = await fetch(`${emulator.baseUrl}/invoices`, { headers: { authorization: `Bearer ${jwt}` } });
    assert.equal(call.status, 200, 'the session works');
  } finally {
    for (const pid of pids()) process.kill(pid, 'SIGTERM');
    await until(() => pids().length === 0, 'the cold-started app did not exit', 10000).catch(() => {
      for (const pid of pids()) process.kill(pid, 'SIGKILL');
    });
    emulator.stop();
    rmSync(work, { recursive: true, force: true });
  }
});

/** What the X server logged (scripts/lib/package-test.sh keeps it in XVFB_LOG), for a failure. */
const xServerSaid = () => {
  const path = process.env.XVFB_LOG;
  if (!path || !existsSync(path)) return '';
  return `\nthe X server said:\n${readFileSync(path, 'utf8').split('\n').slice(-40).join('\n') || '(nothing)'}`;
};

/** Whether the X display answers (a failed cold start says whether the display was there). */
const displayAnswers = () => spawnSync('xdpyinfo', [], { stdio: 'ignore', timeout: 5000 }).status === 0;

const isCodeExchange = (r) => r.method === 'POST' && /\/token$/.test(r.path);

async function requestLog(baseUrl) {
  const response = await fetch(new URL('/__emulator/request-log', baseUrl));
  assert.equal(response.status, 200);
  return response.json();
}
