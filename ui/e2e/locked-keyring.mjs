// The app under a keyring that is never unlocked (gnome-keyring started without a password, no
// prompt possible): it starts, explains why keys and sessions are unavailable, and keeps
// working otherwise. Not a `*.test.mjs`: the main end-to-end run has an unlocked keyring, so
// in-session.sh runs this file alone in its own D-Bus session with a locked one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from './harness.mjs';
import { go, pageText, waitFor } from './support.mjs';

test('a locked keyring: the app starts and says why keys and sessions are unavailable', async () => {
  // The session really is locked: the Secret Service refuses a write (without a display, so
  // gnome-keyring answers at once instead of showing an unlock prompt).
  const probe = spawnSync('env', ['-u', 'DISPLAY', 'secret-tool', 'store', '--label=drivly locked probe', 'app', 'drivly-keys-locked-probe'], {
    input: 'x',
    timeout: 20000,
  });
  assert.notEqual(probe.status, 0, 'the keyring accepted a write: this session is not locked');

  const home = mkdtempSync(join(tmpdir(), 'drivly-e2e-locked-'));
  const app = await openApp({ env: { DRIVLY_KEYS_HOME: home, DRIVLY_KEYS_KEYRING_SERVICE: 'ly.driv.keys.e2e.locked' } });
  try {
    const { browser } = app;
    // The start-up notice names the cause and the way out, in words.
    const notice = await waitFor(
      browser,
      () => browser.execute(() => document.querySelector('[aria-label="Notices"]')?.textContent ?? null),
      async () => `no notice about the locked keyring; the page says: ${await pageText(browser)}`,
    );
    assert.match(notice, /Secure storage is unavailable/);
    assert.match(notice, /keyring is locked; unlock it/);
    await app.screenshot('locked-keyring-notice');

    // The screens that need the keyring say so in their own error, instead of spinning or
    // crashing (the start-up notice above says it on every screen; this is the screen's).
    const screenError = () => browser.execute(() => [...document.querySelectorAll('main .banner.error')].map((e) => e.textContent).join(' '));
    for (const screen of ['keys', 'sessions']) {
      await go(browser, screen);
      await waitFor(
        browser,
        async () => /keyring is locked/.test(await screenError()),
        async () => `the ${screen} screen does not explain itself: ${await pageText(browser)}`,
      );
      await app.screenshot(`locked-keyring-${screen}`);
    }
    // What needs no keyring still works: Inspect decodes a token.
    await go(browser, 'inspect');
    assert.equal((await browser.$('main h1').getText()).trim(), 'Inspect');
  } finally {
    await app.close();
    rmSync(home, { recursive: true, force: true });
  }
});
