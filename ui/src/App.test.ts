import { describe, expect, it } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import App from './App.svelte';
import { fakeBackend } from './test/fake-backend';

describe('the frame', () => {
  it('shows the active profile with its environment badge', async () => {
    render(App, { props: { backend: fakeBackend() } });
    expect(await screen.findByTestId('active-profile')).toHaveProperty('textContent', 'Local emulator');
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

  it('says so when the backend fails instead of showing a blank window', async () => {
    const backend = fakeBackend();
    backend.appInfo = () => Promise.reject({ code: 'config_unreadable', message: 'Config file is damaged.' });
    render(App, { props: { backend } });
    expect((await screen.findByRole('alert')).textContent).toBe('Config file is damaged.');
  });
});
