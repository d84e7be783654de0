import { describe, expect, it } from 'vitest';
import { recordShortcut, shortcutProblem } from './shortcut-recorder';

const press = (code: string, mods: Partial<Record<'ctrlKey' | 'altKey' | 'shiftKey' | 'metaKey', boolean>> = {}) => ({
  code,
  ctrlKey: false,
  altKey: false,
  shiftKey: false,
  metaKey: false,
  ...mods,
});

describe('the global shortcut recorder', () => {
  it('spells a press the way the setting takes it', () => {
    expect(recordShortcut(press('KeyJ', { ctrlKey: true, altKey: true }))).toEqual({ text: 'Ctrl+Alt+J', complete: true });
    expect(recordShortcut(press('F9', { metaKey: true, shiftKey: true }))).toEqual({ text: 'Shift+Super+F9', complete: true });
    expect(recordShortcut(press('Digit4', { ctrlKey: true }))).toEqual({ text: 'Ctrl+4', complete: true });
  });

  it('shows the modifiers so far, and ignores keys a global shortcut cannot use', () => {
    expect(recordShortcut(press('ControlLeft', { ctrlKey: true }))).toEqual({ text: 'Ctrl+…', complete: false });
    expect(recordShortcut(press('Enter', { ctrlKey: true }))).toEqual({ text: 'Ctrl+…', complete: false });
    expect(recordShortcut(press('ShiftLeft'))).toEqual({ text: '', complete: false });
  });

  it('says why a shortcut cannot be used', () => {
    expect(shortcutProblem('Ctrl+Alt+J')).toBeNull();
    expect(shortcutProblem('Shift+J')).toMatch(/Ctrl, Alt or Super/);
    expect(shortcutProblem('Ctrl+…')).toMatch(/whole combination/);
    expect(shortcutProblem('')).toMatch(/whole combination/);
  });
});
