import { describe, expect, it } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import App from './App.svelte';
import { fakeBackend } from './test/fake-backend';

describe('the frame', () => {
  it('shows the active profile with its environment badge', async () => {
    render(App, { props: { backend: fakeBackend() } });
    const switcher = (await screen.findByRole('combobox', { name: 'Profile' })) as HTMLSelectElement;
    expect(switcher.selectedOptions[0]?.textContent).toBe('Local emulator');
    expect(within(screen.getByRole('banner')).getByText('local')).toBeTruthy();
    await waitFor(() => expect(document.body.dataset['ready']).toBe('true'));
  });

  it('navigates between all five screens', async () => {
    const user = userEvent.setup();
    render(App, { props: { backend: fakeBackend() } });
    for (const [id, heading] of [
      ['sessions', 'Sessions'],
      ['mint', 'Mint'],
      ['inspect', 'Inspect'],
      ['settings', 'Settings'],
      ['keys', 'Keys'],
    ] as const) {
      await user.click(screen.getByRole('button', { name: heading }));
      expect(screen.getByRole('heading', { level: 1 }).textContent).toBe(heading);
      expect(document.querySelector(`[data-screen="${id}"]`)?.getAttribute('aria-current')).toBe('page');
    }
  });

  it('opens each screen with Ctrl+1…5 and Settings with Ctrl+,', async () => {
    const user = userEvent.setup();
    render(App, { props: { backend: fakeBackend() } });
    await waitFor(() => expect(document.body.dataset['ready']).toBe('true'));
    for (const [key, heading] of [
      ['2', 'Sessions'],
      ['3', 'Mint'],
      ['4', 'Inspect'],
      ['5', 'Settings'],
      ['1', 'Keys'],
      [',', 'Settings'],
    ] as const) {
      await user.keyboard(`{Control>}${key}{/Control}`);
      expect(screen.getByRole('heading', { level: 1 }).textContent).toBe(heading);
    }
    expect(screen.getByRole('button', { name: 'Mint' }).getAttribute('aria-keyshortcuts')).toBe('Control+3');
    // Alt or Shift with a digit is not ours (a typed character in some layouts).
    await user.keyboard('{Control>}{Shift>}2{/Shift}{/Control}');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Settings');
  });

  it('does what the menu bar and a notification’s buttons ask (uiRequest events)', async () => {
    const backend = fakeBackend();
    render(App, { props: { backend } });
    await waitFor(() => expect(document.body.dataset['ready']).toBe('true'));
    backend.emit({ type: 'uiRequest', request: { kind: 'screen', screen: 'mint' } });
    await waitFor(() => expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Mint'));
    backend.emit({ type: 'uiRequest', request: { kind: 'palette' } });
    expect(await screen.findByRole('dialog')).toBeTruthy();
  });

  it('re-reads settings and profiles changed by another process (live sync events)', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend();
    render(App, { props: { backend } });
    await waitFor(() => expect(document.body.dataset['ready']).toBe('true'));
    backend.state.settings = { ...backend.state.settings, theme: 'dark' };
    backend.emit({ type: 'settingsChanged' });
    await waitFor(() => expect(document.documentElement.getAttribute('data-theme')).toBe('dark'));
    const staging = { ...backend.state.profiles[0]!, id: 'staging', name: 'Staging', builtIn: false };
    backend.state.profiles = [...backend.state.profiles, staging];
    backend.emit({ type: 'profilesChanged' });
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    // Both the Settings list and the header's switcher learn of it.
    expect(await within(screen.getByRole('main')).findByText('Staging')).toBeTruthy();
    expect(within(screen.getByRole('combobox', { name: 'Profile' })).getByRole('option', { name: 'Staging' })).toBeTruthy();
  });

  it('says so when the backend fails instead of showing a blank window', async () => {
    const backend = fakeBackend();
    backend.appInfo = () => Promise.reject({ code: 'config_unreadable', message: 'Config file is damaged.' });
    render(App, { props: { backend } });
    expect((await screen.findByRole('alert')).textContent).toBe('Config file is damaged.');
  });

  it('mints a token and opens it in the inspector', async () => {
    const user = userEvent.setup();
    render(App, { props: { backend: fakeBackend() } });
    await user.click(await screen.findByRole('button', { name: 'Mint' }));
    await user.click(await screen.findByLabelText('invoices.read'));
    await user.type(screen.getByLabelText(/Label/), 'Invoices reader');
    await user.click(screen.getByRole('button', { name: 'Mint token' }));
    await user.click(await screen.findByRole('button', { name: 'Open in inspector' }));
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Inspect');
    expect(await screen.findByText('Invoices reader')).toBeTruthy();
    const table = await screen.findByRole('table');
    expect(within(table).getByRole('rowheader', { name: 'invoices' })).toBeTruthy();
    expect(screen.getByLabelText('Claims JSON').textContent).toContain('"invoices.read"');
  });

  it('hands its screen and form text over when the window closes to the tray, never a secret', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend();
    const first = render(App, { props: { backend } });
    // Mint, half filled in.
    await user.click(await screen.findByRole('button', { name: 'Mint' }));
    await user.click(await screen.findByLabelText('invoices.read'));
    await user.type(screen.getByLabelText(/Label/), 'Nightly CI');
    backend.emit({ type: 'uiRequest', request: { kind: 'saveAndClose' } });
    await waitFor(() => expect(backend.state.closedWith).not.toBeNull());
    expect(backend.state.closedWith?.screen).toBe('mint');
    expect(JSON.parse(backend.state.closedWith?.fields['mint.label'] ?? 'null')).toBe('Nightly CI');
    first.unmount();

    // The next window's page starts where the last one was.
    backend.state.pageRecall = { snapshot: backend.state.closedWith, requests: [] };
    const second = render(App, { props: { backend } });
    await waitFor(() => expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Mint'));
    expect(((await screen.findByLabelText(/Label/)) as HTMLInputElement).value).toBe('Nightly CI');
    expect(((await screen.findByLabelText('invoices.read')) as HTMLInputElement).checked).toBe(true);

    // Keys: the label survives, the pasted secret does not.
    await user.click(screen.getByRole('button', { name: 'Keys' }));
    await user.click(await screen.findByRole('button', { name: 'Add API key' }));
    await user.type(await screen.findByLabelText(/^Label/), 'billing sandbox');
    const secret = document.getElementById('key-secret') as HTMLInputElement;
    await user.type(secret, 'dk_live_0123456789abcdef0123456789abcdef');
    expect(secret.value).toBe('dk_live_0123456789abcdef0123456789abcdef');
    backend.state.closedWith = null;
    backend.emit({ type: 'uiRequest', request: { kind: 'saveAndClose' } });
    await waitFor(() => expect(backend.state.closedWith).not.toBeNull());
    const text = JSON.stringify(backend.state.closedWith);
    expect(text).toContain('billing sandbox');
    expect(text).not.toContain('dk_live_0123456789abcdef0123456789abcdef');
    second.unmount();
    backend.state.pageRecall = { snapshot: backend.state.closedWith, requests: [] };
    render(App, { props: { backend } });
    expect(((await screen.findByLabelText(/^Label/)) as HTMLInputElement).value).toBe('billing sandbox');
    expect((document.getElementById('key-secret') as HTMLInputElement).value).toBe('');
  });

  it('acts on what the desktop asked for while no page was there', async () => {
    const backend = fakeBackend();
    const session = backend.state.sessions[0];
    if (!session) throw new Error('the fake is seeded with a session');
    backend.state.pageRecall = { snapshot: null, requests: [{ kind: 'showSession', sessionId: session.id }] };
    render(App, { props: { backend } });
    await waitFor(() => expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Sessions'));
  });

  it('shows start-up notices in a dismissible banner and toasts in a live region', async () => {
    const user = userEvent.setup();
    render(App, { props: { backend: fakeBackend({ notices: ['Your config was damaged and has been moved aside.'] }) } });
    const notices = await screen.findByRole('region', { name: 'Notices' });
    expect(notices.textContent).toContain('moved aside');
    await user.click(within(notices).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('region', { name: 'Notices' })).toBeNull();
    expect(screen.getByRole('status', { name: 'Notifications' }).getAttribute('aria-live')).toBe('polite');
  });
});

describe('sign-in results', () => {
  it('are announced on any screen, so a refused link is never silent', async () => {
    const backend = fakeBackend();
    render(App, { props: { backend } });
    await screen.findByTestId('active-profile');
    backend.emit({ type: 'loginFinished', ok: false, message: 'That sign-in link was not expected.', code: 'no_pending_login', stillWaiting: false });
    expect(await screen.findByText('That sign-in link was not expected.')).toBeTruthy();
  });
});
