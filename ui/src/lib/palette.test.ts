import { describe, expect, it } from 'vitest';
import type { ApiKeyMeta, ProfileView, SessionView } from '../ipc/backend';
import { filterActions, isPaletteKey, paletteActions } from './palette';

const profile = (id: string, name: string) => ({ id, name, baseUrl: `https://${id}.test/api` }) as ProfileView;
const session = (id: string, state: SessionView['state'], subject: string | null) =>
  ({ id, profileId: 'emulator', subject, permissions: ['invoices.read'], state }) as SessionView;
const key = (id: string, label: string, secretPresent = true) =>
  ({ id, label, profileId: 'emulator', maskedTail: '••••abcd', secretPresent }) as ApiKeyMeta;

const sources = {
  sessions: [session('s1', 'active', 'demo@drivly.test'), session('s2', 'needsSignIn', 'ana@example.com')],
  keys: [key('k1', 'Billing'), key('k2', 'Lost', false)],
  profiles: [profile('emulator', 'Local emulator'), profile('production', 'Drivly')],
  activeProfileId: 'emulator',
};

describe('the quick palette', () => {
  it('offers a fresh JWT only for sessions that can hand one out', () => {
    const copy = paletteActions(sources).filter((a) => a.group === 'Copy');
    expect(copy.map((a) => a.label)).toEqual(['Copy a fresh JWT for demo@drivly.test']);
    expect(copy[0]?.detail).toBe('Local emulator · invoices.read');
  });

  it('mints only from keys whose secret is in the keyring, and never names the key itself', () => {
    const mint = paletteActions(sources).filter((a) => a.group === 'Mint');
    expect(mint.map((a) => a.intent)).toEqual([{ kind: 'mintFrom', keyId: 'k1' }]);
    expect(mint[0]?.detail).toBe('Local emulator · key ••••abcd');
  });

  it('switches only to a profile that is not already active, and reaches every screen', () => {
    const actions = paletteActions(sources);
    expect(actions.filter((a) => a.group === 'Profile').map((a) => a.label)).toEqual(['Switch to “Drivly”']);
    expect(actions.filter((a) => a.group === 'Go to')).toHaveLength(5);
    expect(actions.find((a) => a.id === 'go-settings')?.detail).toContain('Ctrl+5');
  });

  it('filters by every word, in any order and case', () => {
    const actions = paletteActions(sources);
    expect(filterActions(actions, 'JWT DEMO').map((a) => a.id)).toEqual(['copy-s1']);
    expect(filterActions(actions, 'drivly switch').map((a) => a.id)).toEqual(['profile-production']);
    expect(filterActions(actions, '  ')).toHaveLength(actions.length);
    expect(filterActions(actions, 'nothing like this')).toEqual([]);
  });

  it('opens on Ctrl+K or Cmd+K only', () => {
    const press = (key: string, mods: Partial<KeyboardEvent> = {}) =>
      isPaletteKey({ key, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods });
    expect(press('k', { ctrlKey: true })).toBe(true);
    expect(press('K', { metaKey: true })).toBe(true);
    expect(press('k')).toBe(false);
    expect(press('k', { ctrlKey: true, shiftKey: true })).toBe(false);
  });
});
