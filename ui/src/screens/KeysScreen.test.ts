import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/svelte';
import KeysScreen from './KeysScreen.svelte';
import { renderScreen } from '../test/render';
import { DEMO_API_KEY, fakeBackend } from '../test/fake-backend';
import { keyMessages, labelMessages } from '../lib/key-validation';

afterEach(() => vi.useRealTimers());

async function openForm() {
  const ctx = await renderScreen(KeysScreen);
  await ctx.user.click(await screen.findByRole('button', { name: 'Add API key' }));
  return ctx;
}

describe('Keys: adding', () => {
  it.each([
    ['', keyMessages.empty],
    ['dk live abc', keyMessages.whitespace],
    ['eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln', keyMessages.jwt],
    ['x'.repeat(4097), keyMessages.tooLong],
  ])('says precisely what is wrong with the secret %#', async (secret, message) => {
    const { user, backend } = await openForm();
    await user.type(screen.getByLabelText('Label'), 'New key');
    if (secret) {
      await user.click(screen.getByLabelText('Secret'));
      await user.paste(secret);
    }
    await user.click(screen.getByRole('button', { name: 'Save key' }));
    expect((await screen.findByRole('alert')).textContent).toBe(message);
    expect(backend.calls['addApiKey']).toBeUndefined();
  });

  it('catches a key pasted over several lines', async () => {
    const { user } = await openForm();
    await user.click(screen.getByLabelText('Secret'));
    await user.paste('dk_live_abc\ndef');
    expect((await screen.findByRole('alert')).textContent).toBe(keyMessages.multiline);
  });

  it('checks the label: empty and already used', async () => {
    const { user } = await openForm();
    await user.type(screen.getByLabelText('Secret'), 'dk_live_ok');
    await user.click(screen.getByRole('button', { name: 'Save key' }));
    expect((await screen.findByRole('alert')).textContent).toBe(labelMessages.empty);
    await user.type(screen.getByLabelText('Label'), 'billing SANDBOX');
    await user.click(screen.getByRole('button', { name: 'Save key' }));
    expect((await screen.findByRole('alert')).textContent).toBe(labelMessages.duplicate('billing SANDBOX'));
  });

  it('puts the vault’s refusal of a label on the label field, by its code', async () => {
    const { user, backend } = await openForm();
    backend.failNext('addApiKey', { code: 'label_exists', message: 'A key with this label already exists.' });
    await user.type(screen.getByLabelText('Label'), 'New key');
    await user.type(screen.getByLabelText('Secret'), 'dk_live_ok');
    await user.click(screen.getByRole('button', { name: 'Save key' }));
    const alert = await screen.findByRole('alert');
    expect(alert.id).toBe('key-label-error');
    expect(alert.textContent).toBe('A key with this label already exists.');
  });

  it('shows the backend’s own error message', async () => {
    const { user, backend } = await openForm();
    backend.failNext('addApiKey', { code: 'keyring_locked', message: 'Your keyring is locked. Unlock it and try again.' });
    await user.type(screen.getByLabelText('Label'), 'New key');
    await user.type(screen.getByLabelText('Secret'), 'dk_live_fresh');
    await user.click(screen.getByRole('button', { name: 'Save key' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Your keyring is locked. Unlock it and try again.');
  });

  it('saves a trimmed key, lists it and verifies it with the server', async () => {
    const { user, backend } = await openForm();
    await user.type(screen.getByLabelText('Label'), '  Deploy bot ');
    await user.type(screen.getByLabelText('Secret'), '  dk_live_deploy9999 ');
    await user.type(screen.getByLabelText(/Note/), 'for CI');
    await user.click(screen.getByRole('button', { name: 'Save key' }));
    expect(await screen.findByRole('heading', { name: 'Deploy bot' })).toBeTruthy();
    expect(backend.calls['addApiKey']?.[0]?.[0]).toEqual({
      label: 'Deploy bot',
      profileId: 'emulator',
      secret: 'dk_live_deploy9999',
      note: 'for CI',
    });
    await waitFor(() => expect(backend.calls['verifyApiKey']).toHaveLength(1));
    // One action, one announcement: the save and the server's answer in a single toast.
    expect(await screen.findByText('Saved “Deploy bot” to your keyring. The server accepted this key.')).toBeTruthy();
    expect(screen.queryByText('Saved “Deploy bot” to your keyring.')).toBeNull();
    expect(screen.getByText('••••9999')).toBeTruthy();
  });
});

describe('Keys: the list', () => {
  it('shows label, profile, masked tail, dates and a missing secret', async () => {
    await renderScreen(KeysScreen);
    const row = (await screen.findByRole('heading', { name: 'Billing sandbox' })).closest('li')!;
    expect(within(row).getByText('••••3f9a')).toBeTruthy();
    expect(within(row).getByText('Last used 3 h ago')).toBeTruthy();
    expect(within(row).getByText('local')).toBeTruthy();
    const lost = screen.getByRole('heading', { name: 'Old laptop key' }).closest('li')!;
    expect(within(lost).getByText('Secret missing')).toBeTruthy();
    expect(within(lost).queryByRole('button', { name: 'Copy Old laptop key' })).toBeNull();
  });

  it('reveals a key only on request and hides it again after 10 s', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { user } = await renderScreen(KeysScreen);
    expect(screen.queryByTestId('revealed-secret')).toBeNull();
    const row = (await screen.findByRole('heading', { name: 'Billing sandbox' })).closest('li')!;
    await user.click(within(row).getByRole('button', { name: 'Reveal' }));
    expect((await screen.findByTestId('revealed-secret')).textContent).toBe('dk_live_8c1e2f9b7a6d5c4b3a2f1e0d9c8b3f9a');
    expect(screen.getByText('Hides in 10 s')).toBeTruthy();
    vi.advanceTimersByTime(3000);
    expect(await screen.findByText('Hides in 7 s')).toBeTruthy();
    vi.advanceTimersByTime(7000);
    await waitFor(() => expect(screen.queryByTestId('revealed-secret')).toBeNull());
  });

  it('copies through the backend and says when the clipboard clears', async () => {
    const { user, backend } = await renderScreen(KeysScreen);
    await user.click(await screen.findByRole('button', { name: 'Copy Billing sandbox' }));
    expect(await screen.findByText('Copied — clears in 30 s')).toBeTruthy();
    backend.state.settings.clipboardClearSeconds = 0;
    await user.click(screen.getByRole('button', { name: 'Copy Production read-only' }));
    expect(await screen.findByText('Copied')).toBeTruthy();
  });

  it('renames inline, refusing a duplicate label', async () => {
    const { user } = await renderScreen(KeysScreen);
    // Labels are unique per profile, as the vault checks: "Old laptop key" is another
    // production key; "Billing sandbox" is on the emulator profile, so it is free here.
    const row = (await screen.findByRole('heading', { name: 'Production read-only' })).closest('li')!;
    await user.click(within(row).getByRole('button', { name: 'Rename' }));
    const input = screen.getByLabelText('New label for Production read-only');
    await user.clear(input);
    await user.type(input, 'old LAPTOP key{Enter}');
    expect((await screen.findByRole('alert')).textContent).toBe(labelMessages.duplicate('old LAPTOP key'));
    await user.clear(input);
    await user.type(input, 'Billing sandbox{Enter}');
    expect(await screen.findAllByRole('heading', { name: 'Billing sandbox' })).toHaveLength(2);
  });

  it('verifies a key and shows a rejection', async () => {
    const backend = fakeBackend();
    backend.state.secrets.set('key-prod', 'dk_bad_key');
    const { user } = await renderScreen(KeysScreen, { backend });
    const row = (await screen.findByRole('heading', { name: 'Production read-only' })).closest('li')!;
    await user.click(within(row).getByRole('button', { name: 'Verify' }));
    expect(await within(row).findByText(/Rejected/)).toBeTruthy();
  });
});

describe('Keys: removing', () => {
  it('offers server revocation where the server allows it', async () => {
    const { user, backend } = await renderScreen(KeysScreen);
    await user.click(await screen.findByRole('button', { name: 'Remove Billing sandbox' }));
    const dialog = screen.getByRole('dialog', { name: 'Remove “Billing sandbox”?' });
    expect(within(dialog).getByLabelText('Also revoke on the server')).toHaveProperty('checked', true);
    expect(dialog.textContent).toContain('deletes the key from this computer’s keyring');
    await user.click(within(dialog).getByRole('button', { name: 'Revoke and remove' }));
    expect(backend.calls['removeApiKey']?.[0]).toEqual(['key-billing', true]);
    expect(await screen.findByText('Revoked “Billing sandbox” on the server and removed it.')).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('heading', { name: 'Billing sandbox' })).toBeNull());
  });

  it('says honestly that Drivly keys are revoked in the dashboard', async () => {
    const { user, backend } = await renderScreen(KeysScreen);
    await user.click(await screen.findByRole('button', { name: 'Remove Production read-only' }));
    const dialog = screen.getByRole('dialog');
    expect(within(dialog).queryByLabelText('Also revoke on the server')).toBeNull();
    expect(dialog.textContent).toContain('This only removes the local copy.');
    expect(dialog.textContent).toContain('Drivly API keys are revoked in Drivly’s dashboard');
    expect(within(dialog).getByTestId('dashboard-url').textContent).toBe('https://dashboard.drivly.io/settings/api-keys');
    expect(within(dialog).queryByRole('link')).toBeNull();
    await user.click(within(dialog).getByRole('button', { name: 'Remove local copy' }));
    expect(backend.calls['removeApiKey']?.[0]).toEqual(['key-prod', false]);
  });

  it('closes on Escape without removing anything', async () => {
    const { user, backend } = await renderScreen(KeysScreen);
    await user.click(await screen.findByRole('button', { name: 'Remove Production read-only' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(backend.calls['removeApiKey']).toBeUndefined();
  });
});

describe('Keys: empty state', () => {
  it('tells a newcomer what to do and offers the demo key', async () => {
    const { user } = await renderScreen(KeysScreen, { seeded: false });
    expect(await screen.findByRole('heading', { name: 'Store your first API key' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Use demo key' }));
    expect(screen.getByLabelText('Secret')).toHaveProperty('value', DEMO_API_KEY);
    expect(screen.getByLabelText('Label')).toHaveProperty('value', 'Demo key');
  });

  it('has no demo key outside the demo', async () => {
    await renderScreen(KeysScreen, { seeded: false, demo: false });
    expect(await screen.findByRole('heading', { name: 'Store your first API key' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Use demo key' })).toBeNull();
  });
});

describe('Keys: a locked keyring', () => {
  it('says how to fix it and loads the keys on "Unlock and retry"', async () => {
    const backend = fakeBackend();
    backend.failNext('listApiKeys', { code: 'keyring_locked', message: 'The system keyring is locked.' });
    const { user } = await renderScreen(KeysScreen, { backend });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Unlock your keyring');
    await user.click(within(alert).getByRole('button', { name: 'Unlock and retry' }));
    expect(await screen.findByRole('heading', { name: 'Billing sandbox' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Unlock and retry' })).toBeNull();
  });

  it('says it once: with the frame\'s storage notice up, the screen only says what waits', async () => {
    const backend = fakeBackend();
    backend.state.storageError = { code: 'keyring_locked', message: 'the system keyring is locked; unlock it and retry' };
    backend.failNext('listApiKeys', { code: 'keyring_locked', message: 'the system keyring is locked; unlock it and retry' });
    const { app } = await renderScreen(KeysScreen, { backend });
    await waitFor(() => expect(app.info?.storageError?.code).toBe('keyring_locked'));
    expect(await screen.findByTestId('waiting-for-storage')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(document.body.textContent).not.toMatch(/keyring is locked/);
  });

  it('offers a plain Retry when the failure is not the keyring', async () => {
    const backend = fakeBackend();
    backend.failNext('listApiKeys', { code: 'internal', message: 'Something broke.' });
    await renderScreen(KeysScreen, { backend });
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('button', { name: 'Retry' })).toBeTruthy();
    expect(alert.textContent).not.toContain('Unlock your keyring');
  });
});
