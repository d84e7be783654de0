// The quick palette's actions (Ctrl+K): what can be done from anywhere in a few keystrokes.
// Built from what the app holds (sessions, keys, profiles, screens) and filtered as the user
// types. Pure, so tests need no window; the component runs the chosen action.

import type { ApiKeyMeta, ProfileView, SessionView } from '../ipc/backend';
import { screens, type ScreenId } from '../screens';
import { screenShortcut } from './shortcuts';
import { sessionName } from './session-name';

export type PaletteGroup = 'Copy' | 'Mint' | 'Inspect' | 'Profile' | 'Go to' | 'App';

/** What an action does when chosen; the component maps each kind to the backend call. */
export type PaletteIntent =
  | { kind: 'copySessionJwt'; sessionId: string }
  | { kind: 'mintFrom'; keyId: string }
  | { kind: 'inspectClipboard' }
  | { kind: 'switchProfile'; profileId: string }
  | { kind: 'go'; screen: ScreenId }
  | { kind: 'quit' };

export interface PaletteAction {
  /** Stable and unique: the listbox option's id and the tests' handle. */
  id: string;
  group: PaletteGroup;
  label: string;
  /** A second, muted line: which profile, which permissions, which shortcut. */
  detail: string;
  intent: PaletteIntent;
}

export interface PaletteSources {
  sessions: SessionView[];
  keys: ApiKeyMeta[];
  profiles: ProfileView[];
  activeProfileId: string | null;
}

/** Sessions that can hand out a JWT now or after one refresh; a dead one needs a sign-in. */
const COPYABLE = new Set(['active', 'refreshing', 'retrying']);

export function paletteActions(sources: PaletteSources): PaletteAction[] {
  const profileName = (id: string) => sources.profiles.find((p) => p.id === id)?.name ?? id;
  const actions: PaletteAction[] = [];
  for (const s of sources.sessions) {
    if (!COPYABLE.has(s.state)) continue;
    actions.push({
      id: `copy-${s.id}`,
      group: 'Copy',
      label: `Copy a fresh JWT for ${sessionName(s)}`,
      detail: `${profileName(s.profileId)} · ${s.permissions.join(', ') || 'no permissions'}`,
      intent: { kind: 'copySessionJwt', sessionId: s.id },
    });
  }
  for (const k of sources.keys) {
    if (!k.secretPresent) continue;
    actions.push({
      id: `mint-${k.id}`,
      group: 'Mint',
      label: `Mint a JWT from “${k.label}”`,
      detail: `${profileName(k.profileId)} · key ${k.maskedTail}`,
      intent: { kind: 'mintFrom', keyId: k.id },
    });
  }
  actions.push({
    id: 'inspect-clipboard',
    group: 'Inspect',
    label: 'Inspect the JWT on the clipboard',
    detail: 'Decoded here; the token stays out of the window',
    intent: { kind: 'inspectClipboard' },
  });
  for (const p of sources.profiles) {
    if (p.id === sources.activeProfileId) continue;
    actions.push({
      id: `profile-${p.id}`,
      group: 'Profile',
      label: `Switch to “${p.name}”`,
      detail: p.baseUrl,
      intent: { kind: 'switchProfile', profileId: p.id },
    });
  }
  for (const s of screens) {
    actions.push({
      id: `go-${s.id}`,
      group: 'Go to',
      label: `Go to ${s.label}`,
      detail: `${s.hint} · ${screenShortcut(s.id).replace('Control', 'Ctrl')}`,
      intent: { kind: 'go', screen: s.id },
    });
  }
  actions.push({
    id: 'quit',
    group: 'App',
    label: 'Quit Drivly Keys',
    detail: 'Stops the background refreshes; clears a copied secret · Ctrl+Q',
    intent: { kind: 'quit' },
  });
  return actions;
}

/** The actions whose group, label or detail hold every word of `query` (any case, any order). */
export function filterActions(actions: PaletteAction[], query: string): PaletteAction[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return actions;
  return actions.filter((a) => {
    const text = `${a.group} ${a.label} ${a.detail}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

/** Ctrl+K (Cmd+K on a Mac keyboard) opens the palette. */
export function isPaletteKey(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>): boolean {
  return (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'k';
}
