// Issue #14 on the real window: a server that signs in differently from Drivly's defaults, met
// as a user would meet it. The emulator speaks a dialect; the user adapts the profile in
// Settings → Advanced, signs in through the browser, and the app refreshes where the server
// says. A refresh endpoint that does not exist stops the refreshing with a notice that names
// the URL, and the fix in Settings reaches the running session without a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, startEmulator } from './harness.mjs';
import { requestLog, sessionCards, setJwtLifetime, signInEnv } from './sign-in-support.mjs';
import { JWT_SHAPE, clickButton, clipboardText, go, pageText, waitFor } from './support.mjs';

/** Opens Advanced in the profile form on screen (a click on its summary). */
async function openAdvanced(browser) {
  await browser.execute(() => {
    const details = document.querySelector('form.profile-form details.advanced');
    if (details && !details.open) details.querySelector('summary').click();
  });
  await browser.$('#profile-refresh-path').waitForDisplayed({ timeout: 5000, timeoutMsg: 'Advanced did not open' });
}

async function setField(browser, selector, value) {
  const field = await browser.$(selector);
  await field.scrollIntoView({ block: 'center' });
  await field.clearValue();
  if (value !== '') await field.setValue(value);
}

/** Submits the profile form on screen and waits until it closes. */
async function saveProfile(browser) {
  await browser.execute(() => document.querySelector('form.profile-form button[type="submit"]').click());
  await waitFor(browser, async () => !(await browser.$('form.profile-form').isExisting()), 'the profile form did not close after saving');
}

/** Signs in with invoices.read through the fake browser, on the profile named `profileId`. */
async function signIn(browser, profileId) {
  await go(browser, 'sessions');
  await browser.$('#signin-title').waitForExist({ timeout: 10000, timeoutMsg: 'no sign-in form' });
  await browser.$('#signin-profile').selectByAttribute('value', profileId);
  await browser.$('form.signin input[aria-label="invoices.read"]').click();
  await clickButton(browser, 'Open browser to sign in');
}

/** A JWT copied with the card's "Copy fresh JWT" (the first card). */
async function copyFreshJwt(browser) {
  const before = clipboardText();
  await clickButton(browser, 'Copy fresh JWT');
  return waitFor(browser, () => {
    const text = clipboardText();
    return JWT_SHAPE.test(text) && text !== before ? text : null;
  }, 'no JWT on the clipboard after “Copy fresh JWT”');
}

async function invoicesStatus(baseUrl, jwt) {
  return (await fetch(`${baseUrl}/invoices`, { headers: { authorization: `Bearer ${jwt}` } })).status;
}

test('a token-form server: a profile added with that setting signs in and its JWTs work', async () => {
  const emulator = await startEmulator(['--dialect', 'token-form']);
  const { env, cleanup, browserLog, runsFinished } = signInEnv(emulator.baseUrl, 'dialect-token');
  let app;
  try {
    app = await openApp({ env });
    const { browser } = app;
    await go(browser, 'settings');
    await clickButton(browser, 'Add profile');
    await browser.$('#profile-name').setValue('Token server');
    await browser.$('#profile-id').setValue('tokens');
    await browser.$('#profile-url').setValue(emulator.baseUrl);
    await browser.$('#profile-env').selectByAttribute('value', 'local');
    await openAdvanced(browser);
    await browser.$('#profile-redirect-form').selectByAttribute('value', 'token');
    // The token form puts a refresh token in a URL: the form says so before it is saved.
    await waitFor(browser, async () => /refresh token back in a URL/.test(await pageText(browser)), 'no warning for the token form');
    await saveProfile(browser);

    await signIn(browser, 'tokens');
    const card = await waitFor(
      browser,
      async () => (await sessionCards(browser)).find((s) => s.state === 'Active' && s.countdown),
      () => `no active session after a token-form sign-in:\n${browserLog()}`,
      45000,
    );
    await runsFinished(browser, 1);
    assert.match(browserLog(), /redirected back by appLink/);
    assert.match(card.countdown, /^expires in (9|10) min/);
    await browser.pause(500); // let the window repaint before WebKitWebDriver captures it
    await app.screenshot('dialect-token-form-signed-in');
    const jwt = await copyFreshJwt(browser);
    assert.equal(await invoicesStatus(emulator.baseUrl, jwt), 200, 'the server accepts the copied JWT');
    const tokenCalls = (await requestLog(emulator.baseUrl)).filter((r) => r.path === '/api/auth/token');
    assert.equal(tokenCalls.length, 0, 'the token form needs no code exchange');
  } finally {
    await app?.close();
    emulator.stop();
    cleanup();
  }
});

test('a refresh path the server lacks: one 404, a notice naming the URL, fixed in Settings', async () => {
  const emulator = await startEmulator(['--dialect', 'oauth-paths']);
  const { env, cleanup, browserLog } = signInEnv(emulator.baseUrl, 'dialect-paths');
  let app;
  try {
    app = await openApp({ env });
    const { browser } = app;
    // The user knows the sign-in pages live under oauth/, and forgets the refresh path.
    await go(browser, 'settings');
    const actions = await browser.$('[role="group"][aria-label="Actions for Local emulator"]');
    await clickButton(actions, 'Edit');
    await browser.$('form.profile-form').waitForExist({ timeout: 5000, timeoutMsg: 'no editor for the built-in profile' });
    assert.equal(await browser.$('#profile-url').isEnabled(), false, "a built-in profile's URL is fixed");
    await openAdvanced(browser);
    await setField(browser, '#profile-authorize-path', 'oauth');
    await setField(browser, '#profile-token-path', 'oauth/token');
    await setField(browser, '#profile-revoke-path', 'oauth/revoke');
    await saveProfile(browser);

    // Short JWTs, so the first refresh comes within seconds.
    await setJwtLifetime(emulator.baseUrl, 12);
    await signIn(browser, 'emulator');
    await waitFor(
      browser,
      async () => (await sessionCards(browser)).some((s) => s.state === 'Active'),
      () => `no active session after the sign-in:\n${browserLog()}`,
      45000,
    );
    const stuck = await waitFor(
      browser,
      async () => (await sessionCards(browser)).find((s) => s.state === 'Needs setup'),
      'the missing refresh endpoint did not stop the session',
      30000,
    );
    assert.ok(stuck);
    const notice = await browser.$('article.session [role="alert"]').getText();
    assert.match(notice, /Refreshing has stopped until Local emulator is fixed/);
    assert.match(notice, /404 for http:\/\/127\.0\.0\.1:\d+\/api\/auth\/refresh/, notice);
    // Nothing retries in the background: after the JWT's whole lifetime, still one request.
    await browser.pause(13000);
    const misses = (await requestLog(emulator.baseUrl)).filter((r) => r.path === '/api/auth/refresh');
    assert.deepEqual(misses.map((r) => r.status), [404], 'the missing endpoint was asked once');
    await browser.pause(500);
    await app.screenshot('dialect-refresh-not-found');

    // "Fix in Settings" opens the profile's editor; the fixed path reaches the session.
    await clickButton(browser, 'Fix in Settings');
    await browser.$('form.profile-form').waitForExist({ timeout: 5000, timeoutMsg: '“Fix in Settings” opened no editor' });
    await browser.$('#profile-refresh-path').waitForDisplayed({ timeout: 5000, timeoutMsg: 'Advanced is not open in the editor' });
    await setField(browser, '#profile-refresh-path', 'oauth/refresh');
    await browser.pause(500); // WebKitWebDriver captures mid-scroll otherwise
    await app.screenshot('dialect-fix-refresh-path');
    await saveProfile(browser);
    await go(browser, 'sessions');
    await clickButton(browser, 'Retry now');
    await waitFor(
      browser,
      async () => (await sessionCards(browser)).find((s) => s.state === 'Active' && /expires in/.test(s.countdown ?? '')),
      'the session did not recover after the fix',
      20000,
    );
    const fixed = (await requestLog(emulator.baseUrl)).filter((r) => r.path === '/api/oauth/refresh');
    assert.ok(fixed.length >= 1 && fixed.every((r) => r.status === 200), JSON.stringify(fixed));
    const jwt = await copyFreshJwt(browser);
    assert.equal(await invoicesStatus(emulator.baseUrl, jwt), 200, 'the server accepts the refreshed JWT');
    await app.screenshot('dialect-refresh-fixed');
  } finally {
    await app?.close();
    emulator.stop();
    cleanup();
  }
});
