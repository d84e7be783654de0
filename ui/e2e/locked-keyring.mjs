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
import { clickButton, go, pageText, waitFor } from './support.mjs';

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
      () => browser.execute(() => document.querySelector('[aria-label="Secure storage"]')?.textContent ?? null),
      async () => `no notice about the locked keyring; the page says: ${await pageText(browser)}`,
    );
    assert.match(notice, /Secure storage is unavailable/);
    assert.match(notice, /keyring is locked; unlock it/);
    assert.match(notice, /Unlock and retry/);
    await app.screenshot('locked-keyring-notice');

    // The screens that need the keyring render and say what waits for it; the cause is said
    // once, in the notice above (issue #16), not again by each screen.
    for (const screen of ['keys', 'sessions', 'mint']) {
      await go(browser, screen);
      await browser.$('[data-testid="waiting-for-storage"]').waitForExist({
        timeout: 15000,
        timeoutMsg: `the ${screen} screen does not say what waits for the keyring: ${await pageText(browser)}`,
      });
      const text = await pageText(browser);
      assert.equal(text.match(/keyring is locked/g)?.length, 1, `the cause is said once on ${screen}: ${text}`);
      assert.equal(await browser.$('main .banner.error').isExisting(), false, `no second error banner on ${screen}`);
      await app.screenshot(`locked-keyring-${screen}`);
    }
    // "Unlock and retry" with the keyring still locked says so, and the notice stays.
    await clickButton(browser, 'Unlock and retry');
    await waitFor(
      browser,
      async () => /still closed/.test(await pageText(browser)),
      'no word after “Unlock and retry” with the keyring still locked',
    );
    assert.ok(await browser.$('[aria-label="Secure storage"]').isExisting());
    // What needs no keyring still works: Inspect decodes a token.
    await go(browser, 'inspect');
    assert.equal((await browser.$('main h1').getText()).trim(), 'Inspect');
  } finally {
    await app.close();
    rmSync(home, { recursive: true, force: true });
  }
});
