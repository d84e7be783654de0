// The window opens with its frame, every screen is reachable and titled with its name, and each
// is photographed in the light and dark themes, chosen in Settings as a user would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from './harness.mjs';
import { clickButton, go, pageText, waitFor } from './support.mjs';

// The sidebar's label for each screen, which is also the heading the screen shows.
const screens = { keys: 'Keys', sessions: 'Sessions', mint: 'Mint', inspect: 'Inspect', settings: 'Settings' };

test('the window opens with its frame and every screen is reachable', async () => {
  // Its own home: the theme chosen here is saved, and must not leak into other tests.
  const home = mkdtempSync(join(tmpdir(), 'drivly-e2e-frame-'));
  const app = await openApp({ env: { DRIVLY_KEYS_HOME: home } });
  try {
    const { browser } = app;
    assert.equal(await browser.getTitle(), 'Drivly Keys');
    const profile = await browser.$('[data-testid="active-profile"]');
    assert.ok((await profile.getText()).length > 0, 'the header shows the active profile');
    for (const theme of ['light', 'dark']) {
      await go(browser, 'settings');
      await browser.$(`input[name="theme"][value="${theme}"]`).click();
      await waitFor(
        browser,
        () => browser.execute((t) => document.documentElement.dataset.theme === t, theme),
        `choosing ${theme} in Settings did not apply it`,
      );
      for (const [id, name] of Object.entries(screens)) {
        await go(browser, id);
        const nav = await browser.$(`button[data-screen="${id}"]`);
        assert.equal((await nav.getText()).trim(), name, `the sidebar names ${id} “${name}”`);
        assert.equal((await browser.$('main h1').getText()).trim(), name, `${id}'s heading is its name`);
        assert.equal(await browser.execute(() => document.documentElement.dataset.theme), theme, `${id} is shown ${theme}`);
        await app.screenshot(`frame-${id}-${theme}`);
      }
    }

    // Issue #16: the header's profile name is also the switcher.
    const switcher = await browser.$('#profile-switcher');
    const before = await switcher.getValue();
    const other = await browser.execute(
      (current) => [...document.querySelectorAll('#profile-switcher option')].map((o) => o.value).find((v) => v !== current),
      before,
    );
    assert.ok(other, 'the switcher offers another profile');
    await switcher.selectByAttribute('value', other);
    // Settings agrees: the chosen profile's row is the one marked Active.
    const chosenName = await browser.execute((v) => document.querySelector(`#profile-switcher option[value="${v}"]`)?.textContent?.trim(), other);
    await go(browser, 'settings');
    await waitFor(
      browser,
      () => browser.execute((name) => [...document.querySelectorAll('li .name')].some((n) => n.querySelector('strong')?.textContent === name && n.querySelector('.active')), chosenName),
      `Settings does not mark “${chosenName}” active after switching in the header`,
    );
    assert.equal(await switcher.getValue(), other, 'the header keeps the chosen profile');
    const toast = await waitFor(
      browser,
      () => browser.execute(() => [...document.querySelectorAll('.toast .msg')].map((e) => e.textContent).find((t) => t.startsWith('Now using')) ?? null),
      'no “Now using …” toast after switching in the header',
    );
    assert.match(toast, /^Now using “.+”\.$/);
    await app.screenshot('frame-profile-switched');
    await switcher.selectByAttribute('value', before);
    await waitFor(browser, async () => (await switcher.getValue()) === before, 'switching back did not take');

    // Issue #14: a profile's protocol settings, in Settings → Add profile → Advanced, are kept.
    await go(browser, 'settings');
    await clickButton(browser, 'Add profile');
    await browser.$('#profile-name').setValue('Acme');
    await browser.$('#profile-id').setValue('acme');
    await browser.$('#profile-url').setValue('https://auth.acme.example/api');
    await browser.$('summary=Advanced: how this server signs in').click().catch(async () => {
      await browser.execute(() => document.querySelector('details.advanced summary').click());
    });
    await browser.$('#profile-refresh-path').waitForDisplayed({ timeout: 5000, timeoutMsg: 'Advanced did not open' });
    await browser.$('#profile-refresh-path').clearValue();
    await browser.$('#profile-refresh-path').setValue('oauth/refresh');
    await browser.$('#profile-client-id').setValue('app_42');
    await waitFor(browser, async () => (await pageText(browser)).includes('changed from Drivly’s defaults'), 'the form did not see the change');
    await browser.$('#profile-jwks-path').scrollIntoView({ block: 'center' });
    await browser.pause(500); // WebKitWebDriver photographs the last painted frame
    await app.screenshot('settings-profile-advanced');
    await browser.execute(() => document.querySelector('form.profile-form button[type="submit"]').click());
    await waitFor(browser, async () => (await pageText(browser)).includes('https://auth.acme.example/api'), 'the profile was not added');
    await go(browser, 'keys');
    await go(browser, 'settings');
    const acme = await browser.$('[aria-label="Actions for Acme"]');
    await clickButton(acme, 'Edit');
    await browser.$('#profile-refresh-path').waitForDisplayed({ timeout: 5000, timeoutMsg: 'Advanced is not open for a changed profile' });
    assert.equal(await browser.$('#profile-refresh-path').getValue(), 'oauth/refresh', 'the refresh path was kept');
    assert.equal(await browser.$('#profile-client-id').getValue(), 'app_42', 'the client id was kept');
  } finally {
    await app.close();
    rmSync(home, { recursive: true, force: true });
  }
});
