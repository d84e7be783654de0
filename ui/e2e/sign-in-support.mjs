// What the sign-in end-to-end tests share: the fake system browser's environment, the
// emulator's test controls (JWT lifetime, request log), and readers of the Sessions screen.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { appEnv, clickButton, go, waitFor } from './support.mjs';

const FAKE_BROWSER = fileURLToPath(new URL('./fake-browser.mjs', import.meta.url));

/** Sets the emulator's session JWT lifetime through its test controls. */
export async function setJwtLifetime(baseUrl, seconds) {
  const response = await fetch(new URL('/__emulator/jwt-lifetime', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ seconds }),
  });
  assert.equal(response.status, 204, 'the emulator took the new JWT lifetime');
}

/** Every request the emulator served so far (outside its test controls), oldest first. */
export async function requestLog(baseUrl) {
  const response = await fetch(new URL('/__emulator/request-log', baseUrl));
  assert.equal(response.status, 200, 'the emulator returned its request log');
  return response.json();
}

export const required = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the end-to-end tests through scripts/test`);
  return value;
};

/** Launches the app with the fake browser as $BROWSER; `runsFinished(n)` waits for its n-th run. */
export function signInEnv(baseUrl, name) {
  const fresh = appEnv(baseUrl, name);
  const log = `${fresh.home}.fake-browser.log`;
  fresh.env.BROWSER = `node ${FAKE_BROWSER}`;
  fresh.env.FAKE_BROWSER_LOG = log;
  const browserLog = () => (existsSync(log) ? readFileSync(log, 'utf8') : '');
  return {
    ...fresh,
    browserLog,
    runsFinished: (browser, n) =>
      waitFor(
        browser,
        () => (browserLog().match(/\] (done|failed|timed out)/g) ?? []).length >= n,
        () => `the fake browser did not finish run ${n}:\n${browserLog()}`,
        60000,
      ),
    cleanup: () => {
      fresh.cleanup();
      rmSync(log, { force: true });
    },
  };
}

export const sessionCards = (browser) =>
  browser.execute(() =>
    [...document.querySelectorAll('article.session')].map((card) => ({
      subject: card.querySelector('h3')?.textContent.trim(),
      state: card.querySelector('.state')?.textContent.trim(),
      countdown: card.querySelector('[data-testid="countdown"]')?.textContent.trim() ?? null,
      facts: Object.fromEntries(
        [...card.querySelectorAll('dt')].map((dt) => [dt.textContent.trim(), dt.nextElementSibling?.textContent.trim()]),
      ),
    })),
  );

/** The sessions as the backend reports them (read through the app's own IPC, for timestamps). */
export const backendSessions = (browser) =>
  browser.executeAsync((done) => {
    window.__TAURI_INTERNALS__.invoke('list_sessions').then(done, (e) => done({ error: String(e?.message ?? e) }));
  });

export const outcomeBanner = (browser) =>
  browser.execute(() => {
    const el = document.querySelector('main p.banner[role="status"]');
    return el ? { ok: el.classList.contains('success'), text: el.textContent.trim() } : null;
  });

/** Signs in from an empty Sessions screen, as a user does (the fake browser completes the
 *  pages), optionally ticking `permission`; resolves with the active session's card. */
export async function signInFromTheWindow(browser, browserLog, permission = null) {
  await go(browser, 'sessions');
  await browser.$('#signin-title').waitForExist({ timeout: 10000, timeoutMsg: 'no sign-in form' });
  if (permission) await browser.$(`form.signin input[aria-label="${permission}"]`).click();
  await clickButton(browser, 'Open browser to sign in');
  return waitFor(
    browser,
    async () => (await sessionCards(browser)).find((s) => s.state === 'Active'),
    () => `no active session:\n${browserLog()}`,
    45000,
  );
}
