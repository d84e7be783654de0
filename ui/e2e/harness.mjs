// End-to-end harness: starts tauri-driver (which starts WebKitWebDriver, which starts the built
// app) and opens a WebDriver session on the real window. One session at a time: always call
// `close()` in a `finally`.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { remote } from 'webdriverio';

const required = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the end-to-end tests through scripts/test`);
  return value;
};

/** Starts the emulator binary on an ephemeral port; resolves with its base URL. */
export async function startEmulator(args = []) {
  const child = spawn(required('DRIVLY_KEYS_EMULATOR_BIN'), ['--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const baseUrl = await new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error('the emulator did not print its base URL')), 15000);
    child.stdout.on('data', (chunk) => {
      seen += chunk.toString();
      const match = seen.match(/http:\/\/127\.0\.0\.1:\d+\/api/);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    child.on('exit', (code) => reject(new Error(`the emulator exited with ${code}`)));
  });
  return { baseUrl, stop: () => child.kill() };
}

/** Resolves once something accepts TCP connections on 127.0.0.1:`port` (false after `ms`). */
async function portOpen(port, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const open = await new Promise((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return true;
    await sleep(100);
  }
  return false;
}

/** Launches the app under WebDriver with `env` added to its environment. */
export async function openApp({ env = {}, port = Number(process.env.DRIVLY_KEYS_DRIVER_PORT ?? 4444) } = {}) {
  // Marks this launch's processes, so close() can wait for exactly this app to be gone.
  const runMarker = randomUUID();
  // tauri-driver's native WebDriver listens on 4445 unless told otherwise: with `port` 4445 the two
  // would collide and the session request would hang, so the native port always follows `port`.
  const nativePort = Number(process.env.DRIVLY_KEYS_NATIVE_DRIVER_PORT ?? port + 1);
  const args = ['--port', String(port), '--native-port', String(nativePort), '--native-driver', '/usr/bin/WebKitWebDriver'];
  const driver = spawn('tauri-driver', args, {
    env: { ...process.env, ...env, DRIVLY_KEYS_E2E_RUN: runMarker },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let browser;
  try {
    // tauri-driver and its native driver need a moment to listen; a session request before
    // then fails with a dropped socket. Wait for both ports, then retry for at most 20 s.
    await portOpen(port, 10000);
    await portOpen(nativePort, 10000);
    const deadline = Date.now() + 20000;
    for (;;) {
      try {
        browser = await remote({
          hostname: '127.0.0.1',
          port,
          logLevel: 'error',
          connectionRetryCount: 0,
          // A session that cannot start should fail the test, not hang it for minutes.
          connectionRetryTimeout: 60000,
          capabilities: { 'tauri:options': { application: required('DRIVLY_KEYS_APP_BIN') } },
        });
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(250);
      }
    }
    clickOnlyWhatIsOnTop(browser);
    await browser.waitUntil(() => browser.execute(() => document.body.dataset.ready === 'true'), {
      timeout: 20000,
      timeoutMsg: 'the UI never signalled ready',
    });
  } catch (error) {
    driver.kill();
    throw error;
  }
  return {
    browser,
    /** The app's process id (not tauri-driver's or WebKitWebDriver's; null once it is gone). */
    appPid() {
      const bin = realpathSync(required('DRIVLY_KEYS_APP_BIN'));
      return processesMarked(runMarker).find((pid) => {
        try {
          return readlinkSync(`/proc/${pid}/exe`) === bin;
        } catch {
          return false;
        }
      }) ?? null;
    },
    async screenshot(name) {
      const dir = required('DRIVLY_KEYS_SCREENSHOTS');
      mkdirSync(dir, { recursive: true });
      await browser.saveScreenshot(join(dir, `${name}.png`));
    },
    async close() {
      try {
        await browser.deleteSession();
      } finally {
        // Wait for tauri-driver to exit so the next session can bind the same ports.
        const exited = driver.exitCode !== null || driver.signalCode !== null
          ? Promise.resolve()
          : new Promise((resolve) => driver.once('exit', resolve));
        driver.kill();
        await Promise.race([exited, sleep(5000)]);
        // The app must be gone before the next launch: a survivor would receive the next
        // launch through single-instance, and that launch would exit at once.
        await endProcessesMarked(runMarker);
      }
    },
  };
}

/** Pids whose environment carries `DRIVLY_KEYS_E2E_RUN=<marker>`. */
function processesMarked(marker) {
  const needle = `DRIVLY_KEYS_E2E_RUN=${marker}`;
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(needle);
      } catch {
        return false; // gone, or not ours to read
      }
    })
    .map(Number);
}

/** Waits up to 5 s for the marked processes to exit, then ends the rest. */
async function endProcessesMarked(marker) {
  for (let i = 0; i < 50 && processesMarked(marker).length > 0; i++) await sleep(100);
  for (const pid of processesMarked(marker)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (let i = 0; i < 30 && processesMarked(marker).length > 0; i++) await sleep(100);
}

/** Makes every element click fail when something else (a toast, a dialog's backdrop) would take
 *  it, as it would take a user's click. WebdriverIO's own `click` retries an intercepted click
 *  after scrolling the element to the centre, which hid controls covered by toasts. Checked
 *  twice: once scrolled into view as the driver would, the element must be the topmost at its
 *  centre, and the driver's own "element click intercepted" error
 *  fails the test instead of being retried. */
function clickOnlyWhatIsOnTop(browser) {
  browser.overwriteCommand(
    'click',
    async function (_wdioClick, options) {
      if (options !== undefined) throw new Error('end-to-end clicks are plain clicks (no options)');
      const cover = await browser.execute((el) => {
        const describe = (node) =>
          `<${node.tagName.toLowerCase()}${node.className ? ` class="${node.className}"` : ''}> “${(node.textContent ?? '').trim().slice(0, 60)}”`;
        // As the driver does before a click (WebDriver's "scroll into view"): the element may
        // be scrolled out of its scroller, where whatever lies below the scroller is on top.
        el.scrollIntoView({ block: 'end', inline: 'nearest', behavior: 'instant' });
        const r = el.getBoundingClientRect();
        const x = r.left + r.width / 2;
        const y = r.top + r.height / 2;
        if (x < 0 || y < 0 || x >= window.innerWidth || y >= window.innerHeight) return null;
        const top = document.elementFromPoint(x, y);
        if (!top || top === el || el.contains(top)) return null;
        return `${describe(top)} covers ${describe(el)}`;
      }, this);
      if (cover) throw new Error(`click intercepted: ${cover}`);
      try {
        return await this.elementClick(this.elementId);
      } catch (error) {
        if (String(error?.message ?? error).includes('element click intercepted')) {
          throw new Error(`click intercepted (reported by the driver): ${error.message}`);
        }
        throw error;
      }
    },
    true,
  );
}
