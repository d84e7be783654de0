// Accessibility on the real window (issue #16): axe-core checks every screen, in the light and
// the dark theme, with something on it (a stored key, a session, the session's JWT being
// inspected); no serious or critical violation is allowed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { openApp, startEmulator } from './harness.mjs';
import { required, sessionCards, signInEnv } from './sign-in-support.mjs';
import { clickButton, go, waitFor } from './support.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SCREENS = ['keys', 'sessions', 'mint', 'inspect', 'settings'];
const BLOCKING = new Set(['serious', 'critical']);
const API_KEY = `drv_test_a11y_${randomBytes(12).toString('hex')}`;

/** The serious and critical violations axe finds on the page as it is. */
async function violations(browser) {
  const injected = await browser.execute(() => typeof window.axe !== 'undefined');
  if (!injected) await browser.execute(AXE);
  const result = await browser.executeAsync((done) => {
    window.axe
      .run(document, { resultTypes: ['violations'] })
      .then((r) => done(r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }))))
      .catch((e) => done({ error: String(e) }));
  });
  assert.ok(Array.isArray(result), `axe did not run: ${JSON.stringify(result)}`);
  return result.filter((v) => BLOCKING.has(v.impact));
}

test('every screen, light and dark: no serious or critical accessibility violation', async (t) => {
  const emulator = await startEmulator(['--api-key', API_KEY]);
  const { env, cleanup, browserLog } = signInEnv(emulator.baseUrl, 'a11y');
  let app;
  try {
    execFileSync(required('DRIVLY_KEYS_CLI_BIN'), ['keys', 'add', 'Billing'], {
      env: { ...process.env, ...env },
      input: API_KEY,
      timeout: 30000,
    });
    app = await openApp({ env });
    const { browser } = app;
    t.diagnostic('opened');
    await go(browser, 'sessions');
    await browser.$('form.signin input[aria-label="invoices.read"]').click();
    await clickButton(browser, 'Open browser to sign in');
    await waitFor(browser, async () => (await sessionCards(browser)).some((s) => s.state === 'Active'), () => `no session:\n${browserLog()}`, 45000);
    t.diagnostic('signed in');
    await clickButton(browser.$('article.session'), 'Inspect');
    await browser.$('#try-method').waitForExist({ timeout: 10000 });
    t.diagnostic('inspecting');

    const problems = [];
    for (const theme of ['Light', 'Dark']) {
      await go(browser, 'settings');
      await browser.$(`input[name="theme"][value="${theme.toLowerCase()}"]`).click();
      await waitFor(browser, () => browser.execute((t) => document.documentElement.dataset.theme === t || document.documentElement.classList.contains(t), theme.toLowerCase()), `the ${theme} theme did not apply`, 5000).catch(() => {});
      for (const screen of SCREENS) {
        await go(browser, screen);
        await browser.pause(300); // the screen's data and transitions settle
        t.diagnostic(`${theme} ${screen}`);
        // The README's screenshots: each main screen, with something on it, not scrolled.
        await browser.execute(() => document.getElementById('content')?.scrollTo(0, 0));
        await browser.pause(200);
        await app.screenshot(`readme-${screen}-${theme.toLowerCase()}`);
        for (const v of await violations(browser)) problems.push(`${theme} ${screen}: ${v.impact} ${v.id} (${v.help}) at ${v.nodes.join(' | ')}`);
      }
    }
    assert.deepEqual(problems, [], `accessibility violations:\n${problems.join('\n')}`);
  } finally {
    await app?.close();
    emulator.stop();
    cleanup();
  }
});
