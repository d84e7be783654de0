import { describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/svelte';
import SessionsScreen from './SessionsScreen.svelte';
import { renderScreen } from '../test/render';
import { fakeBackend } from '../test/fake-backend';

const card = (name: string) => screen.getByRole('article', { name });

describe('Sessions', () => {
  it('shows each session with state, countdown, refresh times and permissions', async () => {
    await renderScreen(SessionsScreen);
    const active = await screen.findByRole('article', { name: 'demo@drivly.test' });
    expect(within(active).getByText('Active')).toBeTruthy();
    // The seed expires ~7 min 20 s from load; a loaded machine may take seconds to get here.
    expect(within(active).getByTestId('countdown').textContent).toMatch(/^expires in [67] min \d{1,2} s$/);
    expect(within(active).getByText('3 min ago')).toBeTruthy();
    expect(within(active).getByText(/^in 4 min 2\d s$/)).toBeTruthy();
    expect(within(active).getByText('invoices.write')).toBeTruthy();
    const ended = card('ana@example.com');
    expect(within(ended).getByText('Needs sign-in')).toBeTruthy();
    expect(within(ended).getByRole('alert').textContent).toMatch(/refresh token was revoked/);
    expect(within(ended).getByRole('button', { name: 'Copy fresh JWT' })).toHaveProperty('disabled', true);
  });

  it('updates from sessionsChanged events, without polling', async () => {
    const { backend } = await renderScreen(SessionsScreen);
    await screen.findByRole('article', { name: 'demo@drivly.test' });
    const listCalls = backend.calls['listSessions']?.length ?? 0;
    backend.state.sessions[0]!.state = 'retrying';
    backend.state.sessions[0]!.lastError = { code: 'network', message: 'The server did not answer.' };
    backend.emit({ type: 'sessionsChanged' });
    const active = card('demo@drivly.test');
    expect(await within(active).findByText('Retrying')).toBeTruthy();
    expect(backend.calls['listSessions']).toHaveLength(listCalls + 1);
  });

  it('patches one row from sessionChanged and drops one on sessionRemoved, with no re-fetch', async () => {
    const { backend } = await renderScreen(SessionsScreen);
    await screen.findByRole('article', { name: 'demo@drivly.test' });
    const listCalls = backend.calls['listSessions']?.length ?? 0;
    const changed = {
      ...backend.state.sessions[0]!,
      state: 'retrying' as const,
      lastError: { code: 'network', message: 'The server did not answer.' },
      serverClockSkewSecs: null,
    };
    backend.emit({ type: 'sessionChanged', session: changed });
    expect(await within(card('demo@drivly.test')).findByText('Retrying')).toBeTruthy();
    backend.emit({ type: 'sessionRemoved', sessionId: changed.id });
    await waitFor(() => expect(screen.queryByRole('article', { name: 'demo@drivly.test' })).toBeNull());
    expect(screen.getByRole('article', { name: 'ana@example.com' })).toBeTruthy();
    expect(backend.calls['listSessions'] ?? []).toHaveLength(listCalls);
  });

  it('says a network that is down calmly, with the time of the next attempt', async () => {
    const { backend } = await renderScreen(SessionsScreen);
    await screen.findByRole('article', { name: 'demo@drivly.test' });
    const nextAttempt = new Date(Date.now() + 90_000);
    Object.assign(backend.state.sessions[0]!, {
      state: 'retrying',
      nextAttempt: nextAttempt.toISOString(),
      // What the refresher records when the server cannot be reached (drivly_core::Code).
      lastError: { code: 'network_error', message: 'Could not reach the server.' },
    });
    backend.emit({ type: 'sessionsChanged' });
    const active = card('demo@drivly.test');
    const hh = String(nextAttempt.getHours()).padStart(2, '0');
    const mm = String(nextAttempt.getMinutes()).padStart(2, '0');
    const note = await within(active).findByText(new RegExp(`Offline: Local emulator cannot be reached, retrying at ${hh}:${mm}`));
    expect(note.closest('[role="status"]')).toBeTruthy();
    expect(within(active).queryByRole('alert')).toBeNull();
  });

  it('retries a failed refresh now', async () => {
    const { user, backend } = await renderScreen(SessionsScreen);
    await screen.findByRole('article', { name: 'demo@drivly.test' });
    backend.state.sessions[0]!.state = 'retrying';
    backend.state.sessions[0]!.lastError = { code: 'network', message: 'The server did not answer.' };
    backend.emit({ type: 'sessionsChanged' });
    await user.click(await within(card('demo@drivly.test')).findByRole('button', { name: 'Retry now' }));
    expect(backend.calls['refreshNow']?.[0]).toEqual(['session-1']);
    expect(await within(card('demo@drivly.test')).findByText('Active')).toBeTruthy();
    expect(screen.getByText('Refreshed: a new JWT is in place.')).toBeTruthy();
  });

  it('copies a fresh JWT and signs out with the result message', async () => {
    const { user } = await renderScreen(SessionsScreen);
    const active = await screen.findByRole('article', { name: 'demo@drivly.test' });
    await user.click(within(active).getByRole('button', { name: 'Copy fresh JWT' }));
    expect(await screen.findByText('Copied — clears in 30 s')).toBeTruthy();
    await user.click(within(active).getByRole('button', { name: 'Sign out' }));
    // Confirmed first, saying whether the server will be told; Cancel keeps the session.
    let dialog = await screen.findByRole('dialog', { name: 'Sign out demo@drivly.test?' });
    expect(dialog.textContent).toMatch(/Local emulator will be told to revoke the session/);
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByRole('article', { name: 'demo@drivly.test' })).toBeTruthy();
    await user.click(within(active).getByRole('button', { name: 'Sign out' }));
    dialog = await screen.findByRole('dialog', { name: 'Sign out demo@drivly.test?' });
    await user.click(within(dialog).getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByText('Signed out; the server revoked the refresh token.')).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('article', { name: 'demo@drivly.test' })).toBeNull());
  });

  it('says before signing out when the server will not be told', async () => {
    const backend = fakeBackend();
    backend.state.profiles = backend.state.profiles.map((p) => ({ ...p, canRevokeSessions: false }));
    const { user } = await renderScreen(SessionsScreen, { backend });
    const active = await screen.findByRole('article', { name: 'demo@drivly.test' });
    await user.click(within(active).getByRole('button', { name: 'Sign out' }));
    const dialog = await screen.findByRole('dialog', { name: 'Sign out demo@drivly.test?' });
    expect(dialog.textContent).toMatch(/Local emulator will not be told/);
  });

  it('opens a session’s JWT in the inspector', async () => {
    const { user, app } = await renderScreen(SessionsScreen);
    const active = await screen.findByRole('article', { name: 'demo@drivly.test' });
    await user.click(within(active).getByRole('button', { name: 'Inspect' }));
    await waitFor(() => expect(app.screen).toBe('inspect'));
    expect(app.inspect?.tokenRef).toMatch(/^tok-/);
  });

  it('signs in: waits for the browser, can cancel, and reports the result from the event', async () => {
    const { user, backend } = await renderScreen(SessionsScreen);
    await user.click(await screen.findByRole('button', { name: 'Sign in' }));
    await user.click(screen.getByLabelText('invoices.read'));
    await user.click(screen.getByLabelText(/Local loopback/));
    await user.click(screen.getByRole('button', { name: 'Open browser to sign in' }));
    expect(backend.calls['signIn']?.[0]?.[0]).toEqual({
      profileId: 'emulator',
      permissions: ['invoices.read'],
      redirect: 'loopback',
    });
    expect(await screen.findByText('Waiting for the browser…')).toBeTruthy();
    // A refused link that was not this sign-in's own (the flow says a sign-in is still pending)
    // does not end the wait.
    backend.emit({ type: 'loginFinished', ok: false, message: 'That link does not match the sign-in in progress.', code: 'login_state_mismatch', stillWaiting: true });
    expect((await screen.findByTestId('stray-refusal')).textContent).toMatch(/does not match the sign-in in progress.*still waiting/);
    expect(screen.getByText('Waiting for the browser…')).toBeTruthy();
    backend.emit({ type: 'loginFinished', ok: true, message: 'Signed in to Local emulator as demo@drivly.test.', code: null, stillWaiting: false });
    expect(await screen.findByText('Signed in to Local emulator as demo@drivly.test.')).toBeTruthy();
    expect(screen.queryByText('Waiting for the browser…')).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await user.click(screen.getByRole('button', { name: 'Open browser to sign in' }));
    await user.click(await screen.findByRole('button', { name: 'Cancel' }));
    expect(backend.calls['cancelSignIn']).toHaveLength(1);
    expect(await screen.findByText('Sign-in cancelled.')).toBeTruthy();
  });

  it('lets a success banner fade, and keeps a failure', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const { backend } = await renderScreen(SessionsScreen);
      await screen.findByRole('article', { name: 'demo@drivly.test' });
      backend.emit({ type: 'loginFinished', ok: true, message: 'Signed in to Local emulator as demo@drivly.test.', code: null, stillWaiting: false });
      expect(await screen.findByText('Signed in to Local emulator as demo@drivly.test.')).toBeTruthy();
      await vi.advanceTimersByTimeAsync(13_000);
      expect(screen.queryByText('Signed in to Local emulator as demo@drivly.test.')).toBeNull();
      backend.emit({ type: 'loginFinished', ok: false, message: 'The sign-in expired: start it again.', code: 'login_expired', stillWaiting: false });
      expect(await screen.findByText('The sign-in expired: start it again.')).toBeTruthy();
      await vi.advanceTimersByTimeAsync(30_000);
      expect(screen.getByText('The sign-in expired: start it again.')).toBeTruthy();
    } finally {
      vi.useRealTimers();
    }
  });

  it('offers “Sign in again” for a session that needs it', async () => {
    const { user, backend } = await renderScreen(SessionsScreen);
    await user.click(await within(await screen.findByRole('article', { name: 'ana@example.com' })).findByRole('button', { name: 'Sign in again' }));
    expect(backend.calls['signIn']?.[0]?.[0]).toMatchObject({ profileId: 'production', permissions: ['orders.read'] });
  });

  it('signs in again, or shows the session, when a notification’s button asks', async () => {
    const { backend, app } = await renderScreen(SessionsScreen);
    const dead = await screen.findByRole('article', { name: 'ana@example.com' });
    const id = dead.getAttribute('data-session-id') ?? '';
    app.handle({ kind: 'showSession', sessionId: id });
    await waitFor(() => expect(document.activeElement).toBe(dead));
    expect(backend.calls['signIn']).toBeUndefined();
    app.handle({ kind: 'signInAgain', sessionId: id });
    await waitFor(() => expect(backend.calls['signIn']?.[0]?.[0]).toMatchObject({ profileId: 'production', permissions: ['orders.read'] }));
    expect(await screen.findByText('Waiting for the browser…')).toBeTruthy();
    app.handle({ kind: 'signInAgain', sessionId: 'gone' });
    expect(await screen.findByText(/no longer here/)).toBeTruthy();
  });

  it('says a missing refresh endpoint stops the refreshes, and offers the fix and a retry', async () => {
    const { user, backend, app } = await renderScreen(SessionsScreen);
    await screen.findByRole('article', { name: 'demo@drivly.test' });
    Object.assign(backend.state.sessions[0]!, {
      state: 'needsSetup',
      nextRefresh: null,
      lastError: {
        code: 'endpoint_not_found',
        message: 'the server answered 404 for http://127.0.0.1:4010/api/auth/refresh: there is no such endpoint',
      },
    });
    backend.emit({ type: 'sessionsChanged' });
    const stuck = card('demo@drivly.test');
    expect(await within(stuck).findByText('Needs setup')).toBeTruthy();
    const alert = within(stuck).getByRole('alert');
    expect(alert.textContent).toMatch(/Refreshing has stopped until Local emulator is fixed/);
    expect(alert.textContent).toMatch(/404 for http:\/\/127\.0\.0\.1:4010\/api\/auth\/refresh/);
    // The JWT in hand still works until it expires.
    expect(within(stuck).getByRole('button', { name: 'Copy fresh JWT' })).toHaveProperty('disabled', false);
    expect(within(alert).getByRole('button', { name: 'Retry now' })).toBeTruthy();
    await user.click(within(alert).getByRole('button', { name: 'Fix in Settings' }));
    expect(app.screen).toBe('settings');
    expect(app.profileToEdit).toBe('emulator');
  });

  it('names a session by its account, and lets the user rename it', async () => {
    const { user, backend } = await renderScreen(SessionsScreen);
    const active = await screen.findByRole('article', { name: 'demo@drivly.test' });
    // The token's opaque subject is not what the card is called.
    expect(within(active).queryByText('usr_1')).toBeNull();
    await user.click(within(active).getByRole('button', { name: 'Rename demo@drivly.test' }));
    const field = within(active).getByRole('textbox', { name: 'Session name' });
    expect(document.activeElement).toBe(field);
    await user.type(field, 'staging admin{Enter}');
    const renamed = await screen.findByRole('article', { name: 'staging admin' });
    expect(within(renamed).getByText('demo@drivly.test')).toBeTruthy();
    expect(backend.calls['renameSession']?.[0]).toEqual(['session-1', 'staging admin']);

    // A refusal shows under the field and keeps what was typed; Escape leaves it as it was.
    backend.state.sessions[1]!.profileId = 'emulator';
    backend.state.sessions[1]!.label = 'ana';
    await user.click(within(renamed).getByRole('button', { name: 'Rename staging admin' }));
    const again = within(renamed).getByRole('textbox', { name: 'Session name' });
    await user.clear(again);
    await user.type(again, 'ANA{Enter}');
    expect((await within(renamed).findByRole('alert')).textContent).toMatch(/already called 'ANA'/);
    expect((again as HTMLInputElement).value).toBe('ANA');
    await user.keyboard('{Escape}');
    expect(within(renamed).getByRole('heading', { name: 'staging admin' })).toBeTruthy();
  });

  it('explains what to do when there are no sessions', async () => {
    await renderScreen(SessionsScreen, { seeded: false });
    expect(await screen.findByText(/No sessions yet/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Open browser to sign in' })).toBeTruthy();
  });
});

describe('Sessions: long-running programs', () => {
  it('runs a local proxy for a session, shows and copies its URL, and stops it', async () => {
    const { user, backend } = await renderScreen(SessionsScreen);
    const active = await screen.findByRole('article', { name: 'demo@drivly.test' });
    await user.click(within(active).getByRole('button', { name: 'Run a local proxy' }));
    const url = await within(active).findByTestId('proxy-url');
    expect(url.textContent).toBe('http://127.0.0.1:41000/api');
    expect(backend.calls['startLocalProxy']?.[0]).toEqual(['session-1']);
    await user.click(within(active).getByRole('button', { name: 'Copy URL' }));
    expect(await screen.findByText('Copied')).toBeTruthy();
    expect(backend.state.copiedText).toBe('http://127.0.0.1:41000/api');
    await user.click(within(active).getByRole('button', { name: 'Stop local proxy' }));
    await waitFor(() => expect(within(active).queryByTestId('proxy-url')).toBeNull());
    expect(backend.state.proxies.size).toBe(0);
    // A session that needs a new sign-in cannot start one.
    expect(within(card('ana@example.com')).getByRole('button', { name: 'Run a local proxy' })).toHaveProperty(
      'disabled',
      true,
    );
  });

  it('shows a proxy that is already running when the screen opens', async () => {
    const backend = fakeBackend();
    backend.state.proxies.set('session-1', 'http://127.0.0.1:40999/api');
    await renderScreen(SessionsScreen, { backend });
    const active = await screen.findByRole('article', { name: 'demo@drivly.test' });
    expect((await within(active).findByTestId('proxy-url')).textContent).toBe('http://127.0.0.1:40999/api');
    expect(within(active).getByRole('button', { name: 'Stop local proxy' })).toBeTruthy();
    expect(backend.calls['listLocalProxies']).toBeTruthy();
  });

  it('copies a curl command that asks drivly-keys for the token, never the token', async () => {
    const { user, backend } = await renderScreen(SessionsScreen);
    const active = await screen.findByRole('article', { name: 'demo@drivly.test' });
    await user.click(within(active).getByRole('button', { name: 'Copy curl' }));
    expect(await screen.findByText('Copied')).toBeTruthy();
    expect(backend.state.copiedText).toBe(
      'curl -H "Authorization: Bearer $(drivly-keys token --profile emulator)" http://127.0.0.1:7878/api/invoices',
    );
  });
});
