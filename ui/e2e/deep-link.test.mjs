// The sign-in scheme is registered with the desktop the way a user's session would use it:
// the handler entry carries `%u` with an unquoted Exec (Debian 12's xdg-open cannot run a quoted
// one), xdg-mime names it as the default, and a link opened with plain `xdg-open` or with
// `gio open` reaches the running app (through a second launch that single-instance forwards).
// The links here are forged, so the app must refuse them visibly and change nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openApp } from './harness.mjs';
import { go, waitFor } from './support.mjs';

const SCHEME = 'ly.driv.keys.dev'; // debug builds' scheme

test('plain xdg-open and gio open deliver sign-in links to the running app', async () => {
  const home = mkdtempSync(join(tmpdir(), 'drivly-links-'));
  const app = await openApp({
    env: { DRIVLY_KEYS_HOME: home, DRIVLY_KEYS_KEYRING_SERVICE: 'ly.driv.keys.e2e-links' },
  });
  try {
    const { browser } = app;
    const dataHome = process.env.XDG_DATA_HOME;
    assert.ok(dataHome, 'the test session sets XDG_DATA_HOME');
    const entry = join(dataHome, 'applications', `${basename(process.env.DRIVLY_KEYS_APP_BIN)}-handler.desktop`);
    for (let i = 0; i < 100 && !existsSync(entry); i++) await sleep(100);
    const text = readFileSync(entry, 'utf8');
    assert.match(text, /^Exec=[^"\s]+ %u$/m, 'Exec is unquoted and takes the URL');
    assert.match(text, new RegExp(`^MimeType=.*x-scheme-handler/${SCHEME.replaceAll('.', '\\.')}(;|$)`, 'm'));
    const handler = execFileSync('xdg-mime', ['query', 'default', `x-scheme-handler/${SCHEME}`]).toString().trim();
    assert.equal(handler, basename(entry));

    // The refusal's own words: a forged link arrives with no sign-in in progress.
    const REFUSAL = /no sign-in is in progress, so this link was ignored/;
    const toastTexts = () => browser.execute(() => [...document.querySelectorAll('.toasts .toast')].map((t) => t.textContent));
    for (const opener of [['xdg-open'], ['gio', 'open']]) {
      // Each round starts with no toast at all, so only this opener's link can satisfy it.
      assert.deepEqual(await toastTexts(), [], `no toast is left before ${opener[0]}`);
      const url = `${SCHEME}:/auth/callback?code=forged&state=forged-by-${opener[0]}`;
      const run = spawnSync(opener[0], [...opener.slice(1), url], { timeout: 20000, stdio: 'pipe' });
      assert.equal(run.status, 0, `${opener.join(' ')} exited with ${run.status}: ${run.stderr}`);
      const toast = await waitFor(
        browser,
        async () => {
          const msgs = await browser.execute(() => [...document.querySelectorAll('.toasts .toast.error .msg')].map((m) => m.textContent));
          return msgs.find((m) => REFUSAL.test(m)) ?? null;
        },
        async () => `the app never refused the link opened with ${opener[0]}; toasts: ${JSON.stringify(await toastTexts())}`,
      );
      assert.ok(!toast.includes('forged'), 'the message never echoes the URL');
      await app.screenshot(`deep-link-refused-${opener[0]}`);
      // Dismissed the way a user would, and really gone before the next round. Error toasts
      // also leave on their own after 8 s: waiting at most half that tells the click's doing
      // from the timer's.
      await browser.$('.toasts .toast.error .close').click();
      await waitFor(browser, async () => (await toastTexts()).length === 0, `Dismiss did not remove the ${opener[0]} toast`, 4000);
    }

    // Nothing changed: no session was created by the forged links. The Sessions screen has
    // loaded its (empty) list, and still shows it empty after a wait long enough for a
    // sign-in the app wrongly accepted to have appeared (the refusal came after any exchange).
    await go(browser, 'sessions');
    await browser.$('p.intro').waitForExist({ timeout: 10000, timeoutMsg: 'the Sessions screen never showed its empty list' });
    await sleep(3000);
    assert.equal((await browser.$$('article.session')).length, 0, 'no session card');
    assert.ok(await browser.$('p.intro').isExisting(), 'the list is still empty');
  } finally {
    await app.close();
  }
});
