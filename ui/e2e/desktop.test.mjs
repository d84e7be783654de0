// The app on a desktop that has a tray and a notification server (played by desktop-double, on
// the test session's bus), driven through the desktop as a person would (issue #16): the
// global shortcut copies a fresh JWT and says whose; the menu bar's shortcuts; closing the
// window keeps the app in the tray and the tray brings it back; a session that dies says so
// with a "Sign in again" button that starts the sign-in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApp, startEmulator } from './harness.mjs';
import { outcomeBanner, sessionCards, setJwtLifetime, signInEnv, signInFromTheWindow } from './sign-in-support.mjs';
import { JWT_SHAPE, clickButton, clipboardText, copyElsewhere, followNewWindow, go, waitFor, webProcessesOf } from './support.mjs';
import { clickTrayItem } from './tray.mjs';
import { startDesktopDouble } from './desktop-double.mjs';

const DEMO = 'demo@drivly.test';
const CLOSE_WINDOW = fileURLToPath(new URL('./close-window.py', import.meta.url));

const xdotool = (...args) => execFileSync('xdotool', args, { timeout: 10000, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
/** The app's top-level windows (`visible`: only those mapped on screen). */
function windowsOf(pid, visible = false) {
  try {
    return xdotool('search', ...(visible ? ['--onlyvisible'] : []), '--pid', String(pid), '--name', '^Drivly Keys$').split(/\s+/).filter(Boolean);
  } catch {
    return []; // xdotool exits 1 when it finds none
  }
}
/** Real key presses from the X server (XTEST), to the window with the input focus. */
function pressKeys(pid, keys) {
  const [window] = windowsOf(pid, true);
  assert.ok(window, 'the window is on screen');
  xdotool('windowfocus', '--sync', window);
  xdotool('key', '--clearmodifiers', keys);
}
/** The whole X screen, menu bar included (WebDriver captures only the page). */
function screenCapture(name) {
  const dir = process.env.DRIVLY_KEYS_SCREENSHOTS;
  if (!dir || !existsSync('/usr/bin/import')) return;
  try {
    execFileSync('/usr/bin/import', ['-window', 'root', join(dir, `${name}.png`)], { timeout: 15000 });
  } catch {
    // a capture is for people to look at; the test does not depend on it
  }
}
const control = (baseUrl, path, body) =>
  fetch(new URL(`/__emulator/${path}`, baseUrl), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const invoicesStatus = async (baseUrl, jwt) => (await fetch(`${baseUrl}/invoices`, { headers: { authorization: `Bearer ${jwt}` } })).status;

test('on a desktop with a tray and notifications: global shortcut, menu bar, close to the tray, and “Sign in again” from a notification', async () => {
  const desktop = await startDesktopDouble(['--tray-host', '--notifications']);
  const emulator = await startEmulator();
  const { env, cleanup, browserLog, runsFinished } = signInEnv(emulator.baseUrl, 'desktop');
  let app;
  try {
    await setJwtLifetime(emulator.baseUrl, 60);
    app = await openApp({ env });
    const { browser } = app;
    const pid = app.appPid();
    assert.ok(pid, 'the app runs');

    // ---- A session to copy from.
    await signInFromTheWindow(browser, browserLog, 'invoices.read');

    // ---- The global shortcut: off by default; recorded by pressing it in Settings.
    await go(browser, 'settings');
    const turnOn = await browser.$('.//button[normalize-space(.)="Turn on"]');
    await turnOn.waitForExist({ timeout: 10000, timeoutMsg: 'the global shortcut is not offered, off' });
    await turnOn.scrollIntoView({ block: 'center' });
    await turnOn.click();
    const recorder = await browser.$('#shortcut-recorder');
    await recorder.scrollIntoView({ block: 'center' });
    await recorder.click();
    pressKeys(pid, 'ctrl+alt+j');
    await waitFor(browser, async () => (await browser.$('#shortcut-recorder').getValue()) === 'Ctrl+Alt+J', 'the recorder did not take Ctrl+Alt+J');
    await browser.pause(300);
    await app.screenshot('settings-global-shortcut-recording');
    await clickButton(browser, 'Save');
    await waitFor(browser, () => browser.execute(() => document.querySelector('.prefs kbd')?.textContent === 'Ctrl+Alt+J'), 'Settings does not show the saved shortcut');
    await browser.execute(() => document.querySelector('.prefs kbd')?.scrollIntoView({ block: 'center' }));
    await browser.pause(500);
    await app.screenshot('settings-global-shortcut-on');

    // Pressed anywhere (the key goes to the desktop's grab, not to the window): a fresh JWT
    // on the clipboard, and a notification that says whose and for how long, without it.
    let owner = await copyElsewhere('not a token');
    const before = desktop.notifications().length;
    xdotool('key', '--clearmodifiers', 'ctrl+alt+j');
    const viaShortcut = await waitFor(browser, () => (JWT_SHAPE.test(clipboardText()) ? clipboardText() : null), 'the global shortcut copied no JWT');
    owner.kill();
    const told = await desktop.notification(/^Drivly Keys$/, { after: before });
    assert.match(told.body, new RegExp(`^Fresh JWT for ${DEMO.replace('.', '\\.')} \\(Local emulator\\) copied: valid until \\d\\d:\\d\\d, for 1 min\\. The clipboard clears in 30 s\\.$`));
    assert.ok(!told.body.includes(viaShortcut) && !told.summary.includes(viaShortcut), 'the notification never carries the token');
    assert.equal(await invoicesStatus(emulator.baseUrl, viaShortcut), 200, 'the server accepts the JWT the shortcut copied');

    // ---- The menu bar: its accelerators reach the app whatever has focus in the page.
    pressKeys(pid, 'ctrl+4');
    await waitFor(browser, () => browser.execute(() => document.querySelector('h1')?.textContent === 'Inspect'), 'Ctrl+4 did not open Inspect');
    owner = await copyElsewhere('not a token');
    const beforeMenu = desktop.notifications().length;
    pressKeys(pid, 'ctrl+shift+j'); // File → Copy Fresh JWT: the menu's alone
    await waitFor(browser, () => JWT_SHAPE.test(clipboardText()), 'File → Copy Fresh JWT (Ctrl+Shift+J) copied no JWT');
    owner.kill();
    await desktop.notification(/^Drivly Keys$/, { after: beforeMenu });

    // ---- With a tray, closing the window destroys it with its webview: the tray app runs no
    // WebKit renderer, its refreshers keep going, and reopening brings back the screen and the
    // unsaved form text.
    await go(browser, 'settings');
    await clickButton(browser, 'Add profile');
    const nameField = await browser.$('#profile-name');
    await nameField.waitForExist({ timeout: 10000, timeoutMsg: 'no profile form' });
    await nameField.setValue('Staging (half typed)');
    await browser.$('#profile-url').setValue('https://staging.example/api');
    assert.equal(webProcessesOf(pid).length, 1, 'one WebKit renderer while the window is open');
    execFileSync('/usr/bin/python3', [CLOSE_WINDOW, ...windowsOf(pid)], { timeout: 10000 });
    await waitFor(browser, () => windowsOf(pid, true).length === 0, 'closing the window did not close it');
    await waitFor(browser, () => webProcessesOf(pid).length === 0, () => `the webview's renderer outlived the window: ${webProcessesOf(pid)}`);
    assert.ok(existsSync(`/proc/${pid}`), 'the app still runs in the tray');
    await desktop.notification(/^Drivly Keys is still running$/);
    // A sign-in link that arrives while no page is there (a forged one here) is answered on
    // the desktop, since no banner can be; it does not open the window.
    const forged = spawnSync(process.env.DRIVLY_KEYS_APP_BIN, ['ly.driv.keys.dev:/auth/callback?code=forged&state=forged-in-tray'], {
      env: { ...process.env, ...env },
      timeout: 20000,
      stdio: 'ignore',
    });
    assert.equal(forged.status, 0, 'the second launch hands the link over and exits');
    const refused = await desktop.notification(/^Drivly Keys: sign-in not completed$/);
    assert.match(refused.body, /no sign-in is in progress, so this link was ignored/);
    assert.ok(!refused.body.includes('forged'), 'the notification never echoes the link');
    assert.equal(windowsOf(pid, true).length, 0, 'a refused link leaves the window closed');
    await clickTrayItem(pid, 'Open Drivly Keys');
    await followNewWindow(browser, 'the tray did not bring the window back');
    assert.equal(windowsOf(pid, true).length, 1);
    assert.equal(await browser.execute(() => document.querySelector('h1')?.textContent), 'Settings', 'back on the screen it closed on');
    await waitFor(browser, async () => (await browser.$('#profile-name').getValue()) === 'Staging (half typed)', 'the unsaved profile name did not come back');
    assert.equal(await browser.$('#profile-url').getValue(), 'https://staging.example/api');
    await browser.pause(300);
    await app.screenshot('settings-form-after-reopen-from-tray');
    await clickButton(browser, 'Cancel');

    // ---- The session dies while the window is closed (File → Close Window, Ctrl+W, this
    // time): the refresher, alone in the tray, says so with "Sign in again", and the button
    // makes the window again and starts the sign-in there.
    assert.equal((await control(emulator.baseUrl, 'refresh-invalid-grant', { enabled: true })).status, 204);
    pressKeys(pid, 'ctrl+w');
    await waitFor(browser, () => windowsOf(pid, true).length === 0, 'Ctrl+W did not close the window');
    await waitFor(browser, () => webProcessesOf(pid).length === 0, 'Ctrl+W left the renderer running');
    // The JWT lives 60 s and refreshes at 70–80 % of that: the next refresh meets the dead token.
    const ended = await desktop.notification(/^Drivly Keys: sign in again$/, { timeout: 90000 });
    assert.deepEqual(ended.actions.map((a) => a.key).sort(), ['default', 'sign-in']);
    assert.equal(ended.actions.find((a) => a.key === 'sign-in')?.label, 'Sign in again');
    assert.equal((await control(emulator.baseUrl, 'refresh-invalid-grant', { enabled: false })).status, 204);
    desktop.invoke(ended.id, 'sign-in');
    await followNewWindow(browser, () => `the notification’s button did not open the window: ${JSON.stringify(desktop.notifications())} ${windowsOf(pid)}`);
    await runsFinished(browser, 2);
    const banner = await waitFor(browser, () => outcomeBanner(browser), 'no outcome after signing in again from the notification', 30000);
    assert.ok(banner.ok, banner.text);
    assert.match(banner.text, /replaces the earlier session/);
    const cards = await sessionCards(browser);
    assert.equal(cards.length, 1, 'one session for the account, not a look-alike');
    assert.equal(cards[0].state, 'Active');
    await app.screenshot('sessions-signed-in-again-from-notification');
    // Last (under Xvfb, without a window manager, GTK's menu mode can keep the window's
    // accelerators after it): the File menu, for people to look at.
    pressKeys(pid, 'F10');
    await new Promise((r) => setTimeout(r, 500));
    screenCapture('desktop-menu-bar');
    xdotool('key', 'Escape', 'Escape');
  } finally {
    if (app) await app.close();
    desktop.stop();
    emulator.stop();
    cleanup();
  }
});

test('a notification server without buttons: a session that dies opens the window on it', async () => {
  const desktop = await startDesktopDouble(['--notifications', '--no-actions']);
  const emulator = await startEmulator();
  const { env, cleanup, browserLog } = signInEnv(emulator.baseUrl, 'desktop-no-actions');
  let app;
  try {
    app = await openApp({ env });
    const { browser } = app;
    await signInFromTheWindow(browser, browserLog);
    await go(browser, 'keys');
    assert.equal((await control(emulator.baseUrl, 'refresh-invalid-grant', { enabled: true })).status, 204);
    await browser.executeAsync((done) => window.__TAURI_INTERNALS__.invoke('list_sessions').then((list) =>
      window.__TAURI_INTERNALS__.invoke('refresh_now', { sessionId: list[0].id }).then(done, done)));
    const ended = await desktop.notification(/^Drivly Keys: sign in again$/);
    assert.deepEqual(ended.actions, [], 'no buttons offered to a server that cannot show them');
    // The way back is the window, on that session: Sessions, its card focused.
    await waitFor(browser, () => browser.execute(() => document.activeElement?.matches('article.session') && document.querySelector('h1')?.textContent === 'Sessions'), 'the window did not open on the session that ended');
    const cards = await sessionCards(browser);
    assert.equal(cards[0].state, 'Needs sign-in');
    await browser.pause(300);
    await app.screenshot('sessions-opened-by-notification');
  } finally {
    if (app) await app.close();
    desktop.stop();
    emulator.stop();
    cleanup();
  }
});
