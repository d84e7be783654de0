import { afterEach, describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/svelte';
import SettingsScreen from './SettingsScreen.svelte';
import { renderScreen } from '../test/render';
import { drivlyProtocolDefaults, profileMessages } from '../lib/profile-validation';

afterEach(() => document.documentElement.removeAttribute('data-theme'));

describe('Settings', () => {
  it('applies the theme at once and saves it', async () => {
    const { user, backend } = await renderScreen(SettingsScreen);
    await user.click(await screen.findByLabelText('Dark'));
    expect(document.documentElement.getAttribute('data-theme')).toBe('dark');
    await waitFor(() => expect(backend.state.settings.theme).toBe('dark'));
    await user.click(screen.getByLabelText('System'));
    expect(document.documentElement.getAttribute('data-theme')).toBe('light'); // jsdom: the system prefers light
  });

  it('applies the saved theme on load', async () => {
    const { fakeBackend } = await import('../test/fake-backend');
    const backend = fakeBackend();
    backend.state.settings.theme = 'light';
    await renderScreen(SettingsScreen, { backend });
    expect(document.documentElement.getAttribute('data-theme')).toBe('light');
  });

  it('sets the clipboard delay (off allowed) and launch minimised', async () => {
    const { user, backend } = await renderScreen(SettingsScreen);
    const delay = await screen.findByLabelText('Clear the clipboard');
    expect(delay).toHaveProperty('value', '30');
    await user.selectOptions(delay, '0');
    await waitFor(() => expect(backend.state.settings.clipboardClearSeconds).toBe(0));
    await user.click(screen.getByLabelText('Launch minimised to the tray'));
    await waitFor(() => expect(backend.state.settings.launchMinimised).toBe(true));
  });

  it('records a global shortcut by pressing it, refuses a taken one, and turns it off', async () => {
    const { user, backend } = await renderScreen(SettingsScreen);
    expect(await screen.findByText(/^Off\. Turn it on/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Turn on' }));
    const recorder = screen.getByRole('textbox', { name: 'Global shortcut' });
    recorder.focus();
    // Shift alone with a key would take a character from every program.
    await user.keyboard('{Shift>}J{/Shift}');
    expect(screen.getByText(/Use Ctrl, Alt or Super/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Save' })).toHaveProperty('disabled', true);
    // Held by another program: refused, and the recorder stays to try another.
    await user.keyboard('{Control>}{Alt>}T{/Alt}{/Control}');
    expect(recorder).toHaveProperty('value', 'Ctrl+Alt+T');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(backend.state.settings.globalShortcut).toBeNull());
    expect(screen.getByRole('textbox', { name: 'Global shortcut' })).toBeTruthy();
    recorder.focus();
    await user.keyboard('{Control>}{Alt>}J{/Alt}{/Control}');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(backend.state.settings.globalShortcut).toBe('Ctrl+Alt+J'));
    expect(screen.getByText('Ctrl+Alt+J', { selector: 'kbd' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Turn off' }));
    await waitFor(() => expect(backend.state.settings.globalShortcut).toBeNull());
  });

  it('adds a custom profile with validation; built-ins cannot be removed', async () => {
    const { user, backend } = await renderScreen(SettingsScreen);
    expect(screen.queryByRole('button', { name: 'Remove Drivly' })).toBeNull();
    await user.click(await screen.findByRole('button', { name: 'Add profile' }));
    await user.type(screen.getByLabelText('Name'), 'Staging');
    await user.type(screen.getByLabelText('Id'), 'emulator');
    await user.type(screen.getByLabelText('API base URL'), 'http://staging.example.com');
    await user.click(screen.getByRole('button', { name: 'Add profile' }));
    expect(await screen.findByText(profileMessages.idTaken('emulator'))).toBeTruthy();
    expect(screen.getByText(profileMessages.urlScheme)).toBeTruthy();
    await user.clear(screen.getByLabelText('Id'));
    await user.type(screen.getByLabelText('Id'), 'staging');
    await user.clear(screen.getByLabelText('API base URL'));
    await user.type(screen.getByLabelText('API base URL'), 'https://staging.example.com');
    await user.click(screen.getByRole('button', { name: 'Add profile' }));
    expect(await screen.findByText('https://staging.example.com')).toBeTruthy();
    expect(backend.state.profiles.map((p) => p.id)).toContain('staging');

    await user.click(screen.getByRole('button', { name: 'Remove Staging' }));
    const dialog = screen.getByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Remove profile' }));
    await waitFor(() => expect(screen.queryByText('https://staging.example.com')).toBeNull());
  });

  it('edits a profile’s protocol settings in Advanced, shows a refusal, and resets to Drivly’s defaults', async () => {
    const { user, backend } = await renderScreen(SettingsScreen);
    await user.click(await screen.findByRole('button', { name: 'Add profile' }));
    await user.type(screen.getByLabelText('Name'), 'Acme');
    await user.type(screen.getByLabelText('Id'), 'acme');
    await user.type(screen.getByLabelText('API base URL'), 'https://auth.acme.example/api');
    // Closed while the settings are Drivly's.
    const advanced = screen.getByText('Advanced: how this server signs in').closest('details')!;
    expect(advanced.open).toBe(false);
    await user.click(screen.getByText('Advanced: how this server signs in'));
    const refresh = screen.getByLabelText('Refresh');
    expect((refresh as HTMLInputElement).value).toBe('auth/refresh');
    expect(screen.getByRole('button', { name: 'Reset to Drivly defaults' })).toHaveProperty('disabled', true);
    await user.clear(refresh);
    await user.type(refresh, 'https://evil.example/refresh');
    await user.click(screen.getByRole('button', { name: 'Add profile' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/relative to the base URL/);
    expect(backend.state.profiles.map((p) => p.id)).not.toContain('acme');

    await user.clear(refresh);
    await user.type(refresh, 'oauth/refresh');
    await user.type(screen.getByLabelText('Client id'), 'app_42');
    await user.clear(screen.getByLabelText('Revoke'));
    await user.selectOptions(screen.getByLabelText('Sign-in returns'), 'token');
    expect(screen.getByRole('note').textContent).toMatch(/refresh token back in a URL/);
    await user.click(screen.getByRole('button', { name: 'Add profile' }));
    await screen.findByText('https://auth.acme.example/api');
    const saved = backend.state.profiles.find((p) => p.id === 'acme')!;
    expect(saved.protocol).toMatchObject({ refreshPath: 'oauth/refresh', clientId: 'app_42', revokePath: '', redirectForm: 'token' });
    expect(saved.canRevokeSessions).toBe(false);

    // Editing opens Advanced at once (the settings differ), and Reset puts Drivly's back.
    await user.click(screen.getAllByRole('button', { name: 'Edit' }).at(-1)!);
    expect(screen.getByText('Advanced: how this server signs in').closest('details')!.open).toBe(true);
    expect(screen.getByText('changed from Drivly’s defaults')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Reset to Drivly defaults' }));
    expect((screen.getByLabelText('Refresh') as HTMLInputElement).value).toBe('auth/refresh');
    await user.click(screen.getByRole('button', { name: 'Save profile' }));
    await waitFor(() => expect(backend.state.profiles.find((p) => p.id === 'acme')!.protocol).toEqual(drivlyProtocolDefaults));
  });

  it('edits a built-in profile’s sign-in settings, never its server', async () => {
    const { user, backend, app } = await renderScreen(SettingsScreen);
    // A session card's "Fix in Settings" opens the profile's editor with Advanced open.
    app.editProfile('emulator');
    const form = await screen.findByRole('form', { name: 'Edit Local emulator' });
    expect(within(form).getByLabelText('API base URL')).toHaveProperty('disabled', true);
    expect(within(form).getByLabelText('Name')).toHaveProperty('disabled', true);
    expect(within(form).getByText(/always points at its own server/)).toBeTruthy();
    expect(within(form).getByText('Advanced: how this server signs in').closest('details')!.open).toBe(true);
    const refresh = within(form).getByLabelText('Refresh');
    await user.clear(refresh);
    await user.type(refresh, 'oauth/refresh');
    await user.click(within(form).getByRole('button', { name: 'Save profile' }));
    await waitFor(() => expect(backend.state.profiles.find((p) => p.id === 'emulator')!.protocol.refreshPath).toBe('oauth/refresh'));
    expect(app.profileToEdit).toBeNull();
  });

  it('checks a profile’s connection and shows the doctor report under its row', async () => {
    const { user } = await renderScreen(SettingsScreen);
    const emulatorActions = await screen.findByRole('group', { name: 'Actions for Local emulator' });
    await user.click(within(emulatorActions).getByRole('button', { name: 'Check connection' }));
    const report = await screen.findByRole('region', { name: 'Connection report for emulator' });
    expect(within(report).getByText(/All is well/)).toBeTruthy();
    expect(within(report).getByText('Endpoint refresh')).toBeTruthy();
    expect(within(report).getByText(/drivly-keys doctor --profile emulator/)).toBeTruthy();

    // Another profile's check replaces it; out of reach, it says so in words.
    const drivlyActions = screen.getByRole('group', { name: 'Actions for Drivly' });
    await user.click(within(drivlyActions).getByRole('button', { name: 'Check connection' }));
    const other = await screen.findByRole('region', { name: 'Connection report for production' });
    expect(within(other).getByText('1 problem found.')).toBeTruthy();
    expect(within(other).getByText(/cannot be reached/, { selector: 'li' })).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Connection report for emulator' })).toBeNull();
  });

  it('makes another profile active, and the app knows', async () => {
    const { user, app } = await renderScreen(SettingsScreen);
    const group = await screen.findByRole('group', { name: 'Actions for Drivly' });
    await user.click(within(group).getByRole('button', { name: 'Use' }));
    await waitFor(() => expect(app.info?.activeProfile.id).toBe('production'));
  });

  it('shows the demo panel only in the demo', async () => {
    await renderScreen(SettingsScreen);
    const demo = await screen.findByRole('region', { name: 'Demo' });
    expect(within(demo).getByText('demo@drivly.test')).toBeTruthy();
    expect(within(demo).getByText('http://127.0.0.1:7878/dashboard')).toBeTruthy();
  });

  it('has no demo panel otherwise', async () => {
    await renderScreen(SettingsScreen, { demo: false });
    await screen.findByRole('heading', { name: 'Profiles' });
    expect(screen.queryByRole('region', { name: 'Demo' })).toBeNull();
  });

  it('says which entry opens sign-in links and removes the per-user one', async () => {
    const { user, backend } = await renderScreen(SettingsScreen);
    const panel = await screen.findByRole('region', { name: 'Sign-in links' });
    // Opened by the per-user entry, which is listed as such.
    expect(await within(panel).findAllByText('drivly-keys-app-handler.desktop', { selector: 'dd > code' })).toHaveLength(2);
    await user.click(within(panel).getByRole('button', { name: 'Remove per-user entry' }));
    await waitFor(() => expect(backend.state.linkHandler.userEntries).toEqual([]));
    expect(within(panel).queryByRole('button', { name: 'Remove per-user entry' })).toBeNull();
    expect(within(panel).getByText('no entry (sign in with the loopback redirect)')).toBeTruthy();
  });

  it('explains a failed link check instead of hiding the panel', async () => {
    const { fakeBackend } = await import('../test/fake-backend');
    const backend = fakeBackend();
    backend.failNext('linkHandlerStatus', { code: 'internal', message: 'The link check failed.' });
    await renderScreen(SettingsScreen, { backend });
    const panel = await screen.findByRole('region', { name: 'Sign-in links' });
    expect((await within(panel).findByRole('alert')).textContent).toBe('The link check failed.');
  });

  it('says why closing quits when the desktop has no tray, and nothing when it has one', async () => {
    await renderScreen(SettingsScreen, { trayHost: 'absent' });
    const note = await screen.findByRole('region', { name: 'No tray on this desktop' });
    expect(note.textContent).toMatch(/closing the window quits Drivly Keys/);
    expect(screen.getByLabelText('Launch minimised to the tray')).toHaveProperty('disabled', true);
  });

  it('shows no tray note on a desktop with a tray', async () => {
    await renderScreen(SettingsScreen);
    await screen.findByRole('heading', { name: 'Profiles' });
    expect(screen.queryByRole('region', { name: 'No tray on this desktop' })).toBeNull();
  });
});
