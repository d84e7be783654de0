// Started minimised to the tray, the app makes no window, so no WebKit process runs (issue
// #18): the refreshers, tray, global shortcut and notifications are Rust. Opening it (here by
// a second launch, as the desktop's launcher does) makes the window then. Started without
// WebDriver, which needs a window at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulator } from './harness.mjs';
import { required } from './sign-in-support.mjs';
import { appEnv } from './support.mjs';
import { startDesktopDouble } from './desktop-double.mjs';

/** The process names under `pid` (its descendants, recursively). */
function descendants(pid) {
  const children = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return children.flatMap((child) => {
    let name = '?';
    try {
      name = readFileSync(`/proc/${child}/comm`, 'utf8').trim();
    } catch {
      // gone meanwhile
    }
    return [name, ...descendants(child)];
  });
}

function visibleWindows(pid) {
  try {
    return execFileSync('xdotool', ['search', '--onlyvisible', '--pid', String(pid), '--name', '^Drivly Keys$'], { timeout: 10000, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .split(/\s+/)
      .filter(Boolean);
  } catch {
    return [];
  }
}

async function until(check, message, timeout = 20000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (check()) return;
    await sleep(200);
  }
  throw new Error(message);
}

test('started minimised to the tray, the app runs no WebKit until it is opened', async () => {
  // A desktop with a tray: without one, a minimised start shows the window at once.
  const desktop = await startDesktopDouble(['--tray-host', '--notifications']);
  const emulator = await startEmulator();
  const { env, home, cleanup } = appEnv(emulator.baseUrl, 'tray-start');
  // Also a global shortcut saved earlier: it is taken again at start, window or not.
  writeFileSync(join(home, 'config.json'), JSON.stringify({ schemaVersion: 1, settings: { launchMinimised: true, globalShortcut: 'Ctrl+Alt+K' } }));
  const bin = required('DRIVLY_KEYS_APP_BIN');
  const app = spawn(bin, [], { env: { ...process.env, ...env }, stdio: 'ignore' });
  try {
    // Long enough for start-up, secure storage and the tray.
    await sleep(4000);
    assert.equal(app.exitCode, null, 'the app runs');
    assert.deepEqual(descendants(app.pid).filter((n) => n.startsWith('WebKit')), [], 'no WebKit process in the tray');
    assert.deepEqual(visibleWindows(app.pid), []);

    // The saved shortcut works from the tray; with no session yet it says how to get one.
    execFileSync('xdotool', ['key', '--clearmodifiers', 'ctrl+alt+k'], { timeout: 10000 });
    const told = await desktop.notification(/^Drivly Keys$/);
    assert.equal(told.body, 'No session on “Local emulator” to copy a JWT from: sign in on the Sessions screen first.');

    // Opened from the launcher: a second launch hands over to this one, which makes its window.
    execFileSync(bin, [], { env: { ...process.env, ...env }, timeout: 20000, stdio: 'ignore' });
    await until(() => visibleWindows(app.pid).length === 1, 'the second launch did not open the window');
    await until(() => descendants(app.pid).some((n) => n.startsWith('WebKitWebProces')), 'the window has no web process');
  } finally {
    app.kill('SIGTERM');
    await sleep(1000);
    desktop.stop();
    emulator.stop();
    cleanup();
  }
});
