#!/usr/bin/env node
// The "system browser" for end-to-end sign-in tests: the app runs `$BROWSER <url>`, with
// BROWSER="node /abs/path/ui/e2e/fake-browser.mjs".
//
// Opens the URL in headless Chromium, signs in on the emulator's login page (the demo user
// unless FAKE_BROWSER_EMAIL / FAKE_BROWSER_PASSWORD say otherwise) and approves the consent
// page. Then, like a desktop would:
// - a redirect to the app's private-use scheme (the navigation aborts in Chromium) is delivered
//   by launching the app binary again with the URL as its only argument (single-instance hands
//   it to the running app over D-Bus, so this process keeps the app's environment);
// - a loopback redirect (http://127.0.0.1:…) is simply loaded.
//
// Progress goes to FAKE_BROWSER_LOG (a file) when set: the app discards a browser's output.
// The URLs carry one-time codes, so only their scheme and path are logged.
//
// The cold-start test (scripts/lib/package-test.sh) plays a user who signs in later, after
// quitting the app: FAKE_BROWSER_SAVE_URL=<file> only keeps the sign-in page's address (public:
// state and the PKCE challenge, no secret) for the test to open later; FAKE_BROWSER_OPENER=
// xdg-open hands the app link to the desktop, as a real browser does, instead of launching the
// app binary: with the app not running, the desktop entry starts it with the link.
import { spawn } from 'node:child_process';
import { appendFileSync, openSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const SCHEMES = ['ly.driv.keys.dev:', 'ly.driv.keys:'];
const url = process.argv.at(-1);
const started = Date.now();

function log(message) {
  const line = `[fake-browser +${Date.now() - started} ms] ${message}\n`;
  if (process.env.FAKE_BROWSER_LOG) appendFileSync(process.env.FAKE_BROWSER_LOG, line);
}

const redact = (u) => {
  try {
    const parsed = new URL(u);
    return `${parsed.protocol}${parsed.host ? `//${parsed.host}` : ''}${parsed.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
};

/** Launches the app binary with `link` and waits for that second instance to hand it over and exit. */
function deliver(link) {
  if (process.env.FAKE_BROWSER_OPENER === 'xdg-open') return handToDesktop(link);
  const bin = process.env.DRIVLY_KEYS_APP_BIN;
  if (!bin) throw new Error('DRIVLY_KEYS_APP_BIN is not set');
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [link], { env: process.env, stdio: 'ignore' });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the second app instance did not exit within 20 s (was the link forwarded?)'));
    }, 20000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      log(`second instance exited (code ${code}, signal ${signal})`);
      resolve();
    });
  });
}

/** Opens `link` with xdg-open, detached: when it starts the app (a cold start), xdg-open
 *  waits for that app to exit, and a browser never waits for its handler either. */
function handToDesktop(link) {
  return new Promise((resolve, reject) => {
    // The started app's output (its log names error codes, never the link) for the test.
    const out = process.env.FAKE_BROWSER_OPENER_LOG ? openSync(process.env.FAKE_BROWSER_OPENER_LOG, 'a') : 'ignore';
    const child = spawn('xdg-open', [link], { env: process.env, stdio: ['ignore', out, out], detached: true });
    child.on('error', reject);
    child.on('spawn', () => {
      child.unref();
      log('handed the link to xdg-open');
      resolve();
    });
  });
}

async function main() {
  if (process.env.FAKE_BROWSER_SAVE_URL) {
    writeFileSync(process.env.FAKE_BROWSER_SAVE_URL, url, { mode: 0o600 });
    log(`kept ${redact(url)} to sign in later`);
    return;
  }
  log(`opening ${redact(url)}`);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage();
    // The redirect back to the app: a private-use scheme shows up as a request (or a redirect's
    // Location header) and then aborts; a loopback one loads normally.
    let resolveLink;
    const link = new Promise((resolve) => (resolveLink = resolve));
    const isAppLink = (u) => SCHEMES.some((s) => u.startsWith(s));
    page.on('request', (request) => isAppLink(request.url()) && resolveLink(request.url()));
    page.on('response', (response) => {
      const location = response.headers().location;
      if (response.status() >= 300 && response.status() < 400 && location && isAppLink(location)) resolveLink(location);
    });

    const appLink = link.then((u) => ({ kind: 'appLink', url: u }));
    // The server may redirect straight back (an error such as invalid_scope): then the first
    // navigation aborts and the link is all there is.
    const signIn = (async () => {
      try {
        await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 20000 });
      } catch (error) {
        await Promise.race([link, new Promise((r) => setTimeout(r, 500))]);
        throw error;
      }
      await page.fill('#email', process.env.FAKE_BROWSER_EMAIL ?? 'demo@drivly.test');
      await page.fill('#password', process.env.FAKE_BROWSER_PASSWORD ?? 'drivly-demo');
      await Promise.all([page.waitForURL(/\/api\/auth\/login/, { timeout: 20000 }), page.click('button[type="submit"]')]);
      log('signed in; consent page shown');
      const approve = page.locator('button[name="decision"][value="approve"]');
      await approve.waitFor({ timeout: 20000 });
      const loopback = page
        .waitForURL((u) => u.protocol === 'http:' && u.hostname === '127.0.0.1' && !u.pathname.startsWith('/api/'), {
          timeout: 20000,
          waitUntil: 'load',
        })
        .then(() => ({ kind: 'loopback', url: page.url() }));
      loopback.catch(() => {}); // it never settles usefully when the app link wins
      // Clicking Approve may reject when the navigation aborts on the private-use scheme.
      await approve.click({ noWaitAfter: true }).catch(() => {});
      return loopback;
    })();
    signIn.catch(() => {});
    const outcome = await Promise.race([appLink, signIn]);
    log(`redirected back by ${outcome.kind} to ${redact(outcome.url)}${/[?&]error=/.test(outcome.url) ? ' with an error' : ''}`);
    if (outcome.kind === 'appLink') {
      await deliver(outcome.url);
    } else {
      log(`loopback page says: ${(await page.textContent('body', { timeout: 5000 }).catch(() => ''))?.trim().slice(0, 120)}`);
    }
  } finally {
    await browser.close();
  }
}

// Never outlive a stuck test: give up after 60 s.
const guard = setTimeout(() => {
  log('timed out after 60 s');
  process.exit(2);
}, 60000);
main().then(
  () => {
    clearTimeout(guard);
    log('done');
  },
  (error) => {
    clearTimeout(guard);
    log(`failed: ${error?.stack ?? error}`);
    process.exitCode = 1;
  },
);
