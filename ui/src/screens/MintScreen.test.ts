import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/svelte';
import MintScreen from './MintScreen.svelte';
import { renderScreen } from '../test/render';
import { resourceMessages } from '../lib/permissions';
import { expiryMessages } from '../lib/expiry';

describe('Mint', () => {
  it('hands over a token whose history entry could not be written, and says so', async () => {
    const { user, backend } = await renderScreen(MintScreen);
    backend.state.historyWarning =
      'the token was minted but is not in the mint history (the history file could not be written)';
    await user.click(await screen.findByLabelText('invoices.read'));
    await user.click(screen.getByRole('button', { name: 'Mint token' }));
    const result = await screen.findByRole('region', { name: /^Token minted/ });
    expect(within(result).getByRole('status').textContent).toMatch(
      /^Minted, but it is not in the mint history .*Copy it now/,
    );
    expect(within(result).getByRole('button', { name: 'Copy token' })).toBeTruthy();
  });

  it('mints a least-privilege token and shows what it can call', async () => {
    const { user, backend } = await renderScreen(MintScreen);
    await user.click(await screen.findByLabelText('invoices.read'));
    await user.click(screen.getByLabelText('vehicles.write'));
    await user.click(screen.getByLabelText('10 min'));
    await user.type(screen.getByLabelText(/Label/), 'Smoke test');
    await user.click(screen.getByRole('button', { name: 'Mint token' }));
    const result = await screen.findByRole('region', { name: 'Token minted: Smoke test' });
    const input = backend.calls['mintToken']?.[0]?.[0] as { permissions: string[]; expires: string; keyId: string };
    expect(input.permissions).toEqual(['invoices.read', 'vehicles.write']);
    expect(input.keyId).toBe('key-billing');
    expect(Date.parse(input.expires) - Date.now()).toBeGreaterThan(9 * 60_000);
    expect(within(result).getByTestId('countdown').textContent).toMatch(/^expires in (9 min \d{1,2} s|10 min)$/);
    expect(within(result).getByRole('rowheader', { name: 'vehicles' })).toBeTruthy();
    await user.click(within(result).getByRole('button', { name: 'Copy token' }));
    expect(await screen.findByText('Copied — clears in 30 s')).toBeTruthy();
    expect(backend.calls['copyToken']?.[0]?.[0]).toMatch(/^tok-/);
  });

  it('mints for one hour by default (least privilege), and sends the server default for one year', async () => {
    const { user, backend } = await renderScreen(MintScreen);
    await user.click(await screen.findByLabelText('invoices.read'));
    expect(screen.getByLabelText('1 hour')).toHaveProperty('checked', true);
    await user.click(screen.getByRole('button', { name: 'Mint token' }));
    await screen.findByRole('region', { name: 'Token minted' });
    const first = backend.calls['mintToken']?.[0]?.[0] as { expires: string; label: null };
    expect(first.label).toBeNull();
    expect(Date.parse(first.expires) - Date.now()).toBeGreaterThan(59 * 60_000);
    expect(Date.parse(first.expires) - Date.now()).toBeLessThanOrEqual(60 * 60_000);
    await user.click(screen.getByLabelText('1 year'));
    await user.click(screen.getByRole('button', { name: 'Mint token' }));
    await waitFor(() => expect(backend.calls['mintToken']?.length).toBe(2));
    expect(backend.calls['mintToken']?.[1]?.[0]).toMatchObject({ expires: null });
  });

  it('lists minted tokens in the history, never the tokens themselves', async () => {
    const { user } = await renderScreen(MintScreen);
    const history = await screen.findByRole('region', { name: 'History' });
    expect(within(history).getByText('CI smoke test')).toBeTruthy();
    await user.click(screen.getByLabelText('orders.read'));
    await user.type(screen.getByLabelText(/Label/), 'Orders export');
    await user.click(screen.getByRole('button', { name: 'Mint token' }));
    expect(await within(history).findByText('Orders export')).toBeTruthy();
    expect(document.body.textContent).not.toMatch(/eyJ/);
  });

  it('shows each history row’s profile, and copies or inspects a token the app still holds', async () => {
    const { user, backend, app } = await renderScreen(MintScreen);
    const history = await screen.findByRole('region', { name: 'History' });
    // Minted in an earlier run: its token is gone (memory only), so it offers nothing.
    const old = within(history).getByText('CI smoke test').closest('tr') as HTMLElement;
    expect(within(old).getByText('Local emulator')).toBeTruthy();
    expect(within(old).getByText('not held')).toBeTruthy();
    expect(within(old).queryByRole('button')).toBeNull();

    await user.click(screen.getByLabelText('orders.read'));
    await user.type(screen.getByLabelText(/Label/), 'Orders export');
    await user.click(screen.getByRole('button', { name: 'Mint token' }));
    const row = (await within(history).findByText('Orders export')).closest('tr') as HTMLElement;
    expect(within(row).getByText('Local emulator')).toBeTruthy();
    await user.click(within(row).getByRole('button', { name: 'Copy the token “Orders export”' }));
    await waitFor(() => expect(backend.calls['copyToken']?.[0]?.[0]).toMatch(/^tok-/));
    await user.click(within(row).getByRole('button', { name: 'Inspect the token “Orders export”' }));
    expect(app.screen).toBe('inspect');
    expect(app.inspect?.tokenRef).toBe(backend.calls['copyToken']?.[0]?.[0]);
  });

  it('requires a permission and a future custom expiry', async () => {
    const { user, backend } = await renderScreen(MintScreen);
    await user.click(await screen.findByRole('button', { name: 'Mint token' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/Pick at least one permission/);
    await user.click(screen.getByLabelText('invoices.read'));
    await user.click(screen.getByLabelText('Custom…'));
    await user.click(screen.getByRole('button', { name: 'Mint token' }));
    expect((await screen.findByRole('alert')).textContent).toBe(expiryMessages.customEmpty);
    await user.type(screen.getByLabelText('Expires at (your local time)'), '2020-01-01T10:00');
    await user.click(screen.getByRole('button', { name: 'Mint token' }));
    expect((await screen.findByRole('alert')).textContent).toBe(expiryMessages.customPast);
    expect(backend.calls['mintToken']).toBeUndefined();
  });

  it('validates free-text resources and adds valid ones to the grid', async () => {
    const { user } = await renderScreen(MintScreen);
    const field = await screen.findByLabelText('Add a resource');
    await user.type(field, 'Bad Name{Enter}');
    expect((await screen.findByRole('alert')).textContent).toBe(resourceMessages.invalid);
    await user.clear(field);
    await user.type(field, 'invoices{Enter}');
    expect((await screen.findByRole('alert')).textContent).toBe(resourceMessages.duplicate('invoices'));
    await user.clear(field);
    await user.type(field, 'webhooks{Enter}');
    expect(screen.getByLabelText('webhooks.read')).toHaveProperty('checked', true);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows the server’s error when minting fails', async () => {
    const { user, backend } = await renderScreen(MintScreen);
    backend.failNext('mintToken', { code: 'unauthorized', message: 'The server rejected this API key (401).' });
    await user.click(await screen.findByLabelText('invoices.read'));
    await user.click(screen.getByRole('button', { name: 'Mint token' }));
    expect((await screen.findByRole('alert')).textContent).toBe('The server rejected this API key (401).');
  });

  it('points to Keys when there is nothing to mint from', async () => {
    const { app, user } = await renderScreen(MintScreen, { seeded: false });
    await user.click(await screen.findByRole('button', { name: 'Go to Keys' }));
    await waitFor(() => expect(app.screen).toBe('keys'));
  });
});
