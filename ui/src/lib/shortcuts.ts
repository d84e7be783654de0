// The window's keyboard shortcuts: Ctrl+1…5 open the screens in sidebar order, Ctrl+, opens
// Settings (the desktop convention for preferences), Ctrl+Q quits. Pure, so tests need no
// window.

import { screens, type ScreenId } from '../screens';

/** The shortcut of each screen, as `aria-keyshortcuts` and tooltips spell it. */
export function screenShortcut(id: ScreenId): string {
  return `Control+${screens.findIndex((s) => s.id === id) + 1}`;
}

/** The screen a key press asks for, or null when it is not one of ours. */
export function screenForKey(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>): ScreenId | null {
  if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return null;
  if (event.key === ',') return 'settings';
  const index = Number(event.key);
  if (!Number.isInteger(index) || index < 1 || index > screens.length) return null;
  return screens[index - 1]?.id ?? null;
}

/** True for Ctrl+Q (Cmd+Q): quit, as the tray's Quit does. */
export function isQuitKey(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>): boolean {
  return (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'q';
}
