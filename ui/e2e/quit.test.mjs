// A secret the app copied does not outlive the app: quitting from the tray menu clears the
// clipboard. Under a clipboard manager that keeps what an exiting program owned (started here;
// without one X would drop the clipboard at exit anyway, and the test could not fail), the
// secret is gone after quitting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { openApp, startEmulator } from './harness.mjs';
import { appEnv, clipboardText, copyElsewhere, go, waitFor } from './support.mjs';
import { clickTrayItem } from './tray.mjs';

const KEEPER = fileURLToPath(new URL('./clipboard-keeper.py', import.meta.url));
const CLOSE_WINDOW = fileURLToPath(new URL('./close-window.py', import.meta.url));
const API_KEY = `drv_test_quit_${randomBytes(12).toString('hex')}`;
const LABEL = 'Quit test key';

/** Starts the clipboard keeper; resolves once it watches. `kept()` counts its take-overs. */
async function startKeeper() {
  const child = spawn('/usr/bin/python3', [KEEPER], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk.toString()));
  const deadline = Date.now() + 15000;
  while (!out.includes('ready')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the clipboard keeper did not start: ${out}`);
    await sleep(100);
  }
  return { kept: () => (out.match(/^kept$/gm) ?? []).length, stop: () => child.kill() };
}

async function until(fn, message, ms = 10000) {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(message);
    await sleep(100);
  }
}

/** Copies a stored key in the app, quits with `quit(app, pid)`, and checks the key is gone from
 *  the clipboard and was not left for a clipboard manager to keep. */
async function quitClearsTheCopiedKey(name, quit) {
  const keeper = await startKeeper();
  const emulator = await startEmulator(['--api-key', API_KEY]);
  const { env, cleanup } = appEnv(emulator.baseUrl, name);
  let app;
  try {
    // The keeper really keeps what a program leaves on the clipboard when it exits.
    const other = await copyElsewhere('left by a program that exits');
    other.kill();
    await until(() => keeper.kept() === 1, 'the clipboard keeper did not take over');
    assert.equal(clipboardText(), 'left by a program that exits');

    // A stored key (added by the command line, which shares the app's store).
    execFileSync(process.env.DRIVLY_KEYS_CLI_BIN, ['keys', 'add', LABEL], {
      env: { ...process.env, ...env },
      input: API_KEY,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: 30000,
    });

    app = await openApp({ env });
    const { browser } = app;
    await go(browser, 'keys');
    await browser.$(`button[aria-label="Copy ${LABEL}"]`).click();
    await waitFor(browser, () => clipboardText() === API_KEY, 'the key never reached the clipboard');
    await app.screenshot(`${name}-copied`);

    // Quit from the tray well before the clear delay (30 s by default) could clear it.
    const pid = app.appPid();
    assert.ok(pid, 'the app runs');
    assert.equal(clipboardText(), API_KEY, 'the key is still on the clipboard before quitting');
    await quit(app, pid);
    await until(() => !existsSync(`/proc/${pid}`), `the app did not exit (${name})`, 15000);
    // Long enough for the keeper to take over what an exiting owner left (it does in ms).
    await sleep(1500);
    assert.notEqual(clipboardText(), API_KEY, 'the key outlived the app on the clipboard');
    assert.equal(keeper.kept(), 1, 'the app left nothing for the keeper to take over');
  } finally {
    if (app) await app.close().catch(() => {}); // its WebDriver session ended with the app
    keeper.stop();
    emulator.stop();
    cleanup();
  }
}

test('quitting from the tray clears a copied secret, even under a clipboard manager that keeps it', () =>
  quitClearsTheCopiedKey('quit', (_app, pid) => clickTrayItem(pid, 'Quit')));

test('Ctrl+Q in the window quits the same way', () =>
  // The driver's key command errors when the app exits under it: the exit is what is checked.
  quitClearsTheCopiedKey('quit-ctrl-q', (app) => app.browser.keys(['Control', 'q']).catch(() => {})));

test('without a tray on the desktop, closing the window quits, and Settings says why', async () => {
  // Xvfb runs no StatusNotifier host: the app must not hide into a tray nobody can see.
  const emulator = await startEmulator();
  const { env, cleanup } = appEnv(emulator.baseUrl, 'no-tray');
  let app;
  try {
    app = await openApp({ env });
    const { browser } = app;
    await go(browser, 'settings');
    const note = await browser.$('#tray-title');
    await note.waitForExist({ timeout: 15000, timeoutMsg: 'Settings does not say that there is no tray' });
    await note.scrollIntoView({ block: 'center' });
    await browser.pause(500); // WebKitWebDriver captures mid-scroll otherwise
    await app.screenshot('settings-no-tray');
    const pid = app.appPid();
    assert.ok(pid, 'the app runs');
    // The window manager's close button: WM_DELETE_WINDOW to the app's windows.
    const windows = execFileSync('xdotool', ['search', '--pid', String(pid), '--name', 'Drivly Keys'], { timeout: 10000 })
      .toString()
      .split(/\s+/)
      .filter(Boolean);
    assert.ok(windows.length > 0, 'the window was found');
    execFileSync('/usr/bin/python3', [CLOSE_WINDOW, ...windows], { timeout: 10000 });
    await until(() => !existsSync(`/proc/${pid}`), 'closing the window left the app running without a tray', 15000);
  } finally {
    if (app) await app.close().catch(() => {}); // its WebDriver session ended with the app
    emulator.stop();
    cleanup();
  }
});
