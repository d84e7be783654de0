// Helpers shared by the flow tests: a fresh app environment, finding controls by their visible
// text, and reading the X clipboard with xclip.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** A fresh, isolated app environment against `baseUrl` (an emulator's /api URL). */
export function appEnv(baseUrl, name) {
  const home = mkdtempSync(join(tmpdir(), `drivly-e2e-${name}-`));
  return {
    home,
    env: {
      DRIVLY_KEYS_EMULATOR_URL: baseUrl,
      DRIVLY_KEYS_PROFILE: 'emulator',
      DRIVLY_KEYS_HOME: home,
      DRIVLY_KEYS_KEYRING_SERVICE: `ly.driv.keys.e2e.${name}.${randomBytes(4).toString('hex')}`,
    },
    cleanup: () => rmSync(home, { recursive: true, force: true }),
  };
}

/** XPath string literal for `text` (no quotes of both kinds needed here). */
const literal = (text) => (text.includes('"') ? `'${text}'` : `"${text}"`);

/** The button whose visible text is exactly `text`, optionally inside `scope` (an element). */
export function button(browserOrScope, text) {
  return browserOrScope.$(`.//button[normalize-space(.)=${literal(text)}]`);
}

/** Clicks the button with `text` once it is enabled. */
export async function clickButton(browserOrScope, text, timeout = 15000) {
  const el = await button(browserOrScope, text);
  await el.waitForEnabled({ timeout, timeoutMsg: `button “${text}” never became enabled` });
  await el.click();
}

/** The page's visible text. */
export function pageText(browser) {
  return browser.execute(() => document.body.innerText);
}

/** Goes to a screen through the sidebar and waits until it is current. */
export async function go(browser, screen) {
  const nav = await browser.$(`button[data-screen="${screen}"]`);
  await nav.click();
  await browser.waitUntil(async () => (await nav.getAttribute('aria-current')) === 'page', {
    timeout: 10000,
    timeoutMsg: `${screen} never became the current screen`,
  });
}

/** Waits for `fn` to return a truthy value and returns it. `message` may be a function, called
 *  only on timeout (to include state gathered late, such as a log). */
export async function waitFor(browser, fn, message, timeout = 20000) {
  let value;
  try {
    await browser.waitUntil(
      async () => {
        value = await fn();
        return Boolean(value);
      },
      { timeout, interval: 200 },
    );
  } catch (error) {
    const text = typeof message === 'function' ? await message() : message;
    throw new Error(`${text} (after ${timeout} ms: ${error.message})`);
  }
  return value;
}

/** Reads the clipboard as `target` with xclip. An empty or ownerless clipboard (xclip's
 *  "target … not available") reads as null; any other failure (no display, no xclip, a
 *  timeout) throws, so a broken xclip can never pass for a cleared clipboard. */
function readClipboard(target) {
  const args = ['-o', '-selection', 'clipboard', ...(target ? ['-t', target] : [])];
  try {
    return execFileSync('xclip', args, { timeout: 5000, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  } catch (error) {
    const stderr = error.stderr?.toString() ?? '';
    if (error.status === 1 && /^Error: target \S+ not available\s*$/.test(stderr)) return null;
    throw new Error(`xclip ${args.join(' ')} failed (status ${error.status}, signal ${error.signal}): ${stderr || error.message}`);
  }
}

/** The X clipboard's text ('' when it holds none). Throws when xclip itself fails. */
export function clipboardText() {
  return readClipboard() ?? '';
}

/** The targets (formats) the clipboard's owner offers ([] when it has no owner). */
export function clipboardTargets() {
  return (readClipboard('TARGETS') ?? '')
    .split('\n')
    .map((t) => t.trim())
    .filter(Boolean);
}

/** The value the clipboard's owner gives for the password-manager hint (KDE's convention,
 *  also read by GNOME's and wlroots' clipboard histories): 'secret' asks them not to keep it.
 *  null when the owner does not offer the hint. */
export function passwordManagerHint() {
  if (!clipboardTargets().includes('x-kde-passwordManagerHint')) return null;
  return readClipboard('x-kde-passwordManagerHint');
}

/** Puts `text` on the clipboard the way another program would: xclip owning the selection in
 *  the foreground (`-quiet`), so the returned process can be killed at the end. */
export async function copyElsewhere(text) {
  const child = spawn('xclip', ['-quiet', '-selection', 'clipboard'], { stdio: ['pipe', 'ignore', 'ignore'] });
  child.stdin.end(text);
  const deadline = Date.now() + 5000;
  while (clipboardText() !== text) {
    if (Date.now() > deadline) {
      child.kill();
      throw new Error('xclip never took the clipboard');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return child;
}

export const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Follows the app's main window after it was made again (closing to the tray destroys the
 * window and its webview; WebKitWebDriver lists the new page as another window handle): switches
 * the session to it and waits until its page is ready.
 */
export async function followNewWindow(browser, message = 'the window was not made again', timeout = 20000) {
  const handle = await waitFor(browser, async () => (await browser.getWindowHandles())[0], message, timeout);
  await browser.switchToWindow(handle);
  await waitFor(browser, () => browser.execute(() => document.body.dataset.ready === 'true'), 'the new window’s page never signalled ready');
  return handle;
}

/** The app's WebKit renderer processes (none while the window is closed to the tray). */
export function webProcessesOf(pid) {
  try {
    return execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(pid)]).toString().split('\n').filter((line) => /WebKitWebProces/.test(line));
  } catch {
    return []; // no children at all
  }
}
