// Who is signed in (issue #16) on the real window: the session card and the tray name the
// account the token names (its email), the user renames a session, and the name reaches the
// tray and the command line (`--session NAME`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { openApp, startEmulator } from './harness.mjs';
import { required, sessionCards, signInEnv, signInFromTheWindow } from './sign-in-support.mjs';
import { JWT_SHAPE, clickButton, clipboardText, copyElsewhere, waitFor } from './support.mjs';
import { clickTrayItem } from './tray.mjs';

const DEMO = 'demo@drivly.test';

async function invoicesStatus(baseUrl, jwt) {
  return (await fetch(`${baseUrl}/invoices`, { headers: { authorization: `Bearer ${jwt}` } })).status;
}

/** A JWT put on the clipboard by `act` (the clipboard first holds something else). */
async function copiedBy(browser, act, what) {
  const owner = await copyElsewhere('not a token');
  try {
    await act();
    return await waitFor(browser, () => (JWT_SHAPE.test(clipboardText()) ? clipboardText() : null), `no JWT on the clipboard after ${what}`);
  } finally {
    owner.kill();
  }
}

test('sessions are named by account, renamed by the user, and picked by that name in the tray and the CLI', async () => {
  const emulator = await startEmulator();
  const { env, cleanup, browserLog } = signInEnv(emulator.baseUrl, 'accounts');
  let app;
  try {
    app = await openApp({ env });
    const { browser } = app;
    const card = await signInFromTheWindow(browser, browserLog, 'invoices.read');
    assert.equal(card.subject, DEMO, 'the card is named by the account, not the token’s sub');

    // The tray names the account and until when its JWT holds; its "copy" works.
    const trayLabel = new RegExp(`^Copy fresh JWT — ${DEMO.replace('.', '\\.')} · Local emulator \\(until \\d\\d:\\d\\d\\)$`);
    let clicked;
    const fromTray = await copiedBy(browser, async () => {
      clicked = await clickTrayItem(app.appPid(), trayLabel);
    }, 'the tray’s “Copy fresh JWT”');
    assert.match(clicked, trayLabel);
    assert.equal(await invoicesStatus(emulator.baseUrl, fromTray), 200, 'the server accepts the JWT copied from the tray');

    // Rename it on the card: the name shows, with the account under it.
    await clickButton(browser, 'Rename');
    const field = await browser.$('input[aria-label="Session name"]');
    await field.waitForDisplayed({ timeout: 5000, timeoutMsg: 'no name field after “Rename”' });
    await field.setValue('staging admin');
    await browser.pause(300); // WebKitWebDriver captures before the last keystrokes paint
    await app.screenshot('session-rename');
    await browser.keys('Enter');
    await waitFor(browser, async () => (await sessionCards(browser))[0]?.subject === 'staging admin', 'the card did not take the new name');
    const shown = await browser.$('article.session').getText();
    assert.match(shown, new RegExp(DEMO.replace('.', '\\.')), 'the account is still shown under the name');
    await browser.pause(500); // let the toast and the card settle before the capture
    await app.screenshot('session-renamed');

    // The tray follows the name.
    const renamedTray = /^Copy fresh JWT — staging admin · Local emulator \(until \d\d:\d\d\)$/;
    const again = await copiedBy(browser, async () => {
      clicked = await clickTrayItem(app.appPid(), renamedTray);
    }, 'the renamed tray item');
    assert.ok(JWT_SHAPE.test(again));

    // The command line picks the session by that name.
    const cli = spawnSync(required('DRIVLY_KEYS_CLI_BIN'), ['token', '--session', 'Staging Admin'], {
      env: { ...process.env, ...env },
      timeout: 30000,
    });
    assert.equal(cli.status, 0, `drivly-keys token --session failed: ${cli.stderr}`);
    assert.equal(await invoicesStatus(emulator.baseUrl, cli.stdout.toString().trim()), 200);
  } finally {
    await app?.close();
    emulator.stop();
    cleanup();
  }
});
