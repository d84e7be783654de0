// The window opens with its frame, every screen is reachable, and each is photographed in the
// light and dark themes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from './harness.mjs';

const screens = ['keys', 'sessions', 'mint', 'inspect', 'settings'];

test('the window opens with its frame and every screen is reachable', async () => {
  const app = await openApp();
  try {
    const { browser } = app;
    assert.equal(await browser.getTitle(), 'Drivly Keys');
    const profile = await browser.$('[data-testid="active-profile"]');
    assert.ok((await profile.getText()).length > 0, 'the header shows the active profile');
    for (const theme of ['light', 'dark']) {
      await browser.execute((t) => document.documentElement.setAttribute('data-theme', t), theme);
      for (const id of screens) {
        await browser.$(`button[data-screen="${id}"]`).click();
        const current = await browser.$(`button[data-screen="${id}"]`).getAttribute('aria-current');
        assert.equal(current, 'page', `${id} is the current screen`);
        const heading = await browser.$('main h1').getText();
        assert.ok(heading.length > 0, `${id} has a heading`);
        await app.screenshot(`frame-${id}-${theme}`);
      }
    }
  } finally {
    await app.close();
  }
});
