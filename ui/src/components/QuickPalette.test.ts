import { describe, expect, it } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import App from '../App.svelte';
import { fakeBackend } from '../test/fake-backend';

async function openPalette() {
  const user = userEvent.setup();
  const backend = fakeBackend();
  render(App, { props: { backend } });
  await waitFor(() => expect(document.body.dataset['ready']).toBe('true'));
  await user.keyboard('{Control>}k{/Control}');
  const field = await screen.findByRole('combobox', { name: 'Search actions' });
  return { user, backend, field };
}

describe('Ctrl+K', () => {
  it('copies a fresh JWT for a session from anywhere, in three keystrokes', async () => {
    const { user, field } = await openPalette();
    expect(document.activeElement).toBe(field);
    await user.type(field, 'demo');
    await screen.findByRole('option', { name: /Copy a fresh JWT for demo@drivly.test/ });
    await user.keyboard('{Enter}');
    expect(await screen.findByText(/Fresh JWT copied/)).toBeTruthy();
    expect(screen.queryByRole('dialog', { name: 'Quick actions' })).toBeNull();
  });

  it('moves with the arrow keys and says which option is highlighted', async () => {
    const { user, field } = await openPalette();
    await screen.findByRole('option', { name: /Copy a fresh JWT/ });
    const first = field.getAttribute('aria-activedescendant');
    await user.keyboard('{ArrowDown}');
    const second = field.getAttribute('aria-activedescendant');
    expect(second).not.toBe(first);
    expect(document.getElementById(second ?? '')?.getAttribute('aria-selected')).toBe('true');
    await user.keyboard('{ArrowUp}{ArrowUp}');
    // Wraps from the top to the last action (Quit).
    expect(field.getAttribute('aria-activedescendant')).toBe('palette-quit');
  });

  it('opens Mint with the chosen key', async () => {
    const { user, field } = await openPalette();
    await user.type(field, 'mint production');
    await user.keyboard('{Enter}');
    const select = (await screen.findByLabelText('API key')) as HTMLSelectElement;
    expect(select.selectedOptions[0]?.textContent).toContain('Production read-only');
  });

  it('switches profile, and the header says so', async () => {
    const { user, field, backend } = await openPalette();
    await user.type(field, 'switch drivly');
    await user.keyboard('{Enter}');
    expect(await screen.findByText('Now using “Drivly”.')).toBeTruthy();
    expect(backend.state.activeProfileId).toBe('production');
    const switcher = screen.getByRole('combobox', { name: 'Profile' }) as HTMLSelectElement;
    expect(switcher.value).toBe('production');
  });

  it('says when nothing matches, and Escape closes it', async () => {
    const { user, field } = await openPalette();
    await user.type(field, 'zzz');
    expect(screen.getByText('Nothing matches “zzz”.')).toBeTruthy();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog', { name: 'Quick actions' })).toBeNull();
  });
});

describe('the header', () => {
  it('switches the active profile from its select', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend();
    render(App, { props: { backend } });
    const switcher = (await screen.findByRole('combobox', { name: 'Profile' })) as HTMLSelectElement;
    await user.selectOptions(switcher, 'production');
    expect(await screen.findByText('Now using “Drivly”.')).toBeTruthy();
    expect(backend.state.activeProfileId).toBe('production');
    expect(switcher.value).toBe('production');
  });
});
