// App-wide state shared by the screens through context: the app info (active profile, demo),
// profiles, settings, the current screen, an inspector request and the toasts.

import { getContext, setContext } from 'svelte';
import type { AppInfo, Backend, CopyResult, ProfileView, Settings, UiRequest } from '../ipc/backend';
import type { ScreenId } from '../screens';
import { messageOf } from './errors';
import { PageMemory } from './page-memory';
import { applyTheme } from './theme';

export type ToastKind = 'info' | 'success' | 'error';
export interface Toast {
  id: number;
  message: string;
  kind: ToastKind;
}

export interface InspectRequest {
  tokenRef: string;
  title: string;
  /** The profile the token was issued for ("Try it" offers it first: it is sent nowhere else). */
  profileId: string | null;
  /** Bumps so opening the same token twice still reloads. */
  serial: number;
}

export class AppModel {
  info = $state<AppInfo | null>(null);
  loadError = $state<string | null>(null);
  profiles = $state<ProfileView[]>([]);
  settings = $state<Settings | null>(null);
  screen = $state<ScreenId>('keys');
  inspect = $state<InspectRequest | null>(null);
  toasts = $state<Toast[]>([]);
  /** The key the quick palette asked the Mint screen to start with; the form takes it once. */
  mintKeyId = $state<string | null>(null);
  /** The profile a session card asked Settings to open for editing; the panel takes it once. */
  profileToEdit = $state<string | null>(null);
  /** A session the desktop asked to show, or to sign in again (a notification's button); the
   *  Sessions screen takes it once. */
  sessionRequest = $state<{ sessionId: string; signIn: boolean } | null>(null);
  /** Whether the quick palette is open (Ctrl+K, the menu bar). */
  paletteOpen = $state(false);
  /** What the forms on screen hand over when the window closes to the tray. */
  readonly memory = new PageMemory();
  #nextId = 1;
  #backend: Backend;

  constructor(backend: Backend) {
    this.#backend = backend;
  }

  /**
   * Loads app info, profiles and settings; applies the saved theme. The three requests go out
   * together: app info waits for secure storage to open, and the other two need not wait
   * behind it (start-up time, BENCHMARKS.md).
   */
  async load(): Promise<void> {
    const b = this.#backend;
    const [info, profiles, settings, recall] = await Promise.allSettled([
      b.appInfo().then((value) => {
        performance.mark('drivly:info');
        return value;
      }),
      b.listProfiles(),
      b.getSettings(),
      b.recallPage(),
    ]);
    if (info.status === 'rejected') {
      this.loadError = messageOf(info.reason, 'The app could not load its settings.');
      return;
    }
    if (profiles.status === 'fulfilled') this.profiles = profiles.value;
    if (settings.status === 'fulfilled') {
      this.settings = settings.value;
      applyTheme(settings.value.theme);
    }
    // The window closed to the tray since the last page: back to its screen and form text
    // (the screens take their fields as they appear).
    const snapshot = recall.status === 'fulfilled' ? recall.value.snapshot : null;
    if (snapshot) {
      this.memory.restore(snapshot.fields);
      this.screen = snapshot.screen;
      this.inspect = this.memory.recalled<InspectRequest | null>('app.inspect', null);
    }
    // Set last, so the screen that appears with it has the profiles and settings already.
    this.info = info.value;
    // What the desktop asked for while no page was there (a notification's button).
    if (recall.status === 'fulfilled') for (const request of recall.value.requests) this.handle(request);
  }

  async reloadProfiles(): Promise<void> {
    this.profiles = await this.#backend.listProfiles();
  }

  /** Re-reads what another process (the CLI) changed: profiles and the active one. */
  async reloadProfilesAndInfo(): Promise<void> {
    const [profiles, info] = await Promise.all([this.#backend.listProfiles(), this.#backend.appInfo()]);
    this.profiles = profiles;
    this.info = info;
  }

  /** Re-reads the settings another process changed, and applies the theme. */
  /** Quits the app (Ctrl+Q, the palette): Rust clears a copied secret first. */
  async quit(): Promise<void> {
    try {
      await this.#backend.quitApp();
    } catch (error) {
      this.toast(messageOf(error), 'error');
    }
  }

  /** "Unlock and retry": asks Rust to open secure storage again. When it opens, the backend
   *  tells the screens to read keys and sessions again; the notice goes with the new info. */
  async retryStorage(): Promise<void> {
    try {
      this.info = await this.#backend.appInfo();
      if (this.info.storageError) this.toast('Secure storage is still closed: unlock your keyring first.', 'error');
    } catch (error) {
      this.toast(messageOf(error), 'error');
    }
  }

  async reloadSettings(): Promise<void> {
    const settings = await this.#backend.getSettings();
    this.settings = settings;
    applyTheme(settings.theme);
  }

  profile(id: string): ProfileView | undefined {
    return this.profiles.find((p) => p.id === id);
  }

  go(screen: ScreenId): void {
    this.screen = screen;
  }

  /** Opens Mint with `keyId` chosen (the quick palette's "Mint a JWT from …"). */
  mintFrom(keyId: string): void {
    this.mintKeyId = keyId;
    this.screen = 'mint';
  }

  /** Acts on what the desktop asked for: a menu item or a notification's button. */
  handle(request: UiRequest): void {
    switch (request.kind) {
      case 'screen':
        this.screen = request.screen;
        break;
      case 'palette':
        if (this.info) this.paletteOpen = true;
        break;
      case 'showSession':
      case 'signInAgain':
        this.sessionRequest = { sessionId: request.sessionId, signIn: request.kind === 'signInAgain' };
        this.screen = 'sessions';
        break;
      case 'saveAndClose':
        void this.saveAndClose();
        break;
    }
  }

  /** The window is closing to the tray: hand Rust the screen and the forms' text (never a
   *  secret), and it destroys the window. */
  async saveAndClose(): Promise<void> {
    const fields = this.memory.fields();
    if (this.inspect && this.screen === 'inspect') fields['app.inspect'] = JSON.stringify(this.inspect);
    try {
      await this.#backend.closeWindow({ screen: this.screen, fields });
    } catch (error) {
      this.toast(messageOf(error), 'error');
    }
  }

  /** Opens Settings with `profileId`'s editor (a session whose endpoint is missing). */
  editProfile(profileId: string): void {
    this.profileToEdit = profileId;
    this.screen = 'settings';
  }

  /** Makes `profileId` the active profile (header, palette, Settings) and says so. */
  async switchProfile(profileId: string): Promise<void> {
    try {
      const summary = await this.#backend.setActiveProfile(profileId);
      if (this.info) this.info.activeProfile = summary;
      this.toast(`Now using “${summary.name}”.`, 'success');
    } catch (error) {
      this.toast(messageOf(error), 'error');
    }
  }

  openInspector(tokenRef: string, title: string, profileId: string | null = null): void {
    this.inspect = { tokenRef, title, profileId, serial: (this.inspect?.serial ?? 0) + 1 };
    this.screen = 'inspect';
  }

  toast(message: string, kind: ToastKind = 'info', ms = kind === 'error' ? 8000 : 4000): void {
    const id = this.#nextId++;
    this.toasts = [...this.toasts, { id, message, kind }];
    setTimeout(() => this.dismiss(id), ms);
  }

  dismiss(id: number): void {
    this.toasts = this.toasts.filter((t) => t.id !== id);
  }

  /** Runs a copy in Rust and says what happens to the clipboard next. */
  async copy(run: () => Promise<CopyResult>, what = 'Copied'): Promise<void> {
    try {
      const result = await run();
      this.toast(copiedText(result, what), 'success');
    } catch (error) {
      this.toast(messageOf(error), 'error');
    }
  }
}

export function copiedText(result: CopyResult, what = 'Copied'): string {
  return result.clearsInSeconds === null ? what : `${what} — clears in ${result.clearsInSeconds} s`;
}

const KEY = Symbol('app');

export function provideApp(model: AppModel): void {
  setContext(KEY, model);
}

export function useApp(): AppModel {
  const model = getContext<AppModel | undefined>(KEY);
  if (!model) throw new Error('no app model provided');
  return model;
}
