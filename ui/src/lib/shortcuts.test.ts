import { describe, expect, it } from 'vitest';
import { isQuitKey, screenForKey, screenShortcut } from './shortcuts';

const key = (k: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey', boolean>> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

describe('keyboard shortcuts', () => {
  it('opens the screens with Ctrl+1…5 and Settings with Ctrl+,', () => {
    expect(screenForKey(key('1', { ctrlKey: true }))).toBe('keys');
    expect(screenForKey(key(',', { ctrlKey: true }))).toBe('settings');
    expect(screenForKey(key('1'))).toBeNull();
    expect(screenForKey(key('9', { ctrlKey: true }))).toBeNull();
    expect(screenShortcut('keys')).toBe('Control+1');
  });

  it('quits with Ctrl+Q (or Cmd+Q), and only that', () => {
    expect(isQuitKey(key('q', { ctrlKey: true }))).toBe(true);
    expect(isQuitKey(key('Q', { metaKey: true }))).toBe(true);
    expect(isQuitKey(key('q'))).toBe(false);
    expect(isQuitKey(key('q', { ctrlKey: true, shiftKey: true }))).toBe(false);
    expect(isQuitKey(key('w', { ctrlKey: true }))).toBe(false);
  });
});
